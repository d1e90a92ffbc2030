#include "calib/fit.h"

#include <ceres/ceres.h>

#include <Eigen/Dense>
#include <cassert>
#include <cmath>

#include "calib/fit_cost.h"
#include "calib/mapping.h"
#include "color/lab.h"

namespace shadecast::calib {
namespace {

// dL*/dY near Y: 116/3 Y^(-2/3); the closed form weighs XYZ errors by it so that it approximates
// an error in L*a*b* (clamped below Y = 0.01, L* ~ 9).
double LabWeight(double y) { return std::pow(116.0 / 3.0 * std::pow(std::max(y, 0.01), -2.0 / 3.0), 2); }

// Closed-form weighted least squares in XYZ with the ridge on the cross terms' diagonal; each
// sample's terms scaled by e[i].
std::vector<double> ClosedForm(const FitSamples& s, const std::vector<std::array<double, kMaxTerms>>& terms,
                               const std::vector<double>& e, int n, const double* scale) {
  Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(n, n);
  Eigen::MatrixXd atb = Eigen::MatrixXd::Zero(n, 3);
  for (size_t i = 0; i < s.rgb.size(); ++i) {
    const color::Xyz xyz = color::LabToXyz(s.lab[i], color::kIccD50White);
    const double w = s.weight[i] * LabWeight(xyz[1]);
    const Eigen::VectorXd t = e[i] * Eigen::Map<const Eigen::VectorXd>(terms[i].data(), n);
    ata += w * t * t.transpose();
    for (int c = 0; c < 3; ++c) atb.col(c) += w * t * xyz[c];
  }
  if (n == 6)
    for (int j = 0; j < 3; ++j) ata(3 + j, 3 + j) += scale[j] * scale[j];
  ata.diagonal().array() += 1e-12 * ata.diagonal().maxCoeff();
  const Eigen::MatrixXd x = ata.ldlt().solve(atb);
  std::vector<double> coef(3 * n, 0.0);
  for (int c = 0; c < 3; ++c)
    for (int j = 0; j < n; ++j) coef[c * n + j] = x(j, c);
  return coef;
}

// The field's closed-form start given the mapping: the log ratio of the mapping's Y (the light
// not removed) to the reference Y on the positioned samples, regressed on the basis (weighted by
// Y: the relative error of a dark patch is mostly noise), with a light ridge.
void FieldStep(const FitSamples& s, const std::vector<std::array<double, kMaxTerms>>& terms, const FitSettings& o,
               const std::vector<double>& coef, std::vector<double>* field) {
  const int k = o.n_field, n = o.n_terms;
  Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(k, k);
  Eigen::VectorXd atb = Eigen::VectorXd::Zero(k);
  double wsum = 0;
  for (size_t i = 0; i < s.phi.size(); ++i) {
    double y = 0;
    for (int j = 0; j < n; ++j) y += coef[n + j] * terms[i][j];
    const double y_ref = color::LabToXyz(s.lab[i], color::kIccD50White)[1];
    if (!(y > 1e-4 && y_ref > 1e-4)) continue;
    const double w = s.weight[i] * y_ref;
    const Eigen::Map<const Eigen::VectorXd> phi(s.phi[i].data(), k);
    ata += w * phi * phi.transpose();
    atb += w * phi * std::log(y / y_ref);
    wsum += w;
  }
  if (!(wsum > 0)) return;
  ata.diagonal().array() += wsum / (o.field_prior_sd * o.field_prior_sd) * 1e-2;
  const Eigen::VectorXd f = ata.ldlt().solve(atb);
  for (int q = 0; q < k; ++q) (*field)[q] = f(q);
}

// Per sample, the factor that removes the light: 1 / L.
std::vector<double> Unlit(const FitSamples& s, int n_field, const std::vector<double>& field) {
  std::vector<double> e(s.rgb.size(), 1.0);
  for (size_t i = 0; i < s.phi.size(); ++i) {
    double log_light = 0;
    for (int q = 0; q < n_field; ++q) log_light += field[q] * s.phi[i][q];
    e[i] = std::exp(-log_light);
  }
  return e;
}

}  // namespace

FitOutcome FitMapping(const FitSamples& s, const FitSettings& o) {
  const int n = o.n_terms;
  assert(n == 3 || n == 6);
  assert(s.rgb.size() == s.lab.size() && s.rgb.size() == s.weight.size());
  assert(o.n_field == 0 || o.n_field == 2 || o.n_field == kMaxFieldTerms);
  assert(s.phi.size() <= s.rgb.size());
  const size_t m = s.rgb.size();
  const bool field = o.n_field > 0 && !s.phi.empty();
  std::vector<std::array<double, kMaxTerms>> terms(m);
  double wsum = 0, chart_wsum = 0;
  for (size_t i = 0; i < m; ++i) {
    Terms(s.rgb[i], n, terms[i].data());
    wsum += s.weight[i];
    if (i < s.phi.size()) chart_wsum += s.weight[i];
  }
  // Term scales (weighted RMS) make the ridge independent of the exposure and the term's units.
  double scale[3] = {0, 0, 0};
  if (n == 6) {
    for (int j = 0; j < 3; ++j) {
      double acc = 0;
      for (size_t i = 0; i < m; ++i) acc += s.weight[i] * terms[i][3 + j] * terms[i][3 + j];
      scale[j] = std::sqrt(std::max(acc / wsum, 1e-12)) * 100.0 * std::sqrt(o.ridge * wsum);
    }
  }

  // Closed-form start; with a field, a few rounds of mapping given the field and field given the
  // mapping (each a linear solve).
  FitOutcome out;
  if (field) out.field.assign(o.n_field, 0.0);
  out.coef = ClosedForm(s, terms, std::vector<double>(m, 1.0), n, scale);
  for (int round = 0; field && round < 4; ++round) {
    FieldStep(s, terms, o, out.coef, &out.field);
    out.coef = ClosedForm(s, terms, Unlit(s, o.n_field, out.field), n, scale);
  }
  if (!o.refine) {
    out.message = "closed form only";
    return out;
  }

  ceres::Problem::Options po;
  ceres::Problem problem(po);
  for (size_t i = 0; i < m; ++i) {
    auto* loss = new ceres::ScaledLoss(new ceres::SoftLOneLoss(o.robust_scale_de00), s.weight[i], ceres::TAKE_OWNERSHIP);
    if (field && i < s.phi.size())
      problem.AddResidualBlock(MakeFieldDe00Cost(terms[i].data(), n, s.phi[i].data(), o.n_field, s.lab[i]), loss,
                               out.coef.data(), out.field.data());
    else
      problem.AddResidualBlock(MakeDe00Cost(terms[i].data(), n, s.lab[i]), loss, out.coef.data());
  }
  if (n == 6 && o.ridge > 0) problem.AddResidualBlock(MakeRidgeCost(n, scale), nullptr, out.coef.data());
  // The neutrals' light seen directly: a grey's mean linear RGB over its reference Y is the light
  // on it up to one constant, whatever the mapping does with colours (it is what keeps the
  // mapping's colour misfit out of the field).
  double light_constant = 0;
  for (size_t i = 0; field && o.neutral_light_weight > 0 && i < s.neutral.size() && i < s.phi.size(); ++i) {
    if (!s.neutral[i]) continue;
    const double mean = (s.rgb[i][0] + s.rgb[i][1] + s.rgb[i][2]) / 3.0;
    const double y_ref = color::LabToXyz(s.lab[i], color::kIccD50White)[1];
    if (!(mean > 1e-4 && y_ref > 1e-4)) continue;
    // The log ratio of a dark grey is mostly noise (read noise on a small signal): its weight
    // falls with sqrt(Y) below a mid grey (Y 0.18).
    const double precision = std::min(1.0, std::sqrt(y_ref / 0.18));
    problem.AddResidualBlock(MakeNeutralLightCost(s.phi[i].data(), o.n_field, std::log(mean / y_ref),
                                                  o.neutral_light_weight * precision * std::sqrt(s.weight[i])),
                             nullptr, out.field.data(), &light_constant);
  }
  if (field)
    problem.AddResidualBlock(MakeFieldPriorCost(o.n_field, std::sqrt(chart_wsum) / o.field_prior_sd), nullptr,
                             out.field.data());
  ceres::Solver::Options so;
  so.linear_solver_type = ceres::DENSE_QR;
  so.max_num_iterations = o.max_iterations;
  so.function_tolerance = 1e-9;
  so.num_threads = 1;
  so.logging_type = ceres::SILENT;
  ceres::Solver::Summary summary;
  ceres::Solve(so, &problem, &summary);
  out.converged = summary.termination_type == ceres::CONVERGENCE;
  out.termination = ceres::TerminationTypeToString(summary.termination_type);
  out.initial_cost = summary.initial_cost;
  out.final_cost = summary.final_cost;
  out.iterations = static_cast<int>(summary.iterations.size());
  out.message = summary.BriefReport();
  return out;
}

}  // namespace shadecast::calib
