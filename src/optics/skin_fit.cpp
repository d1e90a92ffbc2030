#include "optics/skin_fit.h"

#include <ceres/ceres.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "color/ciede2000.h"
#include "optics/model.h"
#include "optics/skin_fit_cost.h"

namespace shadecast::optics {
namespace {

// Gaussian prior on the log of one coordinate of the parameter block: (x[index] - log median) / sd.
struct LogPrior {
  int index;
  double log_median, sd;
  template <typename T>
  bool operator()(const T* const x, T* r) const {
    r[0] = (x[index] - T(log_median)) / T(sd);
    return true;
  }
};

ceres::CostFunction* NewPrior(int index, double median, double log_sd) {
  return new ceres::AutoDiffCostFunction<LogPrior, 1, 4>(new LogPrior{index, std::log(median), log_sd});
}

// Log-normal prior on the ratio of dermal to epidermal melanin: (x[3] - x[0] - log median) / sd.
struct RatioPrior {
  double log_median, sd;
  template <typename T>
  bool operator()(const T* const x, T* r) const {
    r[0] = (x[3] - x[0] - T(log_median)) / T(sd);
    return true;
  }
};

// Bounds of the search (natural logs), inside the Monte Carlo tables at every band: melanin 0.1 %-55 %
// (mua of the epidermis <= 100 /mm), blood 0.05 %-6 % and dermal melanin 0.001 %-4 % (dermis <= 20
// /mm in the Soret band), scattering 0.46-2.2 x textbook (mus 6-76 /mm over 380-730 nm).
constexpr double kLower[4] = {-6.9, -7.6, -0.77, -11.5};
constexpr double kUpper[4] = {-0.6, -2.81, 0.78, -3.22};
// FitSkinNear's hold on the dermal-to-epidermal melanin ratio (natural log): loose enough to reach a
// lighter or darker visit of the same person, tight enough that the solve stays determined.
constexpr double kNearRatioLogSd = 0.1;

}  // namespace

bool SkinFitOptions::IsValid(std::string* why) const {
  auto bad = [&](const char* what) {
    if (why) *why = what;
    return false;
  };
  if (!(melanin_median > 0 && blood_median > 0 && scattering_median > 0)) return bad("prior medians must be > 0");
  if (!(melanin_log_sd > 0 && blood_log_sd > 0 && scattering_log_sd > 0 && dermal_ratio_log_sd > 0))
    return bad("prior spreads must be > 0");
  if (!(lab_sigma > 0)) return bad("lab_sigma must be > 0");
  if (!(outside_threshold_de00 > 0)) return bad("outside_threshold_de00 must be > 0");
  if (max_iterations < 1) return bad("max_iterations must be >= 1");
  return true;
}

std::string SkinFitResult::BriefReport() const {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "skin fit: melanin %.4f (dermis %.4f) blood %.4f scattering %.3f, residual %.3f dE00, %s, cost %.4g -> "
                "%.4g in %d iterations%s",
                skin.melanin, skin.dermal_melanin, skin.blood, skin.scattering_scale, residual_de00,
                converged ? "converged" : "NOT converged", initial_cost, final_cost, iterations,
                within_model ? "" : " (outside the skin model)");
  return buf;
}

SkinFitResult FitSkin(const color::Lab& measured, const ModelParams& params, const SkinFitOptions& options) {
  std::string why;
  if (!options.IsValid(&why)) throw std::invalid_argument("skin fit options: " + why);
  if (!params.IsValid(&why)) throw std::invalid_argument("optics parameters: " + why);
  for (double v : measured)
    if (!std::isfinite(v)) throw std::invalid_argument("skin L*a*b* must be finite numbers");

  SkinFitResult best;
  double best_cost = INFINITY;
  // Multi-start over melanin: the colour-to-skin map folds (dark and light skins can share a*b*).
  for (double mel0 : {0.01, 0.05, 0.15, 0.35}) {
    double x[4] = {std::log(mel0), std::log(options.blood_median), std::log(options.scattering_median),
                   std::log(mel0 * std::max(params.dermal_melanin_ratio, 1e-4))};
    ceres::Problem problem;
    problem.AddResidualBlock(internal::NewSkinColourCost(measured, params, options.lab_sigma), nullptr, x);
    problem.AddResidualBlock(NewPrior(0, options.melanin_median, options.melanin_log_sd), nullptr, x);
    problem.AddResidualBlock(NewPrior(1, options.blood_median, options.blood_log_sd), nullptr, x);
    problem.AddResidualBlock(NewPrior(2, options.scattering_median, options.scattering_log_sd), nullptr, x);
    // Off: a prior so tight that the ratio is the parameters' (0 is held at the 1e-4 floor).
    const double ratio_sd = options.fit_dermal_melanin ? options.dermal_ratio_log_sd : 1e-3;
    problem.AddResidualBlock(new ceres::AutoDiffCostFunction<RatioPrior, 1, 4>(new RatioPrior{
                                 std::log(std::max(params.dermal_melanin_ratio, 1e-4)), ratio_sd}),
                             nullptr, x);
    for (int i = 0; i < 4; ++i) {
      problem.SetParameterLowerBound(x, i, kLower[i]);
      problem.SetParameterUpperBound(x, i, kUpper[i]);
    }
    ceres::Solver::Options so;
    so.max_num_iterations = options.max_iterations;
    so.linear_solver_type = ceres::DENSE_QR;
    so.logging_type = ceres::SILENT;
    so.function_tolerance = 1e-10;
    so.parameter_tolerance = 1e-10;
    ceres::Solver::Summary summary;
    ceres::Solve(so, &problem, &summary);
    if (summary.final_cost < best_cost) {
      best_cost = summary.final_cost;
      best.skin = {std::exp(x[0]), std::exp(x[1]), std::exp(x[2]), std::exp(x[3])};
      best.converged = summary.termination_type == ceres::CONVERGENCE;
      best.initial_cost = summary.initial_cost;
      best.final_cost = summary.final_cost;
      best.iterations = static_cast<int>(summary.iterations.size());
      best.message = summary.message;
    }
  }
  best.fitted_lab = ReflectanceToLab(SkinReflectance(best.skin, params));
  best.residual_de00 = color::DeltaE00(best.fitted_lab, measured);
  best.within_model = best.residual_de00 <= options.outside_threshold_de00;
  if (!best.within_model) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "outside the skin model: the nearest skin colour the model can make is %.1f dE00 away", best.residual_de00);
    best.message = buf;
  }
  return best;
}

// Stops a local solve once the colour matches to well inside the acceptance tolerance (Ceres's own
// tolerances are relative and run on to machine precision when the solve is exact).
class CostBelow : public ceres::IterationCallback {
 public:
  explicit CostBelow(double cost) : cost_(cost) {}
  ceres::CallbackReturnType operator()(const ceres::IterationSummary& s) override {
    return s.cost < cost_ ? ceres::SOLVER_TERMINATE_SUCCESSFULLY : ceres::SOLVER_CONTINUE;
  }

 private:
  double cost_;
};

bool FitSkinNear(const color::Lab& measured, const SkinParams& start, const ModelParams& params, SkinParams* out,
                 double tolerance_de00) {
  const double dermal = start.dermal_melanin >= 0 ? start.dermal_melanin : params.dermal_melanin_ratio * start.melanin;
  double x[4] = {std::log(start.melanin), std::log(start.blood), std::log(start.scattering_scale),
                 std::log(std::max(dermal, 1e-12))};
  for (int i = 0; i < 4; ++i) x[i] = std::clamp(x[i], kLower[i], kUpper[i]);
  constexpr double kLabSigma = 0.05;
  ceres::Problem problem;
  problem.AddResidualBlock(internal::NewSkinColourCost(measured, params, kLabSigma), nullptr, x);
  // Dermal melanin follows the epidermal (their ratio held near start's, kNearRatioLogSd): three
  // colour equations, three free directions.
  problem.AddResidualBlock(
      new ceres::AutoDiffCostFunction<RatioPrior, 1, 4>(new RatioPrior{x[3] - x[0], kNearRatioLogSd}), nullptr, x);
  for (int i = 0; i < 4; ++i) {
    problem.SetParameterLowerBound(x, i, kLower[i]);
    problem.SetParameterUpperBound(x, i, kUpper[i]);
  }
  ceres::Solver::Options so;
  so.linear_solver_type = ceres::DENSE_QR;
  so.max_num_iterations = 30;
  so.logging_type = ceres::SILENT;
  // A colour error of 0.005 L*a*b* units per channel: a tenth of the acceptance tolerance.
  CostBelow stop(0.5 * 3 * std::pow(0.005 / kLabSigma, 2));
  so.callbacks.push_back(&stop);
  ceres::Solver::Summary summary;
  ceres::Solve(so, &problem, &summary);
  if (!summary.IsSolutionUsable()) return false;
  const SkinParams skin{std::exp(x[0]), std::exp(x[1]), std::exp(x[2]), std::exp(x[3])};
  if (!(color::DeltaE00(ReflectanceToLab(SkinReflectance(skin, params)), measured) <= tolerance_de00)) return false;
  *out = skin;
  return true;
}

SkinParams FitTan(const color::Lab& measured, const SkinParams& start, const ModelParams& params, double* residual_de00) {
  const double dermal = start.dermal_melanin >= 0 ? start.dermal_melanin : params.dermal_melanin_ratio * start.melanin;
  const double ratio = dermal / start.melanin;
  double x[4] = {std::log(start.melanin), std::log(start.blood), std::log(start.scattering_scale),
                 std::log(std::max(ratio * start.melanin, 1e-12))};
  for (int i = 0; i < 4; ++i) x[i] = std::clamp(x[i], kLower[i], kUpper[i]);
  ceres::Problem problem;
  problem.AddResidualBlock(internal::NewSkinColourCost(measured, params, 0.05), nullptr, x);
  // Blood and scattering held; dermal melanin tied to the epidermal by a tight ratio prior.
  problem.AddResidualBlock(new ceres::AutoDiffCostFunction<RatioPrior, 1, 4>(new RatioPrior{x[3] - x[0], 1e-3}),
                           nullptr, x);
  problem.SetManifold(x, new ceres::SubsetManifold(4, {1, 2}));
  for (int i : {0, 3}) {
    problem.SetParameterLowerBound(x, i, kLower[i]);
    problem.SetParameterUpperBound(x, i, kUpper[i]);
  }
  ceres::Solver::Options so;
  so.linear_solver_type = ceres::DENSE_QR;
  so.max_num_iterations = 30;
  so.logging_type = ceres::SILENT;
  ceres::Solver::Summary summary;
  ceres::Solve(so, &problem, &summary);
  SkinParams out = start;
  out.dermal_melanin = dermal;
  if (summary.IsSolutionUsable()) out = {std::exp(x[0]), start.blood, start.scattering_scale, std::exp(x[3])};
  if (residual_de00) *residual_de00 = color::DeltaE00(ReflectanceToLab(SkinReflectance(out, params)), measured);
  return out;
}

}  // namespace shadecast::optics
