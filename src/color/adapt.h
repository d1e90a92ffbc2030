#pragma once
// Chromatic adaptation (Bradford, as used by ICC v4) and sRGB.
#include <array>

#include "color/triple.h"

namespace shadecast::color {

using Mat3 = std::array<std::array<double, 3>, 3>;

Mat3 Multiply(const Mat3& a, const Mat3& b);
Mat3 Inverse(const Mat3& m);  // asserts invertibility
Xyz Apply(const Mat3& m, const Xyz& v);

// Bradford (linearised, as in ICC v4) matrix taking XYZ seen under `src_white` to the
// corresponding colour under `dst_white`.
Mat3 BradfordMatrix(const Xyz& src_white, const Xyz& dst_white);
Xyz BradfordAdapt(const Xyz& xyz, const Xyz& src_white, const Xyz& dst_white);

// sRGB (IEC 61966-2-1) transfer function on one channel, 0-1.
double SrgbEncode(double linear);
double SrgbDecode(double encoded);

// XYZ relative to the ICC D50 white (Y = 1) -> linear sRGB (D65 primaries) via Bradford, and back.
Xyz XyzD50ToLinearSrgb(const Xyz& xyz_d50);
Xyz LinearSrgbToXyzD50(const Xyz& rgb);

}  // namespace shadecast::color
