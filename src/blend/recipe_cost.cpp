#include "blend/recipe_cost.h"

#include <ceres/autodiff_cost_function.h>
#include <ceres/tiny_solver.h>
#include <ceres/tiny_solver_autodiff_function.h>

#include <cmath>

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

// The same residuals on u with a = u^2.
template <int N>
struct SquaredAmountCost {
  RecipeCost<N> inner;
  mutable int* evaluations;
  template <typename T>
  bool operator()(const T* const u, T* r) const {
    T a[N];
    for (int i = 0; i < N; ++i) a[i] = u[i] * u[i];
    ++*evaluations;
    return inner(a, r);
  }
};

template <int N>
int RefineN(const optics::DotModel* model, const optics::PigmentKS* const* pigments, const color::Lab& target,
            double max_load, double* a) {
  int evaluations = 0;
  using Functor = SquaredAmountCost<N>;
  Functor f{RecipeCost<N>{model, pigments, target, max_load}, &evaluations};
  ceres::TinySolverAutoDiffFunction<Functor, 4, N> function(f);
  Eigen::Matrix<double, N, 1> u;
  for (int i = 0; i < N; ++i) u(i) = std::sqrt(std::max(a[i], 1e-4));
  ceres::TinySolver<ceres::TinySolverAutoDiffFunction<Functor, 4, N>> solver;
  solver.options.max_num_iterations = 30;
  solver.options.function_tolerance = 1e-8;
  solver.options.parameter_tolerance = 1e-8;
  solver.options.gradient_tolerance = 1e-10;
  solver.Solve(function, &u);
  for (int i = 0; i < N; ++i) a[i] = std::min(u(i) * u(i), max_load);
  return evaluations;
}

}  // namespace

int RefineAmounts(const optics::DotModel* model, const optics::PigmentKS* const* pigments, int n,
                  const color::Lab& target, double max_load, double* a) {
  switch (n) {
    case 1:
      return RefineN<1>(model, pigments, target, max_load, a);
    case 2:
      return RefineN<2>(model, pigments, target, max_load, a);
    case 3:
      return RefineN<3>(model, pigments, target, max_load, a);
    default:
      return 0;
  }
}

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
