#pragma once
// The colour mappings: linear 3x3 and root-polynomial degree 2 (Finlayson, Mackiewicz & Hurlbert
// 2015, IEEE TIP 24(5)): terms r, g, b, sqrt(rg), sqrt(gb), sqrt(rb), each of degree one in the
// exposure, so the mapping commutes with exposure changes. XYZ = C (3 x n) * terms.
#include <cmath>
#include <vector>

#include "calib/calibration.h"

namespace shadecast::calib {

inline constexpr int kMaxTerms = 6;
inline int TermCount(Model m) { return m == Model::kLinear ? 3 : 6; }

// Terms of a normalised linear RGB. n = 3 or 6. Negative values (noise below black) are kept in
// the linear terms and clamped to 0 inside the square roots.
inline void Terms(const Rgb& rgb, int n, double* out) {
  out[0] = rgb[0];
  out[1] = rgb[1];
  out[2] = rgb[2];
  if (n == 6) {
    const double r = std::max(rgb[0], 0.0), g = std::max(rgb[1], 0.0), b = std::max(rgb[2], 0.0);
    out[3] = std::sqrt(r * g);
    out[4] = std::sqrt(g * b);
    out[5] = std::sqrt(r * b);
  }
}

inline color::Xyz ApplyMapping(const std::vector<double>& coef, int n, const Rgb& rgb) {
  double t[kMaxTerms];
  Terms(rgb, n, t);
  color::Xyz xyz{0, 0, 0};
  for (int c = 0; c < 3; ++c)
    for (int j = 0; j < n; ++j) xyz[c] += coef[c * n + j] * t[j];
  return xyz;
}

}  // namespace shadecast::calib
