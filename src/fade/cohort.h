#pragma once
// Synthetic cohorts with truth (for tests and benches), the calibration of the default long-term
// rate through the optics model, and cohort re-estimation of the population priors.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "color/triple.h"
#include "fade/fit.h"
#include "fade/priors.h"
#include "optics/params.h"
#include "shadecast/history.pb.h"

namespace shadecast::fade {

// default: the fitter's own model. biexp: a bi-exponential long-term loss (a fast and a slow pool)
// the fitter does not assume. seasonal: the default fade seen through skin that tans with the
// seasons (melanin follows the sun), so contrast moves with the date.
enum class Family { kDefault, kBiexp, kSeasonal };
std::string FamilyToString(Family f);
Family FamilyFromString(const std::string& s);  // throws std::invalid_argument listing the names

struct CohortOptions {
  int clients = 100;
  uint64_t seed = 1;
  // Measurement noise: Gaussian in L*a*b*, sd noise_de00 / sqrt(3) per axis (RMS dE*ab = noise),
  // on the dot and on the skin at every visit.
  double noise_de00 = 0.6;
  Family family = Family::kDefault;
  std::string start_date = "2019-01-01";  // first sessions spread uniformly over the next 2 years
  int start_spread_days = 730;
  FadePriors population;                   // the truth's population (default: the fitter's priors)
  // biexp: c = c_inf + (1 - c_inf) (w e^(-f k t) + (1 - w) e^(-s k t)).
  double biexp_fast_share = 0.35, biexp_fast = 2.5, biexp_slow = 0.6;
  // seasonal: log melanin + (a + a_uv * uv_exposure) sin(2 pi (day of year - 115) / 365.25): darkest
  // in late July.
  double seasonal_amplitude = 0.15, seasonal_uv_amplitude = 0.12;
  // Follow-ups: a healed check 4-7 weeks after the last session, then these months after the first
  // session (+-10 days), each missed with probability visit_missing.
  std::vector<double> visit_months{3, 6, 9, 12, 18, 24, 30, 36, 42, 48};
  double visit_missing = 0.15;
  double truth_horizon_years = 30;         // the true touch-up date is searched this far
  bool IsValid(std::string* why) const;
};

struct TruthVisit {
  int day = 0;
  color::Lab dot{}, skin{};               // noise-free
};

struct TruthClient {
  pb::ClientHistory history;              // what a clinic would have recorded (noisy)
  FadeState state;                        // the client's true parameters
  double log_rate_mean = 0;               // population mean of log k for its covariates
  optics::SkinParams skin;                // baseline (untanned) skin
  std::vector<TruthVisit> visits;         // same order as history.follow_ups
  // First date the default trigger (45 % contrast loss) fires on the baseline skin, never before
  // last session + settle_days; empty beyond truth_horizon_years.
  std::optional<int> touch_up_day;
};

// Pigments used: smp_carbon_black plus smp_warm_neutralizer from `library`.
std::vector<TruthClient> GenerateCohort(const CohortOptions& options, const std::vector<optics::PigmentKS>& library,
                                        const optics::ModelParams& params);

// Scales the population's rate_per_year until the median time from the last session to the default
// trigger over a synthetic population (options, noise-free) is `target_years`.
struct RateCalibration {
  double rate_per_year = 0;
  double median_years = 0, p10_years = 0, p90_years = 0;  // time to the trigger (never = infinite)
  double p_never = 0;                                       // within truth_horizon_years
  int clients = 0, iterations = 0;
};
RateCalibration CalibrateRate(const CohortOptions& options, const std::vector<optics::PigmentKS>& library,
                              const optics::ModelParams& params, double target_years = 4.0);

// Empirical Bayes (EM with Laplace posteriors): fit every client with the current priors, then
// re-estimate the population means and spreads (log k by regression on the covariates).
struct CohortFitOptions {
  int iterations = 4;
  int threads = 2;
  FitOptions fit;
  double min_sd = 0.05;                    // floor of every re-estimated spread
  bool IsValid(std::string* why) const;
};
struct CohortFitResult {
  FadePriors priors;
  int clients = 0;
  int not_converged = 0;                   // in the last iteration
  double population_median_rate = 0;       // median over clients of the prior median of k
  std::vector<FitResult> fits;             // last iteration, same order as the input
};
CohortFitResult FitCohort(const std::vector<const PreparedClient*>& clients, const FadePriors& start,
                          const CohortFitOptions& options);

}  // namespace shadecast::fade

namespace shadecast::fade {

// A cohort generator that departs from the fitted family on purpose (issue 19), for calibrating and
// checking the forecast's intervals: its own fade dynamics, written without the fitter's model code
// (model_impl.h), on the same Monte Carlo optics but with per-client depth and diameter the history
// does not record. Two presets: kTune sets the forecast's defaults, kHoldout (other values of every
// knob, other seeds) checks them.
enum class MisspecVariant { kTune, kHoldout };
std::string MisspecVariantToString(MisspecVariant v);          // "tune", "holdout"
MisspecVariant MisspecVariantFromString(const std::string& s);  // throws std::invalid_argument

struct MisspecOptions {
  int clients = 1000;
  uint64_t seed = 11;
  std::string start_date = "2019-01-01";
  int start_spread_days = 730;
  // Early loss: a share f_h (logit-normal) lost with time constant tau (log-normal, days), not the
  // fitter's 2.5 days.
  double healing_loss = 0.33, healing_loss_logit_sd = 0.3;
  double tau_median_days = 30, tau_log_sd = 0.5;
  // Slow phase per pigment: exp(-(m_i k t)^beta), beta uniform in [beta_lo, beta_hi], no floor.
  double beta_lo = 0.7, beta_hi = 0.95;
  double rate_per_year = 0.20, log_rate_sd = 0.45;
  double iron_oxide_rate = 1.6;        // m of the warm neutralizer (iron oxides) against carbon black
  double uv_coef = 0.2;                // on log k per unit of true uv exposure above 1
  // Sun-heavy clients fade this much faster; only `sun_recorded` of them have uv 2 in the record.
  double sun_heavy_share = 0.08, sun_heavy_rate = 2.0, sun_recorded = 0.7;
  // Dots spread: the area grows by a rate uniform in [0, spread_per_year] (amount per area falls).
  double spread_per_year = 0.05;
  // Depth and diameter per client: the recorded value times a factor uniform in [1 - x, 1 + x].
  double optics_spread = 0.2;
  // One-sided tanning: melanin x exp(A_year max(0, sin(2 pi (doy - 115) / 365.25))), A_year uniform in
  // [0, tan_max (1 + uv)] drawn per client and calendar year.
  double tan_max = 0.12;
  // Noise per client uniform in [noise_lo, noise_hi] RMS dE*ab on dot and skin independently, plus a
  // lighting error shared by dot and skin of each photo (exposure factor, log-normal sd).
  double noise_lo = 0.5, noise_hi = 1.0, exposure_log_sd = 0.04;
  // Outliers: this share of clients has one follow-up under bad light (exposure log sd
  // outlier_exposure_log_sd and a cast of outlier_cast a*/b* units, shared by dot and skin).
  double outlier_share = 0.10, outlier_exposure_log_sd = 0.25, outlier_cast = 3.0;
  // Mid-history touch-ups: this share of clients gets one recorded session 5-11 months after the first.
  double touch_up_share = 0.18;
  double truth_horizon_years = 30;
  static MisspecOptions Preset(MisspecVariant v);
  bool IsValid(std::string* why) const;
};

struct MisspecTruth {
  TruthClient client;        // history, truth visits (noise-free, no lighting error), touch-up day
  bool sun_heavy = false;
  bool has_outlier = false;
  int outlier_day = 0;
  double beta = 1, tau_days = 0;
  // Noise-free dot on the client's baseline skin (no tan) on `day`.
  color::Lab DotOn(int day) const;
  struct Impl;
  std::shared_ptr<const Impl> impl;
};

std::vector<MisspecTruth> GenerateMisspecifiedCohort(const MisspecOptions& options,
                                                     const std::vector<optics::PigmentKS>& library,
                                                     const optics::ModelParams& params);

}  // namespace shadecast::fade
