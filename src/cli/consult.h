#pragma once
// The consultation as a library call (measure -> skin -> look match and session plan -> prior
// forecast -> report -> stored), shared by `shadecast consult` and the app's
// POST /api/consultations, so both give the same JSON for the same inputs.
#include <string>

#include <nlohmann/json.hpp>

#include "cli/measure_inputs.h"

namespace shadecast::cli {

struct ConsultOptions {
  MeasureCliOptions measure;
  std::string client, report, db, as_of, params, library, priors, units = "pct5", start;
  std::string clinic_name;  // printed on the report
  int sessions = 3, draws = 1000, interval_days = 12;
  long seed = 1;
  bool json = false;
};

// Runs the consultation, writes the report (when `report` is set) and records it in the database;
// returns what `shadecast consult --json` prints. Throws InputError for bad input.
// `overlay_png`, when given, receives the photo with the detected follicles drawn (PNG, at most
// 900 px on its long side: the report's picture).
nlohmann::json ConsultJson(const ConsultOptions& options, std::string* overlay_png = nullptr);

}  // namespace shadecast::cli
