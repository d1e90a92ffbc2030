#pragma once
// The fade model's retained pigment, templated on the scalar for Ceres (internal; include from .cpp
// files only).
//   healing  h(dt) = 1 - f_h (1 - exp(-dt / tau_h))                  (dt in days)
//   long term c_i(dt) = c_inf + (1 - c_inf) exp(-(m_i k dt)^beta)    (dt in years)
//   amount_i(t) = s * sum_sessions deposit_i h(t - t_s) c_i(t - t_s)
// Parameter vector theta: log k, logit f_h, logit c_inf, log s.
#include <cmath>

#include "fade/client.h"
#include "fade/date.h"

namespace shadecast::fade::impl {

inline constexpr int kThetaSize = 4;

template <typename T>
T Sigmoid(const T& x) {
  using std::exp;
  return T(1.0) / (T(1.0) + exp(-x));
}
inline double Logit(double p) { return std::log(p / (1.0 - p)); }

template <typename T>
struct StateT {
  T k, f_h, c_inf, scale;
  static StateT FromTheta(const T* theta) {
    using std::exp;
    return {exp(theta[0]), Sigmoid(theta[1]), Sigmoid(theta[2]), exp(theta[3])};
  }
};

inline void ThetaFromState(const FadeState& s, double* theta) {
  theta[0] = std::log(s.rate_per_year);
  theta[1] = Logit(s.healing_loss);
  theta[2] = Logit(s.c_inf);
  theta[3] = std::log(s.deposit_scale);
}
inline FadeState StateFromTheta(const double* theta) {
  const auto s = StateT<double>::FromTheta(theta);
  return {s.k, s.f_h, s.c_inf, s.scale};
}

// Retained amounts of every pigment of `c` on `day` (days since the epoch, fractional allowed).
template <typename T>
void Retained(const ClientData& c, const StateT<T>& p, double beta, double tau_h_days, double day, T* out) {
  using std::exp;
  using std::pow;
  const size_t n = c.pigments.size();
  for (size_t i = 0; i < n; ++i) out[i] = T(0.0);
  for (const auto& s : c.sessions) {
    if (s.day > day) break;
    const double dt = day - s.day;
    const double years = dt / kDaysPerYear;
    const T h = T(1.0) - p.f_h * (T(1.0) - T(std::exp(-dt / tau_h_days)));
    for (size_t i = 0; i < n; ++i) {
      if (s.deposit[i] == 0.0) continue;
      const T x = c.rate_multiplier[i] * years * p.k;
      const T decay = beta == 1.0 ? exp(-x) : (years > 0 ? exp(-pow(x, beta)) : T(1.0));
      out[i] += p.scale * s.deposit[i] * h * (p.c_inf + (T(1.0) - p.c_inf) * decay);
    }
  }
}

}  // namespace shadecast::fade::impl
