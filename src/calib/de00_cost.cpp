// CIEDE2000 residuals of one sample for the mapping fit.
//
// The residual depends on the 3 x n coefficients only through XYZ = C * terms, which is linear in
// them: d r / d C[c][j] = (d r / d XYZ[c]) * terms[j]. So the CIEDE2000 chain is differentiated
// with a 3-wide Jet on XYZ (automatic differentiation, as before) and the chain rule through the
// linear map is applied by hand — the same derivatives as a Jet over all 3n coefficients, at about
// a sixth of the cost for the 18-coefficient root-polynomial (most of a calibration's time).
#include <ceres/ceres.h>

#include "calib/fit_cost.h"
#include "calib/mapping.h"
#include "color/ciede2000.h"
#include "color/lab.h"

namespace shadecast::calib {
namespace {

template <int N>
class De00Cost final : public ceres::SizedCostFunction<3, 3 * N> {
 public:
  De00Cost(const double* terms, const color::Lab& target) : target_(target) {
    for (int j = 0; j < N; ++j) terms_[j] = terms[j];
  }

  bool Evaluate(double const* const* parameters, double* residuals, double** jacobians) const override {
    const double* coef = parameters[0];
    double xyz[3] = {0, 0, 0};
    for (int c = 0; c < 3; ++c)
      for (int j = 0; j < N; ++j) xyz[c] += coef[c * N + j] * terms_[j];
    if (jacobians == nullptr || jacobians[0] == nullptr) {
      const color::Triple<double> r = Residuals<double>({xyz[0], xyz[1], xyz[2]});
      for (int k = 0; k < 3; ++k) residuals[k] = r[k];
      return true;
    }
    using J = ceres::Jet<double, 3>;
    const color::Triple<J> r = Residuals<J>({J(xyz[0], 0), J(xyz[1], 1), J(xyz[2], 2)});
    for (int k = 0; k < 3; ++k) {
      residuals[k] = r[k].a;
      for (int c = 0; c < 3; ++c)
        for (int j = 0; j < N; ++j) jacobians[0][(k * 3 + c) * N + j] = r[k].v[c] * terms_[j];
    }
    return true;
  }

 private:
  // Three residuals whose squares sum to dE00^2 (color::DeltaE00Residuals): the same objective as
  // one dE00 residual, but differentiable at a match, so Gauss-Newton has a model of it and the
  // fit converges (with one dE00 residual every fit ran into the 50-iteration cap: issue 20).
  template <typename T>
  color::Triple<T> Residuals(const color::Triple<T>& xyz) const {
    const color::Triple<T> lab = color::XyzToLab(xyz, color::kIccD50White);
    const color::Triple<T> ref{T(target_[0]), T(target_[1]), T(target_[2])};
    return color::DeltaE00Residuals(ref, lab);
  }

  double terms_[N];
  color::Lab target_;
};

}  // namespace

ceres::CostFunction* MakeDe00Cost(const double* terms, int n_terms, const color::Lab& target) {
  return n_terms == 3 ? static_cast<ceres::CostFunction*>(new De00Cost<3>(terms, target))
                      : static_cast<ceres::CostFunction*>(new De00Cost<6>(terms, target));
}

}  // namespace shadecast::calib
