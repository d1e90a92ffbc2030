// CIEDE2000 residual of one sample for the mapping fit (autodiff over the coefficients).
#include <ceres/ceres.h>

#include "calib/fit_cost.h"
#include "calib/mapping.h"
#include "color/ciede2000.h"
#include "color/lab.h"

namespace shadecast::calib {
namespace {

template <int N>
struct De00Functor {
  double terms[N];
  color::Lab target;

  template <typename T>
  bool operator()(const T* coef, T* residual) const {
    color::Triple<T> xyz{T(0), T(0), T(0)};
    for (int c = 0; c < 3; ++c)
      for (int j = 0; j < N; ++j) xyz[c] += coef[c * N + j] * terms[j];
    const color::Triple<T> lab = color::XyzToLab(xyz, color::kIccD50White);
    const color::Triple<T> ref{T(target[0]), T(target[1]), T(target[2])};
    residual[0] = color::DeltaE00(lab, ref);
    return true;
  }
};

template <int N>
ceres::CostFunction* Make(const double* terms, const color::Lab& target) {
  auto* f = new De00Functor<N>;
  for (int j = 0; j < N; ++j) f->terms[j] = terms[j];
  f->target = target;
  return new ceres::AutoDiffCostFunction<De00Functor<N>, 1, 3 * N>(f);
}

}  // namespace

ceres::CostFunction* MakeDe00Cost(const double* terms, int n_terms, const color::Lab& target) {
  return n_terms == 3 ? Make<3>(terms, target) : Make<6>(terms, target);
}

}  // namespace shadecast::calib
