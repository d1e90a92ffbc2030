// shadecast forecast: fit a client's follow-ups, project the dot over the years, date the touch-up.
// One history (--history) or a whole folder (--histories DIR --csv OUT.csv, both cores).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "cli/batch.h"
#include "cli/commands.h"
#include "cli/fade_inputs.h"
#include "cli/followup.h"
#include "cli/inputs.h"
#include "cli/records.h"
#include "color/csv.h"
#include "fade/date.h"
#include "fade/pipeline.h"
#include "store/files.h"

namespace shadecast::cli {
namespace {

// Exit code of a batch where some histories were skipped (each named on stderr).
inline constexpr int kExitSomeSkipped = 4;

nlohmann::json DateJson(const std::optional<int>& d) {
  return d ? nlohmann::json(fade::FormatDate(*d)) : nlohmann::json(nullptr);
}

std::vector<std::string> OutlierDates(const fade::FitResult& f) {
  std::vector<std::string> d;
  for (int day : f.outlier_days) d.push_back(fade::FormatDate(day));
  return d;
}

nlohmann::json ForecastJson(const fade::ForecastResult& r, const fade::FadePriors& priors) {
  nlohmann::json series = nlohmann::json::array();
  for (const auto& p : r.series)
    series.push_back({{"date", fade::FormatDate(p.day)},
                      {"dot_lab", LabJson(p.dot.p50)},
                      {"dot_lab_p10", LabJson(p.dot.p10)},
                      {"dot_lab_p90", LabJson(p.dot.p90)},
                      {"measured_lab_p10", LabJson(p.measured.p10)},
                      {"measured_lab_p90", LabJson(p.measured.p90)},
                      {"contrast_de00", p.contrast_de00.p50},
                      {"contrast_de00_p10", p.contrast_de00.p10},
                      {"contrast_de00_p90", p.contrast_de00.p90}});
  nlohmann::json triggers = nlohmann::json::array();
  for (const auto& t : r.triggers) triggers.push_back(fade::TriggerToString(t));
  const auto& f = r.fit;
  return {{"client_id", r.client_id},
          {"as_of", fade::FormatDate(r.as_of_day)},
          {"horizon_years", (r.horizon_end_day - r.as_of_day) / fade::kDaysPerYear},
          {"horizon_end", fade::FormatDate(r.horizon_end_day)},
          {"last_session", fade::FormatDate(r.last_session_day)},
          {"triggers", triggers},
          {"notes", r.notes},
          {"fit",
           {{"converged", f.converged},
            {"params",
             {{"rate_per_year", f.state.rate_per_year},
              {"log_rate_sd", f.log_rate_sd},
              {"healing_loss", f.state.healing_loss},
              {"c_inf", f.state.c_inf},
              {"deposit_scale", f.state.deposit_scale},
              // "beta" was the fixed prior value until issue 19; now the client's fitted stretch shape.
              {"beta", f.state.beta},
              {"beta_prior", priors.beta},
              {"healing_tau_days", f.state.healing_tau_days}}},
            {"residual_de00", f.residual_de00},
            {"follow_ups_used", f.visits_used},
            {"iterations", f.iterations},
            {"covariance_ok", f.covariance_ok},
            {"residual_to_noise", f.residual_to_noise},
            {"explains_visits", f.explains_visits},
            {"visit_residuals_de00", f.visit_residual_de00},
            {"outlier_visits", OutlierDates(f)},
            {"visit_weights", f.visit_weight},
            {"interval_inflation", f.interval_inflation},
            {"message", f.message}}},
          {"touch_up",
           {{"date", DateJson(r.touch_up.p50_day)},
            {"p10", DateJson(r.touch_up.p10_day)},
            {"p90", DateJson(r.touch_up.p90_day)},
            {"p_none_within_horizon", r.touch_up.p_none_within_horizon},
            {"overdue", r.touch_up.overdue},
            {"first_trigger", r.touch_up.first_trigger}}},
          {"skin", {{"lab", LabJson(r.skin_lab)}, {"ita_deg", r.ita_deg}, {"outside_model", r.skin_outside_model}}},
          {"healed_contrast_de00", r.healed_contrast_de00.p50},
          {"tabulated", r.tabulated},
          {"series", series}};
}

std::string DateText(const std::optional<int>& d) { return d ? fade::FormatDate(*d) : "beyond the horizon"; }

void PrintText(const fade::ForecastResult& r) {
  std::printf("Client %s, as of %s, horizon %s\n", r.client_id.c_str(), fade::FormatDate(r.as_of_day).c_str(),
              fade::FormatDate(r.horizon_end_day).c_str());
  std::printf("Fit: %s\n", r.fit.BriefReport().c_str());
  for (const auto& n : r.notes) std::printf("  Note: %s\n", n.c_str());
  for (const auto& d : OutlierDates(r.fit))
    std::printf("  Note: the follow-up of %s is far from the fade the others show: check that photo (light, blur)\n", d.c_str());
  if (!r.fit.explains_visits)
    std::printf("  WARNING: the fade model does not explain this client's follow-ups (they scatter %.1f x the usual "
                "measurement noise); the touch-up interval below was widened %.1fx in variance for it and may still be too narrow\n",
                r.fit.residual_to_noise, r.fit.interval_inflation);
  if (!r.fit.converged) std::printf("  WARNING: the fit did not converge (%s); treat the dates with caution\n", r.fit.message.c_str());
  std::printf("Touch-up: %s (10-90 %%: %s to %s)%s\n", DateText(r.touch_up.p50_day).c_str(),
              DateText(r.touch_up.p10_day).c_str(), DateText(r.touch_up.p90_day).c_str(),
              r.touch_up.overdue ? (r.fit.explains_visits ? "  OVERDUE" : "  OVERDUE (from a fit that does not explain the visits: check)") : "");
  std::printf("P(no touch-up within the horizon): %.2f\n", r.touch_up.p_none_within_horizon);
  std::printf("\n%-10s  %-20s  %s\n", "date", "dot L*a*b* (median)", "contrast dE00 (10-90 %)");
  for (size_t i = 0; i < r.series.size(); i += 6) {
    const auto& p = r.series[i];
    std::printf("%-10s  %5.1f %5.1f %5.1f     %5.1f (%4.1f-%4.1f)\n", fade::FormatDate(p.day).c_str(), p.dot.p50[0],
                p.dot.p50[1], p.dot.p50[2], p.contrast_de00.p50, p.contrast_de00.p10, p.contrast_de00.p90);
  }
}

struct ForecastSetup {
  fade::PipelineOptions po;
  fade::FadePriors priors;
  optics::ModelParams params;
  std::unique_ptr<Library> lib;
};

ForecastSetup LoadForecastSetup(const ForecastCliOptions& o) {
  if ((!o.history.empty()) + (!o.histories.empty()) + (!o.client.empty()) != 1)
    throw InputError("give one of --history FILE, --histories DIR or --client ID");
  if (!o.histories.empty() && o.csv.empty()) throw InputError("--histories needs --csv OUT.csv");
  if (!o.history.empty() && !o.csv.empty()) throw InputError("--csv goes with --histories (a batch)");
  if (o.seed < 0) throw InputError("--seed: expected a non-negative integer");
  if (o.fit_until_months != -1) CheckRange(o.fit_until_months, 0.5, 600, "--fit-until-months", "months after the first session");
  ForecastSetup s;
  fade::PipelineOptions& po = s.po;
  po.fit_until_months = o.fit_until_months;
  po.forecast.years = o.years;
  po.forecast.draws = o.draws;
  po.forecast.seed = static_cast<uint64_t>(o.seed);
  po.forecast.as_of_day = fade::ParseDate(Today(o.as_of), "--as-of");
  try {
    po.forecast.triggers = fade::ParseTriggers(o.trigger);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--trigger: ") + e.what());
  }
  std::string why;
  if (!po.forecast.IsValid(&why)) throw InputError("--years/--draws: " + why);
  s.priors = LoadPriors(o.priors);
  s.params = LoadModelParams(o.params);
  s.lib = LoadLibrary(o.library);
  return s;
}

// From the clinic database; the forecast is stored there for `shadecast due`.
fade::ForecastResult ForecastClient(const ForecastCliOptions& o, const ForecastSetup& s) {
  auto db = OpenDatabase(o.db);
  pb::ClientHistory h;
  try {
    h = db->History(o.client);
  } catch (const store::DatabaseError& e) {
    throw InputError(e.what());
  }
  fade::ForecastResult r;
  try {
    r = fade::ForecastHistory(h, s.lib->pigments, s.priors, s.params, s.po, o.client);
  } catch (const fade::HistoryError& e) {
    throw InputError("client " + o.client + ": " + e.what());
  }
  db->AddForecast(o.client, Today(o.as_of),
                  ForecastMessage(r, o.client, Today(o.as_of), o.years,
                                  r.fit.converged ? "fitted to the client's follow-ups" : "fit did NOT converge"));
  return r;
}

int RunForecast(const ForecastCliOptions& o) {
  const ForecastSetup setup = LoadForecastSetup(o);
  const fade::PipelineOptions& po = setup.po;
  const fade::FadePriors& priors = setup.priors;
  const optics::ModelParams& params = setup.params;
  const auto& lib = setup.lib;

  if (!o.client.empty()) {
    const fade::ForecastResult r = ForecastClient(o, setup);
    if (o.json)
      PrintJson(ForecastJson(r, priors));
    else
      PrintText(r);
    return kExitOk;
  }

  if (!o.history.empty()) {
    const pb::ClientHistory h = ReadHistory(o.history);
    fade::ForecastResult r;
    try {
      r = fade::ForecastHistory(h, lib->pigments, priors, params, po, std::filesystem::path(o.history).stem().string());
    } catch (const fade::HistoryError& e) {
      throw InputError(o.history + ": " + e.what());
    }
    if (o.json)
      PrintJson(ForecastJson(r, priors));
    else
      PrintText(r);
    return kExitOk;
  }

  // Batch.
  const auto files = ListHistoryFiles(o.histories, "--histories");
  const size_t n = files.size();
  std::vector<std::optional<fade::ForecastResult>> results(n);
  std::vector<std::string> errors(n);
  RunBatch(n, BatchThreads(o.threads), "forecast", false, [&](size_t i) {
    try {
      const pb::ClientHistory h = ReadHistory(files[i]);
      results[i] = fade::ForecastHistory(h, lib->pigments, priors, params, po, files[i].stem().string());
    } catch (const std::exception& e) {
      errors[i] = e.what();
    }
  });

  std::ostringstream csv;
  csv << "file,client_id,converged,follow_ups_used,rate_per_year,residual_de00,touch_up_date,touch_up_p10,touch_up_p90,"
         "p_none_within_horizon,overdue\n";
  int skipped = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!results[i]) {
      ++skipped;
      std::fprintf(stderr, "shadecast: skipped %s: %s\n", files[i].string().c_str(), errors[i].c_str());
      continue;
    }
    const auto& r = *results[i];
    auto date = [](const std::optional<int>& d) { return d ? fade::FormatDate(*d) : std::string(); };
    char num[160];
    std::snprintf(num, sizeof num, "%s,%d,%.5g,%.4g", r.fit.converged ? "true" : "false", r.fit.visits_used,
                  r.fit.state.rate_per_year, r.fit.residual_de00);
    csv << color::CsvCell(files[i].filename().string()) << ',' << color::CsvCell(r.client_id) << ',' << num << ','
        << date(r.touch_up.p50_day) << ',' << date(r.touch_up.p10_day) << ',' << date(r.touch_up.p90_day) << ','
        << r.touch_up.p_none_within_horizon << ',' << (r.touch_up.overdue ? "true" : "false") << '\n';
  }
  try {
    store::WriteFileAtomic(o.csv, csv.str());
  } catch (const std::runtime_error& e) {
    throw InputError(std::string("--csv: ") + e.what());
  }
  std::fprintf(stderr, "forecast: %zu of %zu histories forecast, %d skipped -> %s\n", n - static_cast<size_t>(skipped), n,
               skipped, o.csv.c_str());
  return skipped > 0 ? kExitSomeSkipped : kExitOk;
}

void RegisterForecast(CLI::App& app, Action& action) {
  auto o = std::make_shared<ForecastCliOptions>();
  CLI::App* cmd = app.add_subcommand("forecast", "Fit a client's follow-ups, forecast the fade and date the touch-up");
  cmd->add_option("--history", o->history, "one client history (ClientHistory .textproto/.pb/.json)");
  cmd->add_option("--histories", o->histories, "a folder of histories: batch, needs --csv");
  cmd->add_option("--client", o->client, "a client in the database; the forecast is stored for `due`");
  cmd->add_option("--db", o->db, "database file (default $SHADECAST_DB or ./shadecast.db)");
  cmd->add_option("--csv", o->csv, "batch output CSV");
  cmd->add_option("--priors", o->priors, "population priors (FadePriors, from `fade fit-cohort`; default: built-in)");
  cmd->add_option("--params", o->params, "optics parameters file");
  cmd->add_option("--library", o->library, "pigment library (default data/pigments/default.textproto)");
  cmd->add_option("--years", o->years, "forecast horizon in years from --as-of")->capture_default_str();
  cmd->add_option("--trigger", o->trigger, "touch-up triggers, first to fire counts: contrast:LOSS[,de00:DE[/DE_DARK]]")
      ->capture_default_str();
  cmd->add_option("--draws", o->draws, "Monte Carlo parameter draws")->capture_default_str();
  cmd->add_option("--seed", o->seed, "random seed")->capture_default_str();
  cmd->add_option("--as-of", o->as_of, "today, YYYY-MM-DD (default $SHADECAST_TODAY, else the clock)");
  cmd->add_option("--fit-until-months", o->fit_until_months,
                  "fit only the follow-ups up to M months after the first session (back-tests)");
  cmd->add_option("--threads", o->threads, "batch threads (default: every core)");
  cmd->add_flag("--json", o->json, "JSON output");
  cmd->callback([&action, o] { action = [o] { return RunForecast(*o); }; });
}

}  // namespace

nlohmann::json ForecastClientJson(const ForecastCliOptions& o) {
  if (o.client.empty()) throw InputError("a client id is needed for its forecast");
  const ForecastSetup setup = LoadForecastSetup(o);
  return ForecastJson(ForecastClient(o, setup), setup.priors);
}

SHADECAST_REGISTER_COMMAND(60, "forecast", RegisterForecast);

}  // namespace shadecast::cli
