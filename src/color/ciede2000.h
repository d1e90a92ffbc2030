#pragma once
// CIEDE2000 colour difference (kL = kC = kH = 1), templated so Ceres Jets can differentiate it.
// Follows Sharma, Wu & Dalal 2005 (Color Res. Appl. 30:21), including their notes on the hue
// discontinuity: the derivative does not exist where C'1*C'2 = 0 or |h'1 - h'2| = 180 deg.
#include <cmath>

#include "color/triple.h"

namespace shadecast::color {

namespace detail {
template <typename T>
T Pow7(const T& x) {
  const T x2 = x * x;
  const T x3 = x2 * x;
  return x3 * x3 * x;
}
}  // namespace detail

// Three residuals whose squares sum to DeltaE00^2 exactly: (dL'/SL, dC'/SC + RT/2 dH'/SH,
// sqrt(1 - RT^2/4) dH'/SH) - the rotation term's cross product factored out (Cholesky of
// [[1, RT/2], [RT/2, 1]]). For least squares: unlike DeltaE00 itself they stay differentiable at a
// perfect match.
template <typename T>
Triple<T> DeltaE00Residuals(const Triple<T>& lab1, const Triple<T>& lab2) {
  using std::abs;
  using std::atan2;
  using std::cos;
  using std::exp;
  using std::sin;
  using std::sqrt;
  constexpr double kDeg = M_PI / 180.0;
  constexpr double k25_7 = 6103515625.0;  // 25^7

  const T& L1 = lab1[0];
  const T& a1 = lab1[1];
  const T& b1 = lab1[2];
  const T& L2 = lab2[0];
  const T& a2 = lab2[1];
  const T& b2 = lab2[2];

  const T C1 = sqrt(a1 * a1 + b1 * b1);
  const T C2 = sqrt(a2 * a2 + b2 * b2);
  const T Cbar = (C1 + C2) / T(2.0);
  const T Cbar7 = detail::Pow7(Cbar);
  const T G = T(0.5) * (T(1.0) - sqrt(Cbar7 / (Cbar7 + T(k25_7))));
  const T a1p = (T(1.0) + G) * a1;
  const T a2p = (T(1.0) + G) * a2;
  const T C1p = sqrt(a1p * a1p + b1 * b1);
  const T C2p = sqrt(a2p * a2p + b2 * b2);

  auto hue = [&](const T& b, const T& ap) {
    if (b == T(0.0) && ap == T(0.0)) return T(0.0);
    T h = atan2(b, ap) / T(kDeg);
    if (h < T(0.0)) h += T(360.0);
    return h;
  };
  const T h1p = hue(b1, a1p);
  const T h2p = hue(b2, a2p);

  const T dLp = L2 - L1;
  const T dCp = C2p - C1p;
  const T CpProd = C1p * C2p;
  T dhp(0.0);
  if (CpProd != T(0.0)) {
    dhp = h2p - h1p;
    if (dhp > T(180.0)) dhp -= T(360.0);
    else if (dhp < T(-180.0)) dhp += T(360.0);
  }
  const T dHp = T(2.0) * sqrt(CpProd) * sin(dhp * T(kDeg / 2.0));

  const T Lbarp = (L1 + L2) / T(2.0);
  const T Cbarp = (C1p + C2p) / T(2.0);
  T hbarp = h1p + h2p;
  if (CpProd != T(0.0)) {
    if (abs(h1p - h2p) > T(180.0)) {
      if (hbarp < T(360.0)) hbarp += T(360.0);
      else hbarp -= T(360.0);
    }
    hbarp = hbarp / T(2.0);
  }

  // T = 1 - 0.17 cos(h - 30) + 0.24 cos(2h) + 0.32 cos(3h + 6) - 0.20 cos(4h - 63), the multiple
  // angles from one cosine and sine (double- and triple-angle identities; same value, one sincos
  // instead of four cosines).
  const T c1 = cos(hbarp * T(kDeg)), s1 = sin(hbarp * T(kDeg));
  const T c2 = c1 * c1 - s1 * s1, s2 = T(2.0) * s1 * c1;
  const T c3 = c2 * c1 - s2 * s1, s3 = s2 * c1 + c2 * s1;
  const T c4 = c2 * c2 - s2 * s2, s4 = T(2.0) * s2 * c2;
  const double cos30 = std::cos(30.0 * kDeg), sin30 = 0.5, cos6 = std::cos(6.0 * kDeg), sin6 = std::sin(6.0 * kDeg),
               cos63 = std::cos(63.0 * kDeg), sin63 = std::sin(63.0 * kDeg);
  const T Tt = T(1.0) - T(0.17) * (c1 * cos30 + s1 * sin30) + T(0.24) * c2 + T(0.32) * (c3 * cos6 - s3 * sin6) -
               T(0.20) * (c4 * cos63 + s4 * sin63);
  const T dtheta_arg = (hbarp - T(275.0)) / T(25.0);
  const T dtheta = T(30.0) * exp(-dtheta_arg * dtheta_arg);
  const T Cbarp7 = detail::Pow7(Cbarp);
  const T Rc = T(2.0) * sqrt(Cbarp7 / (Cbarp7 + T(k25_7)));
  const T Lm50sq = (Lbarp - T(50.0)) * (Lbarp - T(50.0));
  const T Sl = T(1.0) + T(0.015) * Lm50sq / sqrt(T(20.0) + Lm50sq);
  const T Sc = T(1.0) + T(0.045) * Cbarp;
  const T Sh = T(1.0) + T(0.015) * Cbarp * Tt;
  const T Rt = -sin(T(2.0) * dtheta * T(kDeg)) * Rc;

  const T tl = dLp / Sl;
  const T tc = dCp / Sc;
  const T th = dHp / Sh;
  return {tl, tc + T(0.5) * Rt * th, sqrt(T(1.0) - T(0.25) * Rt * Rt) * th};
}

template <typename T>
T DeltaE00(const Triple<T>& lab1, const Triple<T>& lab2) {
  using std::sqrt;
  const Triple<T> r = DeltaE00Residuals(lab1, lab2);
  return sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
}

// CIE 1976 Delta E*ab.
template <typename T>
T DeltaE76(const Triple<T>& lab1, const Triple<T>& lab2) {
  using std::sqrt;
  const T dl = lab1[0] - lab2[0], da = lab1[1] - lab2[1], db = lab1[2] - lab2[2];
  return sqrt(dl * dl + da * da + db * db);
}

}  // namespace shadecast::color
