#pragma once
// The fade model's retained pigment, templated on the scalar for Ceres (internal; include from .cpp
// files only).
//   healing  h(dt) = 1 - f_h (1 - exp(-dt / tau_h))                  (dt in days)
//   long term c_i(dt) = c_inf + (1 - c_inf) exp(-(m_i k dt)^beta)    (dt in years)
//   amount_i(t) = s * sum_sessions deposit_i h(t - t_s) c_i(t - t_s)
// Parameter vector theta: log k, logit f_h, logit c_inf, log s, the stretch shape beta through a
// scaled logistic (kBetaLo + (kBetaHi - kBetaLo) sigmoid), log tau_h (days). Issue 19: beta and
// tau_h are fitted with priors (fade/priors.h) instead of fixed.
#include <cmath>

#include "fade/client.h"
#include "fade/date.h"

namespace shadecast::fade::impl {

inline constexpr int kThetaSize = kFadeParams;
inline constexpr double kBetaLo = 0.4, kBetaHi = 1.3;

template <typename T>
T Sigmoid(const T& x) {
  using std::exp;
  return T(1.0) / (T(1.0) + exp(-x));
}
inline double Logit(double p) { return std::log(p / (1.0 - p)); }
inline double BetaTheta(double beta) { return Logit((beta - kBetaLo) / (kBetaHi - kBetaLo)); }

template <typename T>
struct StateT {
  T k, f_h, c_inf, scale, beta, tau_h;
  static StateT FromTheta(const T* theta) {
    using std::exp;
    return {exp(theta[0]), Sigmoid(theta[1]), Sigmoid(theta[2]), exp(theta[3]),
            T(kBetaLo) + T(kBetaHi - kBetaLo) * Sigmoid(theta[4]), exp(theta[5])};
  }
  static StateT FromState(const FadeState& s) {
    return {T(s.rate_per_year), T(s.healing_loss), T(s.c_inf), T(s.deposit_scale), T(s.beta), T(s.healing_tau_days)};
  }
};

inline void ThetaFromState(const FadeState& s, double* theta) {
  theta[0] = std::log(s.rate_per_year);
  theta[1] = Logit(s.healing_loss);
  theta[2] = Logit(s.c_inf);
  theta[3] = std::log(s.deposit_scale);
  theta[4] = BetaTheta(s.beta);
  theta[5] = std::log(s.healing_tau_days);
}
inline FadeState StateFromTheta(const double* theta) {
  const auto s = StateT<double>::FromTheta(theta);
  return {s.k, s.f_h, s.c_inf, s.scale, s.beta, s.tau_h};
}

// Retained amounts of every pigment of `c` on `day` (days since the epoch, fractional allowed).
template <typename T>
void Retained(const ClientData& c, const StateT<T>& p, double day, T* out) {
  using std::exp;
  using std::pow;
  const size_t n = c.pigments.size();
  for (size_t i = 0; i < n; ++i) out[i] = T(0.0);
  for (const auto& s : c.sessions) {
    if (s.day > day) break;
    const double dt = day - s.day;
    const double years = dt / kDaysPerYear;
    const T h = T(1.0) - p.f_h * (T(1.0) - exp(-T(dt) / p.tau_h));
    for (size_t i = 0; i < n; ++i) {
      if (s.deposit[i] == 0.0) continue;
      const T x = c.rate_multiplier[i] * years * p.k;
      const T decay = years > 0 ? exp(-pow(x, p.beta)) : T(1.0);
      out[i] += p.scale * s.deposit[i] * h * (p.c_inf + (T(1.0) - p.c_inf) * decay);
    }
  }
}

}  // namespace shadecast::fade::impl
