#include <ceres/autodiff_cost_function.h>

#include "fade/costs.h"
#include "fade/model_impl.h"

namespace shadecast::fade::internal {
namespace {

struct PriorCost {
  double mean[impl::kThetaSize];
  double sd[impl::kThetaSize];

  template <typename T>
  bool operator()(const T* const theta, T* residuals) const {
    for (int i = 0; i < impl::kThetaSize; ++i) residuals[i] = (theta[i] - T(mean[i])) / T(sd[i]);
    return true;
  }
};

}  // namespace

ceres::CostFunction* NewPriorCost(const double* mean, const double* sd) {
  auto* c = new PriorCost;
  for (int i = 0; i < impl::kThetaSize; ++i) {
    c->mean[i] = mean[i];
    c->sd[i] = sd[i];
  }
  return new ceres::AutoDiffCostFunction<PriorCost, impl::kThetaSize, impl::kThetaSize>(c);
}

}  // namespace shadecast::fade::internal
