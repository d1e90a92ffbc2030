#pragma once
// A follow-up visit, a client's forecast and an import as library calls, shared by `shadecast
// visit add`, `forecast --client`, `import` and the app's POST /api/visits, /api/forecasts and
// /api/imports, so the page shows what the CLI's --json says for the same inputs.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/measure_inputs.h"

namespace shadecast::cli {

struct VisitOptions {
  std::string db, client, date, dot_lab, skin_lab, as_of;
  MeasureCliOptions measure;  // --image with --profile or --chart-in-frame: the dots are measured
  bool json = false;
};
// Records the visit (measuring the photo when one is given); returns what `visit add --json` prints.
nlohmann::json VisitAddJson(const VisitOptions& options);

struct ForecastCliOptions {
  std::string history, histories, csv, priors, params, library, as_of, client, db;
  std::string trigger = "contrast:0.45";
  double years = 8;
  int draws = 2000;
  int64_t seed = 1;
  double fit_until_months = -1;
  int threads = 0;
  bool json = false;
};
// `forecast --client ID --json` (the forecast is stored for `due`); `options.client` must be set.
nlohmann::json ForecastClientJson(const ForecastCliOptions& options);

struct ImportOptions {
  std::string db, as_of;
  std::string library;  // --library: the pigment library the sessions' inks must be in (default: shipped)
  std::vector<std::string> inputs;
  bool replace = false, json = false;
};
// `import --json` ({"imported": N}); `progress(done, total)` after each client.
nlohmann::json ImportJson(const ImportOptions& options, const std::function<void(int, int)>& progress);

}  // namespace shadecast::cli
