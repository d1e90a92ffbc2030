#pragma once
// `fade backtest` (issue 19): fit each client on its first months, forecast, and score the forecast
// against the follow-ups that came later and, when known, the true touch-up date. Computation only;
// the command (cmd_fade.cpp) reads the inputs and prints.
#include <optional>
#include <string>
#include <vector>

#include "fade/pipeline.h"
#include "shadecast/history.pb.h"

namespace shadecast::cli {

struct BacktestOptions {
  double fit_until_months = 12;             // the fit knows sessions and follow-ups up to here
  std::vector<double> horizons_months{24, 36, 48};  // after the first session
  double horizon_window_months = 3;         // a follow-up counts for a horizon within this
  // Draws, seed, years, triggers; as_of_day, query_days and fit_until_months are set per client.
  fade::PipelineOptions pipeline;
  bool IsValid(std::string* why) const;
};

// One follow-up after the cut, against the forecast.
struct BacktestVisit {
  int day = 0;
  double months = 0;              // after the first session
  int horizon = -1;               // index into horizons_months, -1: near none
  double de00 = 0;                // forecast median dot vs the measured dot
  double de00_no_change = 0;      // the no-change baseline vs the measured dot
  // Share of the measured dot's L*a*b* components inside the forecast's p10-p90 band for a photo
  // (ForecastPoint::measured: the dot band widened by the visit noise).
  double in_band = 0;
};

struct BacktestClient {
  std::string source;             // file name or database id
  std::string client_id;
  std::string error;              // non-empty: the history could not be back-tested
  int fit_follow_ups = 0;         // follow-ups the fit used
  std::string baseline;           // "last fitted follow-up" or "forecast healed dot"
  std::vector<BacktestVisit> visits;
  int as_of_day = 0, horizon_end_day = 0;
  std::optional<int> p10_day, p50_day, p90_day;
  std::optional<int> true_day;    // the true touch-up date, when the truth gives one
  bool has_truth() const { return true_day.has_value(); }
  // The true date inside [p10, p90] (a quantile beyond the horizon counts as beyond it).
  bool interval_covers_truth() const;
  // |p50 - truth| in days (a median beyond the horizon counts as the horizon's end).
  int abs_error_days() const;
};

// Fits and forecasts one history; a bad history gives a result with `error` set (never throws for
// bad data). `fallback_name` names a history without client_id; `true_day` comes from a truth file
// (synth cohort).
BacktestClient BacktestHistory(const pb::ClientHistory& history, const std::vector<optics::PigmentKS>& library,
                               const fade::FadePriors& priors, const optics::ModelParams& params,
                               const BacktestOptions& options, const std::string& source,
                               const std::string& fallback_name, std::optional<int> true_day);

// Medians and band coverage over some follow-ups (each empty when there are none).
struct VisitStats {
  int visits = 0;
  std::optional<double> median_de00, median_de00_no_change, band_coverage;
};
VisitStats SummarizeVisits(const std::vector<BacktestVisit>& visits);

struct BacktestSummary {
  int clients = 0, failed = 0;  // clients read, of which failed
  struct Horizon {
    double months = 0;
    VisitStats stats;            // the follow-ups nearest this horizon, within the window
  };
  std::vector<Horizon> horizons;
  struct TouchUp {
    int clients_with_truth = 0;
    std::optional<double> interval_coverage, median_abs_error_days;
  };
  std::optional<TouchUp> touch_up;  // empty when no truth was given
};
BacktestSummary Summarize(const std::vector<BacktestClient>& clients, const BacktestOptions& options, bool truth_given);

}  // namespace shadecast::cli
