// shadecast fade fit-cohort: re-estimate the fade model's population priors from a clinic's histories.
// shadecast fade backtest: fit each client on its first months and score the forecast against what
// came later (cli/backtest.h).
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/backtest.h"
#include "cli/batch.h"
#include "cli/commands.h"
#include "cli/fade_inputs.h"
#include "cli/history_csv.h"
#include "cli/inputs.h"
#include "cli/records.h"
#include "color/csv.h"
#include "fade/cohort.h"
#include "fade/date.h"
#include "shadecast/forecast.pb.h"
#include "store/files.h"
#include "store/message_io.h"

namespace shadecast::cli {
namespace {

inline constexpr int kExitSomeSkipped = 4;

struct FitCohortCliOptions {
  std::string histories, out, priors, params, library;
  int iterations = fade::CohortFitOptions{}.iterations;
  int threads = 0;
  bool json = false;
};

int RunFitCohort(const FitCohortCliOptions& o) {
  try {
    store::MessageFormatFromPath(o.out);
  } catch (const std::runtime_error& e) {
    throw InputError(std::string("--out: ") + e.what());
  }
  const fade::FadePriors start = LoadPriors(o.priors);
  const optics::ModelParams params = LoadModelParams(o.params);
  const auto lib = LoadLibrary(o.library);
  fade::CohortFitOptions co;
  co.iterations = o.iterations;
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  co.threads = o.threads > 0 ? o.threads : static_cast<int>(hw);
  std::string why;
  if (!co.IsValid(&why)) throw InputError("--iterations/--threads: " + why);

  const auto files = ListHistoryFiles(o.histories, "--histories");
  std::vector<fade::ClientData> clients;
  clients.reserve(files.size());
  int skipped = 0;
  for (const auto& f : files) {
    try {
      clients.push_back(fade::BuildClient(ReadHistory(f), lib->pigments, start, params, f.stem().string()));
    } catch (const std::exception& e) {
      ++skipped;
      std::fprintf(stderr, "shadecast: skipped %s: %s\n", f.string().c_str(), e.what());
    }
  }
  if (clients.empty()) throw InputError("--histories: no usable history in '" + o.histories + "'");
  std::vector<std::unique_ptr<fade::PreparedClient>> prepared;
  std::vector<const fade::PreparedClient*> ptrs;
  for (const auto& c : clients) {
    prepared.push_back(std::make_unique<fade::PreparedClient>(c));
    ptrs.push_back(prepared.back().get());
  }
  const fade::CohortFitResult r = fade::FitCohort(ptrs, start, co);
  pb::FadePriors msg;
  fade::ToProto(r.priors, &msg);
  store::WriteMessageAtomic(o.out, msg);
  if (o.json) {
    PrintJson({{"clients", r.clients},
               {"skipped", skipped},
               {"not_converged", r.not_converged},
               {"population_median_rate_per_year", r.population_median_rate},
               {"out", o.out},
               {"priors", MessageToJson(msg)}});
  } else {
    std::printf("%d clients (%d skipped, %d fits not converged in the last iteration)\n", r.clients, skipped,
                r.not_converged);
    std::printf("rate_per_year %.4f (log sd %.3f), population median %.4f /yr\n", r.priors.rate_per_year,
                r.priors.log_rate_sd, r.population_median_rate);
    std::printf("healing_loss %.3f, c_inf %.3f, deposit scale log mean %.3f sd %.3f\n", r.priors.healing_loss,
                r.priors.c_inf, r.priors.deposit_log_mean, r.priors.deposit_log_sd);
    std::printf("written %s\n", o.out.c_str());
  }
  return skipped > 0 ? kExitSomeSkipped : kExitOk;
}

// ---- backtest ----------------------------------------------------------------------------------
namespace fs = std::filesystem;

struct BacktestCliOptions {
  std::string db, truth, csv, priors, params, library;
  std::vector<std::string> histories;
  std::string horizons = "24,36,48";
  std::string trigger = "contrast:0.45";
  double fit_until_months = 12;
  double years = fade::ForecastOptions{}.years;
  int draws = fade::ForecastOptions{}.draws;
  int64_t seed = 1;
  int threads = 0;
  bool json = false;
};

// A history to back-test, or why it could not be read.
struct BacktestInput {
  std::string source, fallback_name;
  pb::ClientHistory history;
  std::string error;
};

std::vector<BacktestInput> LoadBacktestInputs(const BacktestCliOptions& o) {
  std::vector<BacktestInput> in;
  if (!o.histories.empty()) {
    if (!o.db.empty()) throw InputError("give --db or --histories, not both");
    for (const auto& f : CollectHistoryFiles(o.histories, "--histories")) {
      BacktestInput b{f.string(), f.stem().string(), {}, {}};
      try {
        b.history = ReadHistoryFile(f);
      } catch (const InputError& e) {
        b.error = e.what();
      }
      in.push_back(std::move(b));
    }
    if (in.empty()) throw InputError("--histories: no history files (.textproto, .json, .pb, .csv) found");
    return in;
  }
  // The clinic database, as other commands find it; never created here.
  const std::string path = DatabasePath(o.db);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw InputError("--db: no database '" + path + "' (give --db PATH, or --histories DIR_OR_FILES)");
  auto db = OpenDatabase(path);
  for (const auto& c : db->ListClients()) {
    BacktestInput b{c.id, c.id, {}, {}};
    try {
      b.history = db->History(c.id);
    } catch (const store::DatabaseError& e) {
      b.error = e.what();
    }
    in.push_back(std::move(b));
  }
  if (in.empty()) throw InputError("--db " + path + ": no clients to back-test");
  return in;
}

// client id -> true touch-up day (empty: none within the generator's search) from the truth.json of
// `synth cohort` (a file, or the folder holding it).
std::map<std::string, std::optional<int>> LoadTruth(const std::string& flag_value) {
  fs::path path = flag_value;
  std::error_code ec;
  if (fs::is_directory(path, ec)) path /= "truth.json";
  std::string text;
  try {
    text = store::ReadFile(path);
  } catch (const std::runtime_error& e) {
    throw InputError(std::string("--truth: ") + e.what());
  }
  const std::string what = "--truth " + path.string() + ": expected the truth.json of `shadecast synth cohort`";
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("clients") || !j["clients"].is_array())
    throw InputError(what + " (an object with a \"clients\" array)");
  std::map<std::string, std::optional<int>> truth;
  for (size_t i = 0; i < j["clients"].size(); ++i) {
    const auto& c = j["clients"][i];
    const std::string at = what + ": clients[" + std::to_string(i) + "]";
    if (!c.is_object() || !c.contains("client_id") || !c["client_id"].is_string() || !c.contains("touch_up_date"))
      throw InputError(at + " needs client_id and touch_up_date");
    std::optional<int> day;
    if (!c["touch_up_date"].is_null()) {
      int d = 0;
      if (!c["touch_up_date"].is_string() || !fade::TryParseDate(c["touch_up_date"].get<std::string>(), &d))
        throw InputError(at + ".touch_up_date: expected a date YYYY-MM-DD or null");
      day = d;
    }
    truth[c["client_id"].get<std::string>()] = day;
  }
  return truth;
}

BacktestOptions MakeBacktestOptions(const BacktestCliOptions& o) {
  if (o.seed < 0) throw InputError("--seed: expected a non-negative integer");
  BacktestOptions bo;
  bo.fit_until_months = o.fit_until_months;
  bo.horizons_months = ParseNumberList(o.horizons, "--horizons");
  bo.pipeline.forecast.years = o.years;
  bo.pipeline.forecast.draws = o.draws;
  bo.pipeline.forecast.seed = static_cast<uint64_t>(o.seed);
  bo.pipeline.forecast.as_of_day = 1;  // set per client; any valid day for the check
  try {
    bo.pipeline.forecast.triggers = fade::ParseTriggers(o.trigger);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--trigger: ") + e.what());
  }
  std::string why;
  if (!bo.IsValid(&why)) throw InputError("--fit-until-months/--horizons/--draws/--years: " + why);
  return bo;
}

nlohmann::json OptJson(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
std::string OptDate(const std::optional<int>& d) { return d ? fade::FormatDate(*d) : std::string(); }
std::string OptNum(const std::optional<double>& v, const char* fmt = "%.4g") {
  if (!v) return "";
  char b[32];
  std::snprintf(b, sizeof b, fmt, *v);
  return b;
}

nlohmann::json BacktestJson(const BacktestSummary& s, const std::vector<BacktestClient>& clients, const BacktestCliOptions& o) {
  nlohmann::json horizons = nlohmann::json::array();
  for (const auto& h : s.horizons)
    horizons.push_back({{"months", h.months},
                        {"visits", h.stats.visits},
                        {"median_de00", OptJson(h.stats.median_de00)},
                        {"median_de00_no_change", OptJson(h.stats.median_de00_no_change)},
                        {"band_coverage", OptJson(h.stats.band_coverage)}});
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& c : clients)
    if (!c.error.empty()) failures.push_back({{"source", c.source}, {"client_id", c.client_id}, {"reason", c.error}});
  nlohmann::json touch_up = nullptr;
  if (s.touch_up)
    touch_up = {{"clients_with_truth", s.touch_up->clients_with_truth},
                {"interval_coverage", OptJson(s.touch_up->interval_coverage)},
                {"median_abs_error_days", OptJson(s.touch_up->median_abs_error_days)}};
  return {{"clients", s.clients},         {"failed", s.failed},     {"failures", failures},
          {"fit_until_months", o.fit_until_months}, {"draws", o.draws}, {"horizons", horizons},
          {"touch_up", touch_up}};
}

void PrintBacktest(const BacktestSummary& s, const BacktestOptions& bo, int draws) {
  std::printf("Back-test of %d client%s (%d failed): each fitted on its first %g months (%d draws), its forecast "
              "compared with the follow-ups that came later.\n",
              s.clients, s.clients == 1 ? "" : "s", s.failed, bo.fit_until_months, draws);
  for (const auto& h : s.horizons) {
    const VisitStats& st = h.stats;
    if (st.visits == 0) {
      std::printf("At %g months (+-%g): no later follow-up near this horizon.\n", h.months, bo.horizon_window_months);
      continue;
    }
    std::printf("At %g months (+-%g): %d follow-up%s; the forecast's median dot was %.2f dE00 from the measured dot "
                "(median), assuming no change %.2f (%s); %.0f %% of the measured dots lay inside the forecast's "
                "10-90 %% band (80 %% expected).\n",
                h.months, bo.horizon_window_months, st.visits, st.visits == 1 ? "" : "s", *st.median_de00,
                *st.median_de00_no_change, *st.median_de00 < *st.median_de00_no_change ? "the forecast is better" : "no change is better",
                100 * *st.band_coverage);
  }
  if (!s.touch_up) return;
  if (s.touch_up->clients_with_truth == 0) {
    std::printf("Touch-up date: no back-tested client has a true date in the truth file.\n");
    return;
  }
  std::printf("Touch-up date: for the %d client%s with a true date, it lay inside the forecast's 10-90 %% interval for "
              "%.0f %% (80 %% expected); the median date was off by %.0f days (median).\n",
              s.touch_up->clients_with_truth, s.touch_up->clients_with_truth == 1 ? "" : "s",
              100 * *s.touch_up->interval_coverage, *s.touch_up->median_abs_error_days);
}

std::string BacktestCsv(const std::vector<BacktestClient>& clients) {
  std::ostringstream out;
  out << "source,client_id,status,reason,fit_follow_ups,later_follow_ups,median_de00,median_de00_no_change,band_coverage,"
         "baseline,touch_up_p10,touch_up,touch_up_p90,true_touch_up,abs_error_days,interval_covers_truth\n";
  for (const auto& c : clients) {
    out << color::CsvCell(c.source) << ',' << color::CsvCell(c.client_id) << ',';
    if (!c.error.empty()) {
      out << "failed," << color::CsvCell(c.error) << ",,,,,,,,,,,,\n";
      continue;
    }
    const VisitStats st = SummarizeVisits(c.visits);
    out << "ok,," << c.fit_follow_ups << ',' << st.visits << ',' << OptNum(st.median_de00) << ','
        << OptNum(st.median_de00_no_change) << ',' << OptNum(st.band_coverage) << ',' << c.baseline << ','
        << OptDate(c.p10_day) << ',' << OptDate(c.p50_day) << ',' << OptDate(c.p90_day) << ',' << OptDate(c.true_day)
        << ',';
    if (c.has_truth()) out << c.abs_error_days() << ',' << (c.interval_covers_truth() ? "true" : "false");
    else out << ',';
    out << '\n';
  }
  return out.str();
}

int RunBacktest(const BacktestCliOptions& o) {
  const BacktestOptions bo = MakeBacktestOptions(o);
  const fade::FadePriors priors = LoadPriors(o.priors);
  const optics::ModelParams params = LoadModelParams(o.params);
  const auto lib = LoadLibrary(o.library);
  std::optional<std::map<std::string, std::optional<int>>> truth;
  if (!o.truth.empty()) truth = LoadTruth(o.truth);
  const std::vector<BacktestInput> inputs = LoadBacktestInputs(o);

  std::vector<BacktestClient> results(inputs.size());
  RunBatch(inputs.size(), BatchThreads(o.threads), "backtest", true, [&](size_t i) {
    const BacktestInput& in = inputs[i];
    if (!in.error.empty()) {
      results[i].source = in.source;
      results[i].client_id = in.fallback_name;
      results[i].error = in.error;
      return;
    }
    std::optional<int> true_day;
    const std::string id = in.history.client_id().empty() ? in.fallback_name : in.history.client_id();
    if (truth)
      if (const auto it = truth->find(id); it != truth->end()) true_day = it->second;
    results[i] = BacktestHistory(in.history, lib->pigments, priors, params, bo, in.source, in.fallback_name, true_day);
  });
  const BacktestSummary s = Summarize(results, bo, truth.has_value());
  for (const auto& c : results)
    if (!c.error.empty()) std::fprintf(stderr, "shadecast: failed %s: %s\n", c.source.c_str(), c.error.c_str());
  if (!o.csv.empty()) {
    try {
      store::WriteFileAtomic(o.csv, BacktestCsv(results));
    } catch (const std::runtime_error& e) {
      throw InputError(std::string("--csv: ") + e.what());
    }
  }
  if (s.failed == s.clients)
    throw InputError("none of the " + std::to_string(s.clients) + " histories could be back-tested (each named above)");
  if (o.json)
    PrintJson(BacktestJson(s, results, o));
  else
    PrintBacktest(s, bo, o.draws);
  return kExitOk;
}

void RegisterBacktest(CLI::App* fade, Action& action) {
  auto o = std::make_shared<BacktestCliOptions>();
  CLI::App* c = fade->add_subcommand(
      "backtest",
      "Fit each client on its first months, forecast, and score the forecast against the later follow-ups (appearance "
      "at 24/36/48 months against no change, band coverage) and, with --truth, the true touch-up date");
  c->add_option("--db", o->db, "clinic database to back-test every client of (default $SHADECAST_DB or ./shadecast.db)");
  c->add_option("--histories", o->histories, "history files (.textproto, .json, .pb, .csv) or folders of them")
      ->expected(1, -1);
  c->add_option("--truth", o->truth, "truth.json of `synth cohort` (or its folder): score the touch-up dates too");
  c->add_option("--fit-until-months", o->fit_until_months,
                "the fit knows sessions and follow-ups up to M months after the first session; forecast as of then")
      ->capture_default_str();
  c->add_option("--horizons", o->horizons, "months after the first session to score at (+-3 months), comma-separated")
      ->capture_default_str();
  c->add_option("--draws", o->draws, "Monte Carlo parameter draws per forecast")->capture_default_str();
  c->add_option("--years", o->years, "forecast horizon in years from the cut")->capture_default_str();
  c->add_option("--trigger", o->trigger, "touch-up triggers, as for `forecast`")->capture_default_str();
  c->add_option("--seed", o->seed, "random seed")->capture_default_str();
  c->add_option("--priors", o->priors, "population priors (FadePriors; default: built-in)");
  c->add_option("--params", o->params, "optics parameters file");
  c->add_option("--library", o->library, "pigment library (default data/pigments/default.textproto)");
  c->add_option("--threads", o->threads, "threads (default: every core)");
  c->add_option("--csv", o->csv, "per-client results to this CSV file");
  c->add_flag("--json", o->json, "JSON summary");
  c->callback([&action, o] { action = [o] { return RunBacktest(*o); }; });
}

void RegisterFade(CLI::App& app, Action& action) {
  CLI::App* fade = app.add_subcommand("fade", "Fade model: population priors from a clinic's follow-ups, back-tests of the forecast");
  fade->require_subcommand(1);
  auto o = std::make_shared<FitCohortCliOptions>();
  CLI::App* fc = fade->add_subcommand("fit-cohort", "Re-estimate the population priors from many clients' histories");
  fc->add_option("--histories", o->histories, "folder of ClientHistory files")->required();
  fc->add_option("--out", o->out, "priors file to write (FadePriors .textproto/.pb/.json)")->required();
  fc->add_option("--priors", o->priors, "starting priors (default: built-in)");
  fc->add_option("--params", o->params, "optics parameters file");
  fc->add_option("--library", o->library, "pigment library (default data/pigments/default.textproto)");
  fc->add_option("--iterations", o->iterations, "EM iterations")->capture_default_str();
  fc->add_option("--threads", o->threads, "threads (default: every core)");
  fc->add_flag("--json", o->json, "JSON output");
  fc->callback([&action, o] { action = [o] { return RunFitCohort(*o); }; });
  RegisterBacktest(fade, action);
}

}  // namespace

SHADECAST_REGISTER_COMMAND(61, "fade", RegisterFade);

}  // namespace shadecast::cli
