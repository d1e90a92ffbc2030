#include "optics/calibrate_cost.h"

#include <ceres/dynamic_autodiff_cost_function.h>

#include <algorithm>
#include <cmath>

#include "optics/model_impl.h"

namespace shadecast::optics::internal {

void GlobalsFromParams(const ModelParams& p, double* g) {
  g[0] = std::log(p.scattering_a_per_cm / 10.0);
  g[1] = p.scattering_b;
  g[2] = p.saunderson_k2;       // unused by the Monte Carlo model (kept so the layout stays)
  g[3] = std::log(p.depth_mm);
  g[4] = std::log(p.sieve_scale);
  g[5] = std::log(p.transport_mfp_mm);  // unused by the Monte Carlo model
}

void ParamsFromGlobals(const double* g, ModelParams* p) {
  p->scattering_a_per_cm = std::exp(g[0]) * 10.0;
  p->scattering_b = g[1];
  p->saunderson_k2 = g[2];
  p->depth_mm = std::exp(g[3]);
  p->sieve_scale = std::exp(g[4]);
  p->transport_mfp_mm = std::exp(g[5]);
}

namespace {

struct OutcomeCost {
  Outcome outcome;
  ModelParams base;
  double sigma;

  template <typename T>
  bool operator()(T const* const* blocks, T* residuals) const {
    using std::exp;
    const T* g = blocks[0];
    const T* s = blocks[1];
    auto m = impl::ModelT<T>::From(base);
    m.scat_a_per_mm = exp(g[0]);
    m.scat_b = g[1];
    m.k2 = g[2];
    m.depth_mm = outcome.depth_mm > 0 ? T(outcome.depth_mm) : exp(g[3]);
    m.sieve_scale = exp(g[4]);
    if (outcome.dot_diameter_mm > 0) m.dot_diameter_mm = T(outcome.dot_diameter_mm);
    const impl::SkinT<T> skin{exp(s[0]), exp(s[1]), exp(s[2]), T(-1.0)};
    T rs[color::kBands], rd[color::kBands], weighted[color::kBands];
    const PigmentKS* pigments[8];
    T amounts[8];
    double scales[8];
    const int n = static_cast<int>(std::min<size_t>(outcome.blend.size(), 8));
    for (int i = 0; i < n; ++i) {
      pigments[i] = outcome.blend[i].pigment;
      amounts[i] = T(outcome.load * outcome.blend[i].fraction) * exp(blocks[2 + i][0]);
      scales[i] = 1.0;
    }
    T sieve;
    impl::InkTerms(pigments, amounts, scales, n, m, &sieve, weighted);
    impl::Reflectances(skin, m, sieve, weighted, rs, rd);
    const auto skin_lab = impl::LabD50(rs);
    const auto dot_lab = impl::LabD50(rd);
    for (int i = 0; i < 3; ++i) {
      residuals[i] = (skin_lab[i] - T(outcome.skin_lab[i])) / T(sigma);
      residuals[3 + i] = (dot_lab[i] - T(outcome.healed_lab[i])) / T(sigma);
    }
    return true;
  }
};

}  // namespace

ceres::CostFunction* NewOutcomeCost(const Outcome& outcome, const ModelParams& base, double lab_sigma) {
  auto* cost = new ceres::DynamicAutoDiffCostFunction<OutcomeCost, 8>(new OutcomeCost{outcome, base, lab_sigma});
  cost->AddParameterBlock(kGlobalSize);
  cost->AddParameterBlock(3);
  for (size_t i = 0; i < outcome.blend.size(); ++i) cost->AddParameterBlock(1);
  cost->SetNumResiduals(6);
  return cost;
}

}  // namespace shadecast::optics::internal
