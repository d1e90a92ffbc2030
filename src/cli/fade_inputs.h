#pragma once
// Inputs the fade subcommands share: priors files, history folders.
#include <filesystem>
#include <string>
#include <vector>

#include "fade/forecast.h"
#include "fade/priors.h"
#include "shadecast/forecast.pb.h"
#include "shadecast/history.pb.h"

namespace shadecast::cli {

// `--priors FILE` (a FadePriors message; empty = the documented defaults), validated.
fade::FadePriors LoadPriors(const std::string& path);
// Every history file (.textproto .txtpb .pbtxt .pb .binpb .json) directly in `dir`, sorted by name.
// InputError when `dir` is not a folder or holds none.
std::vector<std::filesystem::path> ListHistoryFiles(const std::string& dir, const std::string& flag);
// InputError naming the file when it cannot be read or parsed.
pb::ClientHistory ReadHistory(const std::filesystem::path& path);

// The forecast as it is stored (touch-up dates ISO, the contrast curve by years after the last
// session).
pb::Forecast ForecastMessage(const fade::ForecastResult& r, const std::string& client_id, const std::string& as_of,
                             double horizon_years, const std::string& note);

}  // namespace shadecast::cli
