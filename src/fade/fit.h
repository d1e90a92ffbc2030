#pragma once
// Per-client MAP fit of the fade model (design.md section 7): whitened CIEDE2000 residuals of the
// follow-ups (each through the optics model on the skin measured at that visit) plus
// population-prior residuals, solved with Ceres; covariance of the parameters from
// ceres::Covariance (DENSE_SVD, pseudo-inverse where rank-deficient).
#include <array>
#include <climits>
#include <memory>
#include <string>
#include <vector>

#include "color/triple.h"
#include "fade/client.h"
#include "fade/priors.h"

namespace shadecast::fade {

// A client prepared for fitting: the skin at every visit used, inverted once (optics FitSkin), and
// the dot model on it; the forecast skin (mean of the measured skins, else ClientHistory.skin_lab)
// and, when the visits support it, a seasonal skin (yearly harmonic per L*a*b* channel).
class PreparedClient {
 public:
  // `client` is borrowed and must outlive this. Follow-ups after `fit_until_day` are not used.
  explicit PreparedClient(const ClientData& client, int fit_until_day = INT_MAX);
  ~PreparedClient();
  PreparedClient(PreparedClient&&) noexcept;
  PreparedClient& operator=(PreparedClient&&) noexcept;

  const ClientData& client() const;
  int visits_used() const;
  // Index into client().visits of the i-th visit used.
  int visit_index(int i) const;
  // Skin colour the forecast assumes (L*a*b* D50, measured) and its model fit's residual.
  const color::Lab& forecast_skin_lab() const;
  // Whether a yearly harmonic of the skin (tanning) was fitted to the visits and is used by the
  // forecast: at least 5 visits spanning a year and a harmonic well above the measurement noise.
  bool seasonal_skin() const;
  // The skin the forecast expects on `day`: the harmonic when seasonal_skin(), else forecast_skin_lab().
  color::Lab skin_lab_on(double day) const;
  // Any visit skin (or the forecast skin) outside the skin model (residual > 1 dE00).
  bool skin_outside_model() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct FitOptions {
  int max_iterations = 100;         // Ceres iterations
  bool compute_covariance = true;   // false: no draws possible beyond the prior's spread
  bool robust = true;               // Cauchy loss on the visits (false: plain least squares)
  bool IsValid(std::string* why) const;
};

struct FitResult {
  std::array<double, kFadeParams> theta{};  // see kFadeParams
  std::array<double, kFadeParams * kFadeParams> covariance{};  // of theta, row-major
  bool covariance_ok = false;
  FadeState state;                        // natural units at the MAP
  double log_rate_sd = 0;                 // posterior sd of log k
  bool converged = false;
  double initial_cost = 0, final_cost = 0;
  int iterations = 0;
  std::string message;
  double residual_de00 = 0;               // RMS dE00 of the fitted follow-ups
  int visits_used = 0;
  // The fit check (issue 19): the RMS residual in units of the stated visit noise
  // (FadePriors::measurement_sigma_de00), and whether the model explains the visits (<= 3 with at
  // least 3 follow-ups; fit.cpp says where 3 comes from). Not explained: the forecast's dates rest on a model that does not fit.
  double residual_to_noise = 0;
  bool explains_visits = true;
  std::vector<double> visit_residual_de00;  // per fitted follow-up, in date order
  std::vector<double> visit_weight;         // the robust loss's weight of each fitted follow-up (0-1)
  // Follow-ups more than 4 noise sigmas off and 2.5x the RMS of the client's other visits: likely
  // capture problems (bad light, blur).
  std::vector<int> outlier_days;
  double interval_inflation = 1.0;          // covariance factor applied for a misfit (1: none)
  std::array<double, kFadeParams> prior_mean{};  // of theta
  std::array<double, kFadeParams> prior_sd{};

  std::string BriefReport() const;
};

FitResult FitClient(const PreparedClient& prepared, const FadePriors& priors, const FitOptions& options = {});

// The population prior of theta for these covariates (mean) and its sd.
std::array<double, kFadeParams> PriorMean(const FadePriors& priors, const Covariates& covariates);
std::array<double, kFadeParams> PriorSd(const FadePriors& priors);

// The dot L*a*b* the model predicts on `day` for parameters `s`, seen through a skin of L*a*b*
// `skin_lab` (inverted with optics FitSkin). For tests and diagnostics (slow: one skin fit per call).
color::Lab PredictDotLab(const ClientData& c, const FadeState& s, const FadePriors& priors, double day,
                         const color::Lab& skin_lab);

}  // namespace shadecast::fade
