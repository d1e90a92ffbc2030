#include "color/adapt.h"

#include <cassert>
#include <cmath>

namespace shadecast::color {
namespace {
constexpr Mat3 kBradford{{{0.8951, 0.2664, -0.1614}, {-0.7502, 1.7135, 0.0367}, {0.0389, -0.0685, 1.0296}}};
// IEC 61966-2-1 linear sRGB -> XYZ (D65, Y = 1).
constexpr Mat3 kSrgbToXyzD65{{{0.4124, 0.3576, 0.1805}, {0.2126, 0.7152, 0.0722}, {0.0193, 0.1192, 0.9505}}};
constexpr Xyz kD65White{0.9505, 1.0, 1.0890};  // the white of the sRGB matrix rows above
}  // namespace

Mat3 Multiply(const Mat3& a, const Mat3& b) {
  Mat3 r{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) r[i][j] += a[i][k] * b[k][j];
  return r;
}

Mat3 Inverse(const Mat3& m) {
  const double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                     m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                     m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  assert(std::abs(det) > 1e-15);
  const double id = 1.0 / det;
  Mat3 r;
  r[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) * id;
  r[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) * id;
  r[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) * id;
  r[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) * id;
  r[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) * id;
  r[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) * id;
  r[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) * id;
  r[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) * id;
  r[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) * id;
  return r;
}

Xyz Apply(const Mat3& m, const Xyz& v) {
  return {m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2], m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
          m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2]};
}

Mat3 BradfordMatrix(const Xyz& src_white, const Xyz& dst_white) {
  const Xyz s = Apply(kBradford, src_white);
  const Xyz d = Apply(kBradford, dst_white);
  Mat3 diag{{{d[0] / s[0], 0, 0}, {0, d[1] / s[1], 0}, {0, 0, d[2] / s[2]}}};
  return Multiply(Inverse(kBradford), Multiply(diag, kBradford));
}

Xyz BradfordAdapt(const Xyz& xyz, const Xyz& src_white, const Xyz& dst_white) {
  return Apply(BradfordMatrix(src_white, dst_white), xyz);
}

double SrgbEncode(double v) {
  if (v <= 0.0031308) return 12.92 * v;
  return 1.055 * std::pow(v, 1.0 / 2.4) - 0.055;
}

double SrgbDecode(double v) {
  if (v <= 0.04045) return v / 12.92;
  return std::pow((v + 0.055) / 1.055, 2.4);
}

Xyz XyzD50ToLinearSrgb(const Xyz& xyz_d50) {
  static const Mat3 m = Multiply(Inverse(kSrgbToXyzD65), BradfordMatrix(kIccD50White, kD65White));
  return Apply(m, xyz_d50);
}

Xyz LinearSrgbToXyzD50(const Xyz& rgb) {
  static const Mat3 m = Multiply(BradfordMatrix(kD65White, kIccD50White), kSrgbToXyzD65);
  return Apply(m, rgb);
}

}  // namespace shadecast::color
