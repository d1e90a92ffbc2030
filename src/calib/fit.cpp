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

}  // namespace

FitOutcome FitMapping(const FitSamples& s, const FitSettings& o) {
  const int n = o.n_terms;
  assert(n == 3 || n == 6);
  assert(s.rgb.size() == s.lab.size() && s.rgb.size() == s.weight.size());
  const size_t m = s.rgb.size();
  std::vector<std::array<double, kMaxTerms>> terms(m);
  double wsum = 0;
  for (size_t i = 0; i < m; ++i) {
    Terms(s.rgb[i], n, terms[i].data());
    wsum += s.weight[i];
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

  // Closed-form start: weighted least squares in XYZ with the ridge on the diagonal.
  Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(n, n);
  Eigen::MatrixXd atb = Eigen::MatrixXd::Zero(n, 3);
  for (size_t i = 0; i < m; ++i) {
    const color::Xyz xyz = color::LabToXyz(s.lab[i], color::kIccD50White);
    const double w = s.weight[i] * LabWeight(xyz[1]);
    Eigen::Map<const Eigen::VectorXd> t(terms[i].data(), n);
    ata += w * t * t.transpose();
    for (int c = 0; c < 3; ++c) atb.col(c) += w * t * xyz[c];
  }
  if (n == 6)
    for (int j = 0; j < 3; ++j) ata(3 + j, 3 + j) += scale[j] * scale[j];
  ata.diagonal().array() += 1e-12 * ata.diagonal().maxCoeff();
  const Eigen::MatrixXd x = ata.ldlt().solve(atb);
  FitOutcome out;
  out.coef.assign(3 * n, 0.0);
  for (int c = 0; c < 3; ++c)
    for (int j = 0; j < n; ++j) out.coef[c * n + j] = x(j, c);
  if (!o.refine) {
    out.message = "closed form only";
    return out;
  }

  ceres::Problem::Options po;
  ceres::Problem problem(po);
  for (size_t i = 0; i < m; ++i) {
    auto* loss = new ceres::ScaledLoss(new ceres::SoftLOneLoss(o.robust_scale_de00), s.weight[i], ceres::TAKE_OWNERSHIP);
    problem.AddResidualBlock(MakeDe00Cost(terms[i].data(), n, s.lab[i]), loss, out.coef.data());
  }
  if (n == 6 && o.ridge > 0) problem.AddResidualBlock(MakeRidgeCost(n, scale), nullptr, out.coef.data());
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
