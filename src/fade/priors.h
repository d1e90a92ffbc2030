#pragma once
// Population priors and defaults of the fade model (design.md section 7, docs/fade.md). Published
// numbers are few: every default is an overridable parameter with its source, and
// `shadecast fade fit-cohort` re-estimates the population ones from a clinic's own follow-ups.
#include <map>
#include <string>

namespace shadecast::pb {
class FadePriors;
}

namespace shadecast::fade {

// A client's covariates on the log of the long-term rate.
struct Covariates {
  double uv_exposure = 1.0;  // 0 indoors, 1 typical, 2 high (ClientHistory.covariates)
  double ita_deg = 30.0;     // ITA of the skin (D65-adapted L*a*b*)
  bool oily_scalp = false;
  bool scarring = false;
  double dilution = 0.0;     // log2(reference_load / mean deposited session load)
};

struct FadePriors {
  // --- Healing: h(t) = 1 - f_h (1 - exp(-t / tau_h)).
  // About a third of the deposit is lost within weeks (Baeumler 2015; Engel et al. 2010, Exp
  // Dermatol 19:54, mice; design.md: f_h 0.30-0.35). Prior: logit-normal around it.
  double healing_loss = 0.33;
  double healing_loss_logit_sd = 0.3;
  // Porcine skin reaches a steady state by day 7: tau_h 2-3 days (design.md section 7); in mice the
  // loss goes on for weeks (Engel et al. 2010). Issue 19: fitted per client with a log-normal prior
  // of this median and log sd 1.0 (10-90 %: 0.7-9 days around 2.5; the visits, none inside 4 weeks
  // of a session, move it when the loss is still going on at the healed check).
  double healing_tau_days = 2.5;
  double healing_tau_log_sd = 1.0;

  // --- Long term, per pigment i: c_i(t) = c_inf + (1 - c_inf) exp(-(m_i k t)^beta), t in years.
  // Median k at the reference covariates (uv 1, ITA 30, not oily, no scarring, reference load).
  // Calibrated through the optics model: over the synthetic clinic population of fade/cohort.h
  // (2,000 clients, seed 1) the median time from the last session to the default trigger (45 %
  // contrast loss) is 4.0 years at k = 0.3075 /yr (`fade_bench calibrate`; docs/fade.md). The
  // design's load-based starting value (0.25 /yr: 50 % *load* loss at ~4 years) is close, but only
  // because the dots saturate: a 45 % contrast loss needs ~70 % of the healed load gone.
  double rate_per_year = 0.31;
  // Between-client spread of log k (design.md: log-normal sd ~0.45).
  double log_rate_sd = 0.45;
  // Long-term retained floor, logit-normal prior. The design's starting value is 0.2; through the
  // optics model a 45 % contrast loss needs the load below ~30 % of its healed value, so with 0.2
  // (logit sd 0.3) 11 % of the synthetic population never reaches the default trigger within 30
  // years and the 90th percentile is infinite; 0.15 leaves 2 % (docs/fade.md "Calibration").
  double c_inf = 0.15;
  double c_inf_logit_sd = 0.3;
  // Stretched-exponential shape (design.md: beta = 1, a plain exponential). Issue 19: fitted per
  // client with a prior of this mean and sd beta_sd (on a logistic scale over (0.4, 1.3)). sd 0.2
  // calibrated on the misspecified cohort's tune preset (fade_bench misspec tune 1000 400: 10-90 %
  // coverage 74.3 % at 0.12, 84.2 % at 0.2 with misfit_inflation 3; docs/benchmarks.md).
  double beta = 1.0;
  double beta_sd = 0.2;
  // Per-client deposit scale (needle technique, skin uptake): log-normal around the recipe's load.
  double deposit_log_mean = 0.0;
  double deposit_log_sd = 0.2;

  // --- Covariates on log k. No published effect sizes exist; these are placeholders from clinic
  // lore (sun fades pigment, oily scalps blur and fade faster, diluted ink fades sooner), small on
  // purpose, re-estimated by fit-cohort.
  double uv_coef = 0.15;             // per unit of uv_exposure above 1
  double ita_coef_per_10deg = 0.05;  // per 10 degrees of ITA above 30 (less melanin, more UV)
  double oily_coef = 0.15;
  double scarring_coef = 0.10;
  double dilution_coef = 0.10;       // per halving of the session load below reference_load
  double reference_load = 0.2;       // typical SMP session load (ink diluted ~1:4)

  // Per-pigment multiplier m_i of k. Carbon black is photostable and iron oxides are lightfast;
  // no published relative rates, so all default to 1. Set to make a blend drift in hue.
  std::map<std::string, double> pigment_rate;

  // Visit-to-visit measurement noise, RMS dE00 (design.md: 0.5-1). Whitens the residuals.
  double measurement_sigma_de00 = 0.7;
  // When the fit does not explain the visits (RMS residual above 3 noise sigmas), the parameter
  // covariance is multiplied by 1 + misfit_inflation (ratio^2 / 9 - 1): a quasi-likelihood widening,
  // calibrated on the misspecified cohort's tune preset (1 -> 3: coverage 74.3 -> 75.8 % there).
  double misfit_inflation = 3.0;
  // Never schedule a touch-up inside this many days after the last session (4 weeks); the healed
  // reference appearance is taken at this time after the last session.
  double settle_days = 28.0;

  std::string source = "defaults (docs/fade.md)";
  int cohort_clients = 0;
  int cohort_iterations = 0;

  bool IsValid(std::string* why) const;
  double PigmentRate(const std::string& id) const;
  // Prior mean of log k for these covariates.
  double LogRateMean(const Covariates& c) const;
};

FadePriors FromProto(const pb::FadePriors& p);
void ToProto(const FadePriors& f, pb::FadePriors* p);

}  // namespace shadecast::fade
