// libFuzzer target (issue 23): command-line parsing only. The input, split at NUL bytes, is argv
// after "shadecast"; every subcommand is registered as in the program and the line is parsed, but
// the chosen action is never run.
#include <CLI/CLI.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/commands.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args{"shadecast"};
  std::string cur;
  for (size_t i = 0; i < size && args.size() < 40; ++i) {
    if (data[i] == 0) {
      args.push_back(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(data[i]);
    }
  }
  if (!cur.empty()) args.push_back(cur);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  CLI::App app{"shadecast"};
  app.require_subcommand(1);
  shadecast::cli::Action action;
  shadecast::cli::RegisterAll(app, action);
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::Error&) {
  } catch (const std::exception&) {
  }
  return 0;
}
