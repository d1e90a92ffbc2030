// Ridge residuals on the root-polynomial cross terms (autodiff; linear in the coefficients).
#include <ceres/ceres.h>

#include "calib/fit_cost.h"

namespace shadecast::calib {
namespace {

struct RidgeFunctor {
  double scale[3];  // per cross term j = 3, 4, 5

  template <typename T>
  bool operator()(const T* coef, T* residual) const {
    for (int c = 0; c < 3; ++c)
      for (int j = 0; j < 3; ++j) residual[c * 3 + j] = T(scale[j]) * coef[c * 6 + 3 + j];
    return true;
  }
};

}  // namespace

ceres::CostFunction* MakeRidgeCost(int n_terms, const double* scale) {
  (void)n_terms;  // only the 6-term model has cross terms
  auto* f = new RidgeFunctor;
  for (int j = 0; j < 3; ++j) f->scale[j] = scale[j];
  return new ceres::AutoDiffCostFunction<RidgeFunctor, 9, 18>(f);
}

}  // namespace shadecast::calib
