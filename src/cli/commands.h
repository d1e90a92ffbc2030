#pragma once
// Subcommand registry. Each cmd_*.cpp registers itself with a static SHADECAST_REGISTER_COMMAND, so a
// new subcommand needs no edit elsewhere; the CLI is an OBJECT library, so nothing is dropped by
// the linker.
#include "cli/common.h"

namespace shadecast::cli {

// Adds a top-level subcommand (and its children) to `app`; it sets `action` when it is chosen.
using RegisterFn = void (*)(CLI::App& app, Action& action);

// Registration in a fixed order (by `order`, then name) so --help is stable.
bool AddCommand(int order, const char* name, RegisterFn fn);
void RegisterAll(CLI::App& app, Action& action);

}  // namespace shadecast::cli

#define SHADECAST_REGISTER_COMMAND(order, name, fn) \
  static const bool shadecast_registered_##fn = ::shadecast::cli::AddCommand(order, name, fn)
