#include "fade/fit.h"

#include <ceres/ceres.h>

#include <cmath>
#include <cstdio>

#include "color/ciede2000.h"
#include "fade/costs.h"
#include "fade/model_impl.h"
#include "fade/prepared.h"
#include "optics/model.h"
#include "optics/skin_fit_cost.h"

namespace shadecast::fade {
namespace {

std::unique_ptr<optics::DotModel> ModelOnSkin(const color::Lab& lab, const optics::ModelParams& params, bool* outside) {
  const optics::SkinFitResult s = optics::FitSkin(lab, params);
  if (!s.within_model) *outside = true;
  return std::make_unique<optics::DotModel>(s.skin, params);
}

// A visit's skin differs from the client's mean skin by tanning and noise: a local solve of the
// three colour equations from the mean skin's inversion (one Ceres problem, no restarts) instead of
// a full multi-start FitSkin; falls back to FitSkin when the local solve misses by > 0.05 dE00.
std::unique_ptr<optics::DotModel> ModelNear(const color::Lab& lab, const optics::SkinParams& start,
                                            const optics::ModelParams& params, bool* outside) {
  double x[3] = {std::log(start.melanin), std::log(start.blood), std::log(start.scattering_scale)};
  ceres::Problem problem;
  problem.AddResidualBlock(optics::internal::NewSkinColourCost(lab, params, 0.05), nullptr, x);
  ceres::Solver::Options so;
  so.linear_solver_type = ceres::DENSE_QR;
  so.max_num_iterations = 30;
  so.logging_type = ceres::SILENT;
  ceres::Solver::Summary summary;
  ceres::Solve(so, &problem, &summary);
  const optics::SkinParams skin{std::exp(x[0]), std::exp(x[1]), std::exp(x[2])};
  auto model = std::make_unique<optics::DotModel>(skin, params);
  const color::Lab fitted = optics::ReflectanceToLab(model->skin_reflectance());
  if (summary.IsSolutionUsable() && color::DeltaE00(fitted, lab) <= 0.05 && skin.melanin < 0.6 && skin.blood < 0.3)
    return model;
  return ModelOnSkin(lab, params, outside);
}

}  // namespace

PreparedClient::PreparedClient(const ClientData& client, int fit_until_day) : impl_(std::make_unique<Impl>()) {
  impl_->client = &client;
  color::Lab sum{0, 0, 0};
  for (size_t i = 0; i < client.visits.size(); ++i) {
    const auto& v = client.visits[i];
    if (v.day > fit_until_day) continue;
    impl_->visit_index.push_back(static_cast<int>(i));
    for (int k = 0; k < 3; ++k) sum[k] += v.skin[k];
  }
  const int n = static_cast<int>(impl_->visit_index.size());
  if (n > 0) {
    color::Lab mean{};
    for (int k = 0; k < 3; ++k) mean[k] = sum[k] / n;
    const optics::SkinFitResult base = optics::FitSkin(mean, client.optics);
    if (!base.within_model) impl_->outside = true;
    for (int i : impl_->visit_index)
      impl_->visit_models.push_back(ModelNear(client.visits[static_cast<size_t>(i)].skin, base.skin, client.optics, &impl_->outside));
  }
  if (n > 0) {
    for (int k = 0; k < 3; ++k) impl_->forecast_skin[k] = sum[k] / n;
  } else if (client.has_skin_lab) {
    impl_->forecast_skin = client.skin_lab;
  } else {
    // All follow-ups are after the fit window: the earliest measured skin stands in.
    impl_->forecast_skin = client.visits.front().skin;
  }
  impl_->forecast_model = ModelOnSkin(impl_->forecast_skin, client.optics, &impl_->outside);
  impl_->forecast_skin_model_lab = optics::ReflectanceToLab(impl_->forecast_model->skin_reflectance());
}

PreparedClient::~PreparedClient() = default;
PreparedClient::PreparedClient(PreparedClient&&) noexcept = default;
PreparedClient& PreparedClient::operator=(PreparedClient&&) noexcept = default;
const ClientData& PreparedClient::client() const { return *impl_->client; }
int PreparedClient::visits_used() const { return static_cast<int>(impl_->visit_index.size()); }
int PreparedClient::visit_index(int i) const { return impl_->visit_index[static_cast<size_t>(i)]; }
const color::Lab& PreparedClient::forecast_skin_lab() const { return impl_->forecast_skin; }
bool PreparedClient::skin_outside_model() const { return impl_->outside; }

bool FitOptions::IsValid(std::string* why) const {
  if (max_iterations < 1) {
    if (why) *why = "max_iterations must be >= 1";
    return false;
  }
  return true;
}

std::string FitResult::BriefReport() const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "fade fit %s: %d follow-ups, k %.3f /yr, residual %.2f dE00, cost %.3g -> %.3g, %d iterations%s",
                converged ? "converged" : "NOT converged", visits_used, state.rate_per_year, residual_de00,
                initial_cost, final_cost, iterations, covariance_ok ? "" : ", covariance unavailable");
  return buf;
}

FitResult FitClient(const PreparedClient& prepared, const FadePriors& priors, const FitOptions& options) {
  std::string why;
  if (!priors.IsValid(&why)) throw std::invalid_argument("fade priors: " + why);
  if (!options.IsValid(&why)) throw std::invalid_argument("fit options: " + why);
  const auto& im = prepared.impl();
  const ClientData& c = *im.client;

  FitResult r;
  r.prior_mean = {priors.LogRateMean(c.covariates), impl::Logit(priors.healing_loss), impl::Logit(priors.c_inf),
                  priors.deposit_log_mean};
  r.prior_sd = {priors.log_rate_sd, priors.healing_loss_logit_sd, priors.c_inf_logit_sd, priors.deposit_log_sd};
  r.theta = r.prior_mean;
  r.visits_used = prepared.visits_used();

  ceres::Problem problem;
  const double weight = std::sqrt(3.0) / priors.measurement_sigma_de00;
  for (int i = 0; i < r.visits_used; ++i) {
    const auto& v = c.visits[static_cast<size_t>(im.visit_index[static_cast<size_t>(i)])];
    problem.AddResidualBlock(internal::NewVisitCost(&c, im.visit_models[static_cast<size_t>(i)].get(), v.day, v.dot,
                                                    weight, priors.beta, priors.healing_tau_days),
                             nullptr, r.theta.data());
  }
  problem.AddResidualBlock(internal::NewPriorCost(r.prior_mean.data(), r.prior_sd.data()), nullptr, r.theta.data());

  ceres::Solver::Options so;
  so.linear_solver_type = ceres::DENSE_QR;
  so.max_num_iterations = options.max_iterations;
  so.logging_type = ceres::SILENT;
  so.minimizer_progress_to_stdout = false;
  so.num_threads = 1;
  so.function_tolerance = 1e-8;
  so.parameter_tolerance = 1e-8;
  ceres::Solver::Summary summary;
  ceres::Solve(so, &problem, &summary);
  r.converged = summary.termination_type == ceres::CONVERGENCE && summary.IsSolutionUsable();
  r.initial_cost = summary.initial_cost;
  r.final_cost = summary.final_cost;
  r.iterations = static_cast<int>(summary.iterations.size());
  r.message = summary.message;
  r.state = impl::StateFromTheta(r.theta.data());

  if (options.compute_covariance) {
    ceres::Covariance::Options co;
    co.algorithm_type = ceres::DENSE_SVD;
    co.null_space_rank = -1;  // pseudo-inverse: drop directions the data and priors leave free
    co.num_threads = 1;
    ceres::Covariance cov(co);
    std::vector<std::pair<const double*, const double*>> blocks{{r.theta.data(), r.theta.data()}};
    if (cov.Compute(blocks, &problem)) {
      r.covariance_ok = cov.GetCovarianceBlock(r.theta.data(), r.theta.data(), r.covariance.data());
      for (double v : r.covariance)
        if (!std::isfinite(v)) r.covariance_ok = false;
    }
  }
  if (!r.covariance_ok) {
    r.covariance.fill(0.0);
    for (int i = 0; i < 4; ++i) r.covariance[static_cast<size_t>(i * 5)] = r.prior_sd[static_cast<size_t>(i)] * r.prior_sd[static_cast<size_t>(i)];
  }
  r.log_rate_sd = std::sqrt(std::max(0.0, r.covariance[0]));

  // RMS dE00 of the fitted follow-ups.
  double ss = 0;
  const auto p = impl::StateT<double>::FromTheta(r.theta.data());
  std::vector<double> amounts(c.pigments.size());
  for (int i = 0; i < r.visits_used; ++i) {
    const auto& v = c.visits[static_cast<size_t>(im.visit_index[static_cast<size_t>(i)])];
    impl::Retained(c, p, priors.beta, priors.healing_tau_days, v.day, amounts.data());
    const color::Lab lab = im.visit_models[static_cast<size_t>(i)]->Lab(amounts.data(), c.pigments.data(),
                                                                        static_cast<int>(c.pigments.size()));
    const double d = color::DeltaE00(lab, v.dot);
    ss += d * d;
  }
  r.residual_de00 = r.visits_used > 0 ? std::sqrt(ss / r.visits_used) : 0.0;
  if (r.visits_used == 0) r.message = "no follow-up in the fit window: the forecast rests on the population priors. " + r.message;
  return r;
}

color::Lab PredictDotLab(const ClientData& c, const FadeState& s, const FadePriors& priors, double day,
                         const color::Lab& skin_lab) {
  bool outside = false;
  const auto model = ModelOnSkin(skin_lab, c.optics, &outside);
  const std::vector<double> a = RetainedAmounts(c, s, priors, day);
  return model->Lab(a.data(), c.pigments.data(), static_cast<int>(c.pigments.size()));
}

}  // namespace shadecast::fade
