#pragma once
// Spectral colorimetry: CIE 1931 2 degree observer, CIE illuminants, reflectance -> XYZ.
#include <string>
#include <string_view>
#include <vector>

#include "color/spectrum.h"
#include "color/triple.h"

namespace shadecast::color {

// CIE 1931 2 degree colour-matching functions, 360-830 nm at 1 nm (CIE 018:2019), embedded.
struct Observer {
  std::vector<double> nm, xbar, ybar, zbar;
};
const Observer& Cie1931();

// Names of the embedded CIE illuminants (CIE 015:2018): A, D50, D65, FL2, FL11, LED-B1 ... LED-V2.
std::vector<std::string> CieIlluminantNames();
// The relative SPD of a CIE illuminant by name (case-insensitive). Throws std::invalid_argument
// listing the known names when `name` is not one.
SampledSpectrum CieIlluminant(std::string_view name);

// Reflectance -> XYZ under one illuminant, normalised so a perfect white has Y = 100.
// Integration is at 1 nm with the CIE CMFs: the reflectance is interpolated linearly and held
// constant past its ends; the illuminant is interpolated linearly and zero outside its data.
// For the 36-band grid the same integral is precomputed as weights (ASTM E308-style), so
// Xyz36() is exactly Xyz() of the linearly interpolated 36-band spectrum.
class Colorimeter {
 public:
  explicit Colorimeter(const SampledSpectrum& illuminant);

  Xyz ToXyz(const SampledSpectrum& reflectance) const;

  template <typename T>
  Triple<T> Xyz36(const T* reflectance36) const {
    Triple<T> xyz{T(0), T(0), T(0)};
    for (int k = 0; k < kBands; ++k) {
      for (int c = 0; c < 3; ++c) xyz[c] += weights_[c][k] * reflectance36[k];
    }
    return xyz;
  }

  // XYZ of the perfect reflecting diffuser under this illuminant (Y = 100).
  const Xyz& white() const { return white_; }
  const std::array<Spectral36, 3>& weights() const { return weights_; }
  const std::string& illuminant_name() const { return name_; }

 private:
  std::string name_;
  std::vector<double> ex_, ey_, ez_;  // illuminant x CMF at each 1 nm observer sample, normalised
  std::array<Spectral36, 3> weights_{};
  Xyz white_{};
};

// A shared colorimeter for the CIE D50 SPD (the reference for every L*a*b* D50 the spectral paths
// report).
const Colorimeter& D50Colorimeter();

}  // namespace shadecast::color
