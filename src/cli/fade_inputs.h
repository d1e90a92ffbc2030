#pragma once
// Inputs the fade subcommands share: priors files, history folders.
#include <filesystem>
#include <string>
#include <vector>

#include "fade/priors.h"
#include "shadecast/history.pb.h"

namespace shadecast::cli {

// `--priors FILE` (a FadePriors message; empty = the documented defaults), validated.
fade::FadePriors LoadPriors(const std::string& path);
// Every history file (.textproto .txtpb .pbtxt .pb .binpb .json) directly in `dir`, sorted by name.
// InputError when `dir` is not a folder or holds none.
std::vector<std::filesystem::path> ListHistoryFiles(const std::string& dir, const std::string& flag);
// InputError naming the file when it cannot be read or parsed.
pb::ClientHistory ReadHistory(const std::filesystem::path& path);

}  // namespace shadecast::cli
