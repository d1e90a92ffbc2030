#include "blend/recipe_cost.h"

#include <ceres/tiny_solver.h>
#include <ceres/tiny_solver_autodiff_function.h>

#include <cmath>

#include "color/ciede2000.h"
#include "color/lab.h"

namespace shadecast::blend::internal {
namespace {

// Residuals of the first-order XYZ model in the amounts themselves (bounds by active set below).
template <int N>
struct LinearXyzCost {
  const LinearXyz* model;
  color::Xyz white;
  color::Lab target;
  double max_load;
  double load_weight;
  template <typename T>
  bool operator()(const T* const a, T* r) const {
    color::Triple<T> xyz{T(model->xyz0[0]), T(model->xyz0[1]), T(model->xyz0[2])};
    T sum(0.0);
    for (int j = 0; j < N; ++j) {
      sum += a[j];
      for (int c = 0; c < 3; ++c) xyz[c] += model->J[c][j] * (a[j] - model->a0[j]);
    }
    const color::Triple<T> lab = color::XyzToLab(xyz, white);
    const color::Triple<T> d = color::DeltaE00Residuals(lab, color::Triple<T>{T(target[0]), T(target[1]), T(target[2])});
    r[0] = d[0];
    r[1] = d[1];
    r[2] = d[2];
    r[3] = sum > T(max_load) ? T(10.0) * (sum - T(max_load)) : T(0.0);
    using std::sqrt;
    r[4] = sqrt(T(2.0 * load_weight) * (sum > T(0.0) ? sum : T(0.0)) + T(1e-8));
    return true;
  }
};

template <int N>
void SolveLinearXyzN(const LinearXyz& model, const color::Xyz& white, const color::Lab& target, double max_load,
                     double load_weight, double* a) {
  using Functor = LinearXyzCost<N>;
  const Functor f{&model, white, target, max_load, load_weight};  // held by reference below: must outlive it
  ceres::TinySolverAutoDiffFunction<Functor, 5, N> function(f);
  Eigen::Matrix<double, N, 1> x;
  for (int i = 0; i < N; ++i) x(i) = std::max(a[i], 0.0);
  ceres::TinySolver<ceres::TinySolverAutoDiffFunction<Functor, 5, N>> solver;
  // Two Levenberg-Marquardt iterations: the model is remade at the result anyway, so iterating it
  // to convergence buys nothing (measured: 2 iterations a round, 122 dot evaluations a match, same
  // results as 50 iterations with 2.2x the time; 1 iteration stalls).
  solver.options.max_num_iterations = 2;
  solver.options.function_tolerance = 1e-10;
  solver.options.parameter_tolerance = 1e-10;
  solver.options.gradient_tolerance = 1e-12;
  solver.Solve(function, &x);
  for (int i = 0; i < N; ++i) a[i] = x(i);
}

void SolveUnbounded(const LinearXyz& model, const color::Xyz& white, const color::Lab& target, double max_load,
                    double load_weight, double* a) {
  switch (model.n) {
    case 1:
      return SolveLinearXyzN<1>(model, white, target, max_load, load_weight, a);
    case 2:
      return SolveLinearXyzN<2>(model, white, target, max_load, load_weight, a);
    case 3:
      return SolveLinearXyzN<3>(model, white, target, max_load, load_weight, a);
    default:
      return;
  }
}

}  // namespace

void SolveLinearXyz(const LinearXyz& model, const color::Xyz& white, const color::Lab& target, double max_load,
                    double load_weight, double* a) {
  // Active set: solve without bounds; amounts that come out negative are fixed at zero (their
  // column folded into the model's constant) and the rest solved again.
  SolveUnbounded(model, white, target, max_load, load_weight, a);
  bool negative = false;
  for (int j = 0; j < model.n; ++j) negative = negative || a[j] < 0;
  if (!negative) {
    for (int j = 0; j < model.n; ++j) a[j] = std::min(a[j], max_load);
    return;
  }
  LinearXyz reduced;
  int keep[3];
  reduced.xyz0 = model.xyz0;
  for (int j = 0; j < model.n; ++j) {
    if (a[j] < 0) {
      for (int c = 0; c < 3; ++c) reduced.xyz0[c] -= model.J[c][j] * model.a0[j];
      a[j] = 0;
      continue;
    }
    keep[reduced.n] = j;
    reduced.a0[reduced.n] = model.a0[j];
    for (int c = 0; c < 3; ++c) reduced.J[c][reduced.n] = model.J[c][j];
    ++reduced.n;
  }
  if (reduced.n == 0) return;
  double sub[3];
  for (int i = 0; i < reduced.n; ++i) sub[i] = a[keep[i]];
  SolveLinearXyz(reduced, white, target, max_load, load_weight, sub);
  for (int i = 0; i < reduced.n; ++i) a[keep[i]] = sub[i];
}

}  // namespace shadecast::blend::internal
