// CIEDE2000 residuals of one sample for the mapping fit with an exposure field (issue 20).
//
// XYZ = C * terms / L with the light L = exp(sum_k f_k phi_k): linear in C for a given L, and
// d XYZ[c] / d f_k = -XYZ[c] * phi_k. As in de00_cost.cpp, the CIEDE2000 chain is differentiated
// with a 3-wide Jet on XYZ and the chain rule through the two blocks applied by hand.
#include <ceres/ceres.h>

#include <cmath>

#include "calib/exposure_field.h"
#include "calib/fit_cost.h"
#include "color/ciede2000.h"
#include "color/lab.h"

namespace shadecast::calib {
namespace {

template <int N, int K>
class FieldDe00Cost final : public ceres::SizedCostFunction<3, 3 * N, K> {
 public:
  FieldDe00Cost(const double* terms, const double* phi, const color::Lab& target) : target_(target) {
    for (int j = 0; j < N; ++j) terms_[j] = terms[j];
    for (int k = 0; k < K; ++k) phi_[k] = phi[k];
  }

  bool Evaluate(double const* const* parameters, double* residuals, double** jacobians) const override {
    const double* coef = parameters[0];
    const double* field = parameters[1];
    double log_light = 0;
    for (int k = 0; k < K; ++k) log_light += field[k] * phi_[k];
    const double e = std::exp(-log_light);
    double xyz[3] = {0, 0, 0};
    for (int c = 0; c < 3; ++c) {
      for (int j = 0; j < N; ++j) xyz[c] += coef[c * N + j] * terms_[j];
      xyz[c] *= e;
    }
    if (jacobians == nullptr) {
      const color::Triple<double> r = Residuals<double>({xyz[0], xyz[1], xyz[2]});
      for (int k = 0; k < 3; ++k) residuals[k] = r[k];
      return true;
    }
    using J = ceres::Jet<double, 3>;
    const color::Triple<J> r = Residuals<J>({J(xyz[0], 0), J(xyz[1], 1), J(xyz[2], 2)});
    for (int k = 0; k < 3; ++k) {
      residuals[k] = r[k].a;
      if (jacobians[0])
        for (int c = 0; c < 3; ++c)
          for (int j = 0; j < N; ++j) jacobians[0][(k * 3 + c) * N + j] = r[k].v[c] * e * terms_[j];
      if (jacobians[1]) {
        double dr_dlog_light = 0;
        for (int c = 0; c < 3; ++c) dr_dlog_light -= r[k].v[c] * xyz[c];
        for (int q = 0; q < K; ++q) jacobians[1][k * K + q] = dr_dlog_light * phi_[q];
      }
    }
    return true;
  }

 private:
  template <typename T>
  color::Triple<T> Residuals(const color::Triple<T>& xyz) const {
    const color::Triple<T> lab = color::XyzToLab(xyz, color::kIccD50White);
    const color::Triple<T> ref{T(target_[0]), T(target_[1]), T(target_[2])};
    return color::DeltaE00Residuals(ref, lab);
  }

  double terms_[N];
  double phi_[K];
  color::Lab target_;
};

template <int N>
ceres::CostFunction* MakeForTerms(const double* terms, const double* phi, int n_field, const color::Lab& target) {
  if (n_field == 2) return new FieldDe00Cost<N, 2>(terms, phi, target);
  return new FieldDe00Cost<N, kMaxFieldTerms>(terms, phi, target);
}

// The field's Gaussian prior: scale * f_k, one residual per coefficient.
class FieldPriorCost final : public ceres::CostFunction {
 public:
  FieldPriorCost(int n, double scale) : n_(n), scale_(scale) {
    set_num_residuals(n);
    mutable_parameter_block_sizes()->push_back(n);
  }
  bool Evaluate(double const* const* parameters, double* residuals, double** jacobians) const override {
    for (int k = 0; k < n_; ++k) residuals[k] = scale_ * parameters[0][k];
    if (jacobians && jacobians[0])
      for (int k = 0; k < n_; ++k)
        for (int q = 0; q < n_; ++q) jacobians[0][k * n_ + q] = k == q ? scale_ : 0.0;
    return true;
  }

 private:
  int n_;
  double scale_;
};

// A neutral patch's light: scale * (log_ratio - c - f . phi), log_ratio = log(mean linear RGB /
// reference Y). Linear in the field f and the free constant c.
class NeutralLightCost final : public ceres::CostFunction {
 public:
  NeutralLightCost(const double* phi, int k, double log_ratio, double scale)
      : k_(k), log_ratio_(log_ratio), scale_(scale) {
    for (int q = 0; q < k; ++q) phi_[q] = phi[q];
    set_num_residuals(1);
    mutable_parameter_block_sizes()->push_back(k);
    mutable_parameter_block_sizes()->push_back(1);
  }
  bool Evaluate(double const* const* parameters, double* residuals, double** jacobians) const override {
    double model = parameters[1][0];
    for (int q = 0; q < k_; ++q) model += parameters[0][q] * phi_[q];
    residuals[0] = scale_ * (log_ratio_ - model);
    if (jacobians && jacobians[0])
      for (int q = 0; q < k_; ++q) jacobians[0][q] = -scale_ * phi_[q];
    if (jacobians && jacobians[1]) jacobians[1][0] = -scale_;
    return true;
  }

 private:
  int k_;
  double phi_[kMaxFieldTerms];
  double log_ratio_, scale_;
};

}  // namespace

ceres::CostFunction* MakeNeutralLightCost(const double* phi, int n_field, double log_ratio, double scale) {
  return new NeutralLightCost(phi, n_field, log_ratio, scale);
}

ceres::CostFunction* MakeFieldDe00Cost(const double* terms, int n_terms, const double* phi, int n_field,
                                       const color::Lab& target) {
  return n_terms == 3 ? MakeForTerms<3>(terms, phi, n_field, target) : MakeForTerms<6>(terms, phi, n_field, target);
}

ceres::CostFunction* MakeFieldPriorCost(int n_field, double scale) { return new FieldPriorCost(n_field, scale); }

}  // namespace shadecast::calib
