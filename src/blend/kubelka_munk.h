#pragma once
// Two-constant Kubelka-Munk reflectance and Saunderson's surface correction, templated on the
// scalar type so Ceres Jets differentiate them. K and S are per unit thickness in any one unit;
// only their ratio (opaque) or their product with the thickness X (a layer) matters.
#include <cmath>

#include "optics/km.h"

namespace shadecast::blend {

// Internal reflectance of an opaque layer: R_inf = 1 + K/S - sqrt((K/S)^2 + 2 K/S) (the optics
// model's implementation, written to avoid cancellation when K/S is large).
template <typename T>
T KmRInfinity(const T& k, const T& s) {
  return optics::km::RInfinity(k, s);
}

// Internal reflectance of a layer of thickness x over a background of reflectance rg (Kubelka 1954,
// hyperbolic form): R = (1 - rg (a - b coth(b S x))) / (a - rg + b coth(b S x)). Needs k, s, x > 0.
template <typename T>
T KmLayerOverBackground(const T& k, const T& s, const T& x, const T& rg) {
  using std::sqrt;
  using std::tanh;
  const T q = k / s;
  const T a = T(1.0) + q;
  const T b = sqrt(q * (T(2.0) + q));
  const T y = b * s * x;
  // b * coth(y); for tiny y (almost no absorption) tanh(y) ~ y, and b / y = 1 / (s x) stays finite.
  const T bcoth = b / tanh(y);
  return (T(1.0) - rg * (a - bcoth)) / (a - rg + bcoth);
}

// Saunderson's correction from internal reflectance ri to measured reflectance:
// R_m = k1 [if include_k1] + (1 - k1)(1 - k2) ri / (1 - k2 ri).
// include_k1: the measurement contains the first-surface reflection (specular included, or a matte
// surface whose surface reflection is diffuse); false for specular-excluded glossy samples.
template <typename T>
T SaundersonForward(const T& ri, double k1, double k2, bool include_k1) {
  const T body = optics::km::Saunderson(ri, T(k1), T(k2));
  return include_k1 ? T(k1) + body : body;
}

// Inverse of SaundersonForward (measured -> internal reflectance).
inline double SaundersonInverse(double rm, double k1, double k2, bool include_k1) {
  const double x = include_k1 ? rm - k1 : rm;
  return x / ((1.0 - k1) * (1.0 - k2) + k2 * x);
}

// K/S of an opaque layer from its internal reflectance: (1 - R)^2 / (2 R).
inline double KmKOverS(double r_inf) { return (1.0 - r_inf) * (1.0 - r_inf) / (2.0 * r_inf); }

}  // namespace shadecast::blend
