#pragma once
// Registration of every subcommand on the top-level app.
#include "cli/common.h"

namespace shadecast::cli {

void RegisterColor(CLI::App& app, Action& action);

}  // namespace shadecast::cli
