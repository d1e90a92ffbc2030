#pragma once
// Kubelka-Munk two-flux primitives, templated on the scalar (double or ceres::Jet).
// A slab is described from both sides: its reflectance from above, from below, and its
// transmittance (the same both ways). A homogeneous layer has equal top and bottom reflectance; a
// stack of different layers does not, and Kubelka's adding formulas keep both (Kubelka 1954,
// JOSA 44:330).
#include <cmath>

namespace shadecast::optics::km {

template <typename T>
struct Slab {
  T r_top;     // diffuse reflectance for light arriving from above
  T r_bottom;  // diffuse reflectance for light arriving from below
  T t;         // diffuse transmittance
};

// A homogeneous layer of absorption K, scattering S (per mm) and thickness d (mm).
// Written with tanh and sech so it stays finite for thick layers, with the limits
// S -> 0 (R = 0, T = exp(-K d)) and K -> 0 (R = S d / (1 + S d)) handled exactly.
template <typename T>
Slab<T> Layer(const T& K, const T& S, const T& d) {
  using std::exp;
  using std::sqrt;
  using std::tanh;
  const T beta2 = K * (K + T(2.0) * S);
  T th;    // tanh(beta d) / beta
  T sech;  // 1 / cosh(beta d)
  if (beta2 < T(1e-24)) {
    th = d;
    sech = T(1.0);
  } else {
    const T beta = sqrt(beta2);
    const T x = beta * d;
    if (x < T(1e-4)) {
      th = d * (T(1.0) - x * x / T(3.0));
      sech = T(1.0) - x * x / T(2.0);
    } else {
      th = tanh(x) / beta;
      const T e = exp(-x);
      sech = T(2.0) * e / (T(1.0) + e * e);
    }
  }
  const T den = (K + S) * th + T(1.0);
  const T r = S * th / den;
  return {r, r, sech / den};
}

// R-infinity of an opaque layer: 1 + K/S - sqrt((K/S)^2 + 2 K/S), written as S / (K + S + beta)
// so it is finite when S -> 0.
template <typename T>
T RInfinity(const T& K, const T& S) {
  using std::sqrt;
  return S / (K + S + sqrt(K * (K + T(2.0) * S)));
}

// A semi-infinite layer: reflects R-infinity from above, transmits nothing.
template <typename T>
Slab<T> SemiInfinite(const T& K, const T& S) {
  const T r = RInfinity(K, S);
  return {r, r, T(0.0)};
}

// `top` lying on `bottom` (Kubelka's adding formulas with inter-reflections summed).
template <typename T>
Slab<T> Stack(const Slab<T>& top, const Slab<T>& bottom) {
  const T denom = T(1.0) - top.r_bottom * bottom.r_top;
  return {top.r_top + top.t * top.t * bottom.r_top / denom,
          bottom.r_bottom + bottom.t * bottom.t * top.r_bottom / denom, top.t * bottom.t / denom};
}

// Saunderson's correction from the internal reflectance R to what a 45/0 or cross-polarised camera
// sees: the entrance loss (1 - k1) and the internal reflections k2, without the specular k1 term.
template <typename T>
T Saunderson(const T& R, const T& k1, const T& k2) {
  return (T(1.0) - k1) * (T(1.0) - k2) * R / (T(1.0) - k2 * R);
}

// Its inverse: internal reflectance from the measured one.
template <typename T>
T InverseSaunderson(const T& Rm, const T& k1, const T& k2) {
  return Rm / ((T(1.0) - k1) * (T(1.0) - k2) + k2 * Rm);
}

}  // namespace shadecast::optics::km
