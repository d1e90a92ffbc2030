#include "blend/recipe_cost.h"

#include <ceres/autodiff_cost_function.h>

#include "color/ciede2000.h"
#include "optics/dot_model.h"

namespace shadecast::blend::internal {
namespace {

template <int N>
struct RecipeCost {
  const optics::DotModel* model;
  const optics::PigmentKS* const* pigments;
  color::Lab target;
  double max_load;

  template <typename T>
  bool operator()(const T* const a, T* r) const {
    const color::Triple<T> lab = model->Lab(a, pigments, N);
    const color::Triple<T> t{T(target[0]), T(target[1]), T(target[2])};
    const color::Triple<T> d = color::DeltaE00Residuals(lab, t);
    r[0] = d[0];
    r[1] = d[1];
    r[2] = d[2];
    T sum(0.0);
    for (int i = 0; i < N; ++i) sum += a[i];
    r[3] = sum > T(max_load) ? T(10.0) * (sum - T(max_load)) : T(0.0);
    return true;
  }
};

template <int N>
ceres::CostFunction* Make(const optics::DotModel* model, const optics::PigmentKS* const* pigments,
                          const color::Lab& target, double max_load) {
  return new ceres::AutoDiffCostFunction<RecipeCost<N>, 4, N>(new RecipeCost<N>{model, pigments, target, max_load});
}

}  // namespace

ceres::CostFunction* NewRecipeCost(const optics::DotModel* model, const optics::PigmentKS* const* pigments, int n,
                                   const color::Lab& target, double max_load) {
  switch (n) {
    case 1:
      return Make<1>(model, pigments, target, max_load);
    case 2:
      return Make<2>(model, pigments, target, max_load);
    case 3:
      return Make<3>(model, pigments, target, max_load);
    default:
      return nullptr;
  }
}

}  // namespace shadecast::blend::internal
