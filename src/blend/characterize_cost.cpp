// Ceres autodiff cost functors of the pigment characterisation fit.
#include "blend/characterize_cost.h"

#include <ceres/ceres.h>

namespace shadecast::blend::internal {
namespace {

using color::kBands;

struct SampleCost {
  CharacterizationSample sample;
  color::Spectral36 rg;
  PigmentKs white;
  SaundersonOptions so;

  template <typename T>
  bool operator()(const T* log_k, const T* log_s, T* residuals) const {
    using std::exp;
    for (int i = 0; i < kBands; ++i) {
      const T pred = PredictSampleBand(sample.kind, sample.amount, exp(log_k[i]), exp(log_s[i]),
                                       white.k[i], white.s[i], rg[i], so);
      residuals[i] = T(100.0) * (pred - T(sample.reflectance[i]));
    }
    return true;
  }
};

struct SmoothnessCost {
  double weight;

  template <typename T>
  bool operator()(const T* log_k, const T* log_s, T* residuals) const {
    for (int i = 0; i + 1 < kBands; ++i) {
      residuals[i] = T(weight) * (log_k[i + 1] - log_k[i]);
      residuals[kBands - 1 + i] = T(weight) * (log_s[i + 1] - log_s[i]);
    }
    return true;
  }
};

}  // namespace

ceres::CostFunction* NewSampleCost(const CharacterizationSample& sample,
                                   const color::Spectral36& rg, const PigmentKs& white,
                                   const SaundersonOptions& so) {
  return new ceres::AutoDiffCostFunction<SampleCost, kBands, kBands, kBands>(
      new SampleCost{sample, rg, white, so});
}

ceres::CostFunction* NewSmoothnessCost(double weight) {
  return new ceres::AutoDiffCostFunction<SmoothnessCost, 2 * (kBands - 1), kBands, kBands>(
      new SmoothnessCost{weight});
}

}  // namespace shadecast::blend::internal
