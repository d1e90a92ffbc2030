#include "cli/backtest.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>

#include "color/ciede2000.h"
#include "fade/client.h"
#include "fade/date.h"

namespace shadecast::cli {
namespace {

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t k = v.size() / 2;
  return v.size() % 2 ? v[k] : 0.5 * (v[k - 1] + v[k]);
}

// Share of the three L*a*b* components inside the band (each 80 % when calibrated; all three at
// once would be ~51 % for independent components).
double ShareInBand(const fade::LabBand& band, const color::Lab& lab) {
  int in = 0;
  for (int k = 0; k < 3; ++k) in += lab[k] >= band.p10[k] && lab[k] <= band.p90[k];
  return in / 3.0;
}

// The horizon nearest to `months`, when within the window; else -1.
int NearestHorizon(const BacktestOptions& o, double months) {
  int best = -1;
  for (size_t h = 0; h < o.horizons_months.size(); ++h) {
    const double d = std::abs(months - o.horizons_months[h]);
    if (d <= o.horizon_window_months && (best < 0 || d < std::abs(months - o.horizons_months[best]))) best = int(h);
  }
  return best;
}

}  // namespace

bool BacktestOptions::IsValid(std::string* why) const {
  if (!(fit_until_months > 0) || !std::isfinite(fit_until_months)) {
    *why = "fit_until_months must be a positive number of months";
    return false;
  }
  if (horizons_months.empty()) {
    *why = "at least one horizon (months after the first session) is needed";
    return false;
  }
  for (double h : horizons_months)
    if (!(h > fit_until_months) || !std::isfinite(h)) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "every horizon must lie after the fit's end (%g months), got %g", fit_until_months, h);
      *why = buf;
      return false;
    }
  if (!(horizon_window_months > 0)) {
    *why = "horizon_window_months must be positive";
    return false;
  }
  return pipeline.forecast.IsValid(why) && pipeline.fit.IsValid(why);
}

bool BacktestClient::interval_covers_truth() const {
  if (!true_day) return false;
  const long lo = p10_day ? *p10_day : long(horizon_end_day) + 1;
  const long hi = p90_day ? *p90_day : LONG_MAX;
  return lo <= *true_day && *true_day <= hi;
}

int BacktestClient::abs_error_days() const { return true_day ? std::abs(p50_day.value_or(horizon_end_day) - *true_day) : 0; }

BacktestClient BacktestHistory(const pb::ClientHistory& history, const std::vector<optics::PigmentKS>& library,
                               const fade::FadePriors& priors, const optics::ModelParams& params,
                               const BacktestOptions& options, const std::string& source,
                               const std::string& fallback_name, std::optional<int> true_day) {
  BacktestClient out;
  out.source = source;
  out.client_id = history.client_id().empty() ? fallback_name : history.client_id();
  out.true_day = true_day;
  try {
    const fade::ClientData client = fade::BuildClient(history, library, priors, params, fallback_name);
    out.client_id = client.client_id;
    const int first = client.first_day();
    // The same cut as the pipeline's (fade::ForecastHistory with fit_until_months).
    const int until = first + static_cast<int>(std::lround(options.fit_until_months * fade::kDaysPerYear / 12));
    // The no-change baseline: the last follow-up the fit uses, else the forecast's healed dot.
    fade::ClientData known = client;
    fade::CutAfter(&known, until);
    fade::CleanVisits(&known, until);
    fade::PipelineOptions po = options.pipeline;
    po.fit_until_months = options.fit_until_months;
    po.forecast.as_of_day = until;
    po.forecast.query_days.clear();
    std::vector<const fade::ClientData::Visit*> later;
    for (const auto& v : client.visits)
      if (v.day > until) {
        later.push_back(&v);
        po.forecast.query_days.push_back(v.day);
      }
    const bool healed_baseline = known.visits.empty();
    if (healed_baseline) po.forecast.query_days.push_back(known.last_session_day() + int(std::lround(priors.settle_days)));
    const fade::ForecastResult r = fade::ForecastHistory(history, library, priors, params, po, fallback_name);
    const color::Lab baseline = healed_baseline ? r.queries.back().dot.p50 : known.visits.back().dot;
    out.baseline = healed_baseline ? "forecast healed dot" : "last fitted follow-up";
    for (size_t i = 0; i < later.size(); ++i) {
      const auto& q = r.queries[i];
      BacktestVisit bv;
      bv.day = later[i]->day;
      bv.months = (bv.day - first) / (fade::kDaysPerYear / 12);
      bv.horizon = NearestHorizon(options, bv.months);
      bv.de00 = color::DeltaE00(q.dot.p50, later[i]->dot);
      bv.de00_no_change = color::DeltaE00(baseline, later[i]->dot);
      bv.in_band = ShareInBand(q.measured, later[i]->dot);
      out.visits.push_back(bv);
    }
    out.fit_follow_ups = r.fit.visits_used;
    out.as_of_day = r.as_of_day;
    out.horizon_end_day = r.horizon_end_day;
    out.p10_day = r.touch_up.p10_day;
    out.p50_day = r.touch_up.p50_day;
    out.p90_day = r.touch_up.p90_day;
  } catch (const std::exception& e) {
    out.error = e.what();
    out.visits.clear();
  }
  return out;
}

VisitStats SummarizeVisits(const std::vector<BacktestVisit>& visits) {
  VisitStats st;
  st.visits = static_cast<int>(visits.size());
  if (visits.empty()) return st;
  std::vector<double> de, base;
  double in_band = 0;
  for (const auto& v : visits) {
    de.push_back(v.de00);
    base.push_back(v.de00_no_change);
    in_band += v.in_band;
  }
  st.median_de00 = Median(de);
  st.median_de00_no_change = Median(base);
  st.band_coverage = in_band / st.visits;
  return st;
}

BacktestSummary Summarize(const std::vector<BacktestClient>& clients, const BacktestOptions& options, bool truth_given) {
  BacktestSummary s;
  s.clients = static_cast<int>(clients.size());
  std::vector<std::vector<BacktestVisit>> near(options.horizons_months.size());
  std::vector<double> errors;
  int covered = 0;
  for (const auto& c : clients) {
    if (!c.error.empty()) {
      ++s.failed;
      continue;
    }
    for (const auto& v : c.visits)
      if (v.horizon >= 0) near[v.horizon].push_back(v);
    if (c.has_truth()) {
      errors.push_back(c.abs_error_days());
      covered += c.interval_covers_truth();
    }
  }
  for (size_t h = 0; h < near.size(); ++h) s.horizons.push_back({options.horizons_months[h], SummarizeVisits(near[h])});
  if (truth_given) {
    BacktestSummary::TouchUp t;
    t.clients_with_truth = static_cast<int>(errors.size());
    if (!errors.empty()) {
      t.interval_coverage = double(covered) / errors.size();
      t.median_abs_error_days = Median(errors);
    }
    s.touch_up = t;
  }
  return s;
}

}  // namespace shadecast::cli
