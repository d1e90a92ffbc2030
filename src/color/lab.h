#pragma once
// CIE XYZ <-> L*a*b* <-> LCh(ab), templated on the scalar type (double or ceres::Jet).
// The white is passed explicitly: kIccD50White for ICC work, Colorimeter::white() for spectral work.
#include <cmath>

#include "color/triple.h"

namespace shadecast::color {

namespace detail {
inline constexpr double kEpsilon = 216.0 / 24389.0;  // (6/29)^3
inline constexpr double kKappa = 24389.0 / 27.0;

template <typename T>
T LabF(const T& t) {
  using std::cbrt;
  if (t > T(kEpsilon)) return cbrt(t);
  return (T(kKappa) * t + T(16.0)) / T(116.0);
}
template <typename T>
T LabFInv(const T& f) {
  const T f3 = f * f * f;
  if (f3 > T(kEpsilon)) return f3;
  return (T(116.0) * f - T(16.0)) / T(kKappa);
}
}  // namespace detail

// `white` and `xyz` share one scale (both Y=1 or both Y=100).
template <typename T>
Triple<T> XyzToLab(const Triple<T>& xyz, const Xyz& white) {
  const T fx = detail::LabF(T(xyz[0] / white[0]));
  const T fy = detail::LabF(T(xyz[1] / white[1]));
  const T fz = detail::LabF(T(xyz[2] / white[2]));
  return {T(116.0) * fy - T(16.0), T(500.0) * (fx - fy), T(200.0) * (fy - fz)};
}

template <typename T>
Triple<T> LabToXyz(const Triple<T>& lab, const Xyz& white) {
  const T fy = (lab[0] + T(16.0)) / T(116.0);
  const T fx = fy + lab[1] / T(500.0);
  const T fz = fy - lab[2] / T(200.0);
  // L* below 8 lies on the linear segment of Y's curve.
  const T yr = (lab[0] > T(detail::kKappa * detail::kEpsilon)) ? fy * fy * fy : lab[0] / T(detail::kKappa);
  return {detail::LabFInv(fx) * white[0], yr * white[1], detail::LabFInv(fz) * white[2]};
}

// L, C*ab, h_ab in degrees [0, 360).
template <typename T>
Triple<T> LabToLch(const Triple<T>& lab) {
  using std::atan2;
  using std::sqrt;
  T h = atan2(lab[2], lab[1]) * T(180.0 / M_PI);
  if (h < T(0)) h += T(360.0);
  return {lab[0], sqrt(lab[1] * lab[1] + lab[2] * lab[2]), h};
}

template <typename T>
Triple<T> LchToLab(const Triple<T>& lch) {
  using std::cos;
  using std::sin;
  const T h = lch[2] * T(M_PI / 180.0);
  return {lch[0], lch[1] * cos(h), lch[1] * sin(h)};
}

}  // namespace shadecast::color
