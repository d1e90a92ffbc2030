#pragma once
// Monte Carlo forecast of a client's dot over the years and the touch-up date (design.md section 7).
// Parameter draws from the fit's Laplace approximation (MAP, ceres::Covariance); the dot's
// appearance against its retained load is tabulated once per client on the forecast skin, so a
// draw costs a few exponentials and a table look-up per date.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "color/triple.h"
#include "fade/fit.h"

namespace shadecast::fade {

enum class TriggerKind { kContrastLoss, kDe00 };
std::string TriggerKindToString(TriggerKind k);     // "contrast", "de00"
TriggerKind TriggerKindFromString(const std::string& s);  // throws std::invalid_argument

// Touch-up triggers. Both thresholds are borrowed from other fields and visit noise is 0.5-1 dE00:
// placeholders until a clinic's own touch-up decisions teach better ones (docs/fade.md).
struct Trigger {
  TriggerKind kind = TriggerKind::kContrastLoss;
  // contrast: relative loss of dot-to-skin contrast (dE00) since the healed reference, 0.45
  // (clinicians wait until the work has "lightened considerably"). de00: dE00 to the healed
  // appearance, 1.8 (acceptability for dental ceramics, Paravina et al. 2015).
  double threshold = 0.45;
  // de00 only: the threshold where the skin's ITA < 10 deg, 2.6 (silicone prostheses, likely
  // dE*ab).
  double dark_threshold = 2.6;
};
// "contrast:0.45", "contrast:0.45,de00:1.8", "de00:1.8/3.0" (dark-skin threshold after '/').
// Throws std::invalid_argument naming the bad part.
std::vector<Trigger> ParseTriggers(const std::string& spec);
std::string TriggerToString(const Trigger& t);

struct ForecastOptions {
  int as_of_day = 0;                  // today (days since 1970-01-01); the horizon starts here
  double years = 8.0;                 // horizon
  int draws = 2000;                   // Monte Carlo parameter draws (the touch-up dates use all)
  // Draws behind the monthly series and query bands (the first of `draws`; 0 = all). With 250 the
  // bands' 10/90 % points are 0.05 L* (median; p90 0.16) from a 16,000-draw run, against 0.025 (0.07)
  // with all 1,000, and a client costs half (`fade_bench series`, docs/benchmarks.md).
  int series_draws = 250;
  uint64_t seed = 1;                  // combined with the client id, so a batch is order-free
  std::vector<Trigger> triggers{Trigger{}};
  std::vector<int> query_days;        // extra dates to report (back-tests)
  int table_nodes = 96;               // appearance table over retained load
  bool IsValid(std::string* why) const;
};

struct Band {
  double p10 = 0, p50 = 0, p90 = 0;
};
struct LabBand {
  color::Lab p10{}, p50{}, p90{};     // component-wise quantiles
};
struct ForecastPoint {
  int day = 0;
  LabBand dot;                        // the dot itself (parameter uncertainty)
  // What a follow-up photo on that date would read: the dot band widened in quadrature by the visit
  // noise, max(FadePriors::measurement_sigma_de00, the fit's RMS residual) / sqrt(3) per axis (p50
  // unchanged).
  LabBand measured;
  Band contrast_de00;                 // dot vs the forecast skin
};

struct TouchUp {
  // Quantiles of the first date a trigger fires (never before last session + settle_days); empty
  // when that quantile lies beyond the horizon.
  std::optional<int> p10_day, p50_day, p90_day;
  double p_none_within_horizon = 0;
  bool overdue = false;               // the median date is before as_of
  std::string first_trigger;          // the trigger that fired first in most draws
};

struct ForecastResult {
  std::string client_id;
  FitResult fit;
  TouchUp touch_up;
  std::vector<ForecastPoint> series;  // monthly from as_of over the horizon
  std::vector<ForecastPoint> queries; // at ForecastOptions::query_days
  color::Lab skin_lab{};              // the skin the forecast assumes
  double ita_deg = 0;
  bool skin_outside_model = false;
  Band healed_contrast_de00;          // at last session + settle_days
  int as_of_day = 0, horizon_end_day = 0, last_session_day = 0;
  bool tabulated = false;             // false: fixed composition did not hold, direct optics per draw
  std::vector<Trigger> triggers;
  // Plain sentences about the history (follow-ups removed as duplicates, unhealed or implausible).
  std::vector<std::string> notes;
};

ForecastResult Forecast(const PreparedClient& prepared, const FitResult& fit, const FadePriors& priors,
                        const ForecastOptions& options);

}  // namespace shadecast::fade
