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
