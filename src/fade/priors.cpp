#include "fade/priors.h"

#include <cmath>

#include "shadecast/forecast.pb.h"

namespace shadecast::fade {
namespace {
bool Fail(std::string* why, const std::string& msg) {
  if (why) *why = msg;
  return false;
}
bool Positive(double v) { return std::isfinite(v) && v > 0; }
}  // namespace

bool FadePriors::IsValid(std::string* why) const {
  if (!(healing_loss > 0 && healing_loss < 1)) return Fail(why, "healing_loss must be within (0, 1)");
  if (!(c_inf >= 0 && c_inf < 1)) return Fail(why, "c_inf must be within [0, 1)");
  if (!(c_inf > 0)) return Fail(why, "c_inf must be > 0 (its prior is logit-normal)");
  if (!Positive(healing_tau_days)) return Fail(why, "healing_tau_days must be > 0");
  if (!Positive(rate_per_year)) return Fail(why, "rate_per_year must be > 0");
  if (!(beta > 0.45 && beta < 1.25)) return Fail(why, "beta (the stretch shape's prior mean) must be within (0.45, 1.25)");
  if (!(misfit_inflation >= 0 && std::isfinite(misfit_inflation))) return Fail(why, "misfit_inflation must be >= 0");
  for (auto [name, v] : {std::pair{"healing_loss_logit_sd", healing_loss_logit_sd}, {"log_rate_sd", log_rate_sd},
                         {"c_inf_logit_sd", c_inf_logit_sd}, {"deposit_log_sd", deposit_log_sd},
                         {"measurement_sigma_de00", measurement_sigma_de00}, {"reference_load", reference_load},
                         {"beta_sd", beta_sd}, {"healing_tau_log_sd", healing_tau_log_sd}})
    if (!Positive(v)) return Fail(why, std::string(name) + " must be > 0");
  for (double v : {uv_coef, ita_coef_per_10deg, oily_coef, scarring_coef, dilution_coef, deposit_log_mean})
    if (!std::isfinite(v)) return Fail(why, "covariate coefficients must be finite");
  if (!(settle_days >= 0 && std::isfinite(settle_days))) return Fail(why, "settle_days must be >= 0");
  for (const auto& [id, m] : pigment_rate)
    if (!Positive(m)) return Fail(why, "pigment_rate[" + id + "] must be > 0");
  return true;
}

double FadePriors::PigmentRate(const std::string& id) const {
  const auto it = pigment_rate.find(id);
  return it == pigment_rate.end() ? 1.0 : it->second;
}

double FadePriors::LogRateMean(const Covariates& c) const {
  return std::log(rate_per_year) + uv_coef * (c.uv_exposure - 1.0) + ita_coef_per_10deg * (c.ita_deg - 30.0) / 10.0 +
         (c.oily_scalp ? oily_coef : 0.0) + (c.scarring ? scarring_coef : 0.0) + dilution_coef * c.dilution;
}

FadePriors FromProto(const pb::FadePriors& p) {
  FadePriors f;
#define SC_GET(field) \
  if (p.has_##field()) f.field = p.field();
  SC_GET(healing_loss)
  SC_GET(healing_loss_logit_sd)
  SC_GET(healing_tau_days)
  SC_GET(rate_per_year)
  SC_GET(log_rate_sd)
  SC_GET(c_inf)
  SC_GET(c_inf_logit_sd)
  SC_GET(beta)
  SC_GET(deposit_log_mean)
  SC_GET(deposit_log_sd)
  SC_GET(uv_coef)
  SC_GET(ita_coef_per_10deg)
  SC_GET(oily_coef)
  SC_GET(scarring_coef)
  SC_GET(dilution_coef)
  SC_GET(measurement_sigma_de00)
  SC_GET(settle_days)
  SC_GET(reference_load)
  SC_GET(beta_sd)
  SC_GET(healing_tau_log_sd)
  SC_GET(misfit_inflation)
#undef SC_GET
  for (const auto& [id, m] : p.pigment_rate()) f.pigment_rate[id] = m;
  if (!p.source().empty()) f.source = p.source();
  f.cohort_clients = p.cohort_clients();
  f.cohort_iterations = p.cohort_iterations();
  return f;
}

void ToProto(const FadePriors& f, pb::FadePriors* p) {
  p->Clear();
  p->set_healing_loss(f.healing_loss);
  p->set_healing_loss_logit_sd(f.healing_loss_logit_sd);
  p->set_healing_tau_days(f.healing_tau_days);
  p->set_rate_per_year(f.rate_per_year);
  p->set_log_rate_sd(f.log_rate_sd);
  p->set_c_inf(f.c_inf);
  p->set_c_inf_logit_sd(f.c_inf_logit_sd);
  p->set_beta(f.beta);
  p->set_deposit_log_mean(f.deposit_log_mean);
  p->set_deposit_log_sd(f.deposit_log_sd);
  p->set_uv_coef(f.uv_coef);
  p->set_ita_coef_per_10deg(f.ita_coef_per_10deg);
  p->set_oily_coef(f.oily_coef);
  p->set_scarring_coef(f.scarring_coef);
  p->set_dilution_coef(f.dilution_coef);
  p->set_measurement_sigma_de00(f.measurement_sigma_de00);
  p->set_settle_days(f.settle_days);
  p->set_reference_load(f.reference_load);
  p->set_beta_sd(f.beta_sd);
  p->set_healing_tau_log_sd(f.healing_tau_log_sd);
  p->set_misfit_inflation(f.misfit_inflation);
  for (const auto& [id, m] : f.pigment_rate) (*p->mutable_pigment_rate())[id] = m;
  p->set_source(f.source);
  p->set_cohort_clients(f.cohort_clients);
  p->set_cohort_iterations(f.cohort_iterations);
}

}  // namespace shadecast::fade
