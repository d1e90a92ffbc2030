// shadecast info: version and where the shipped data are read from.
#include <cstdio>

#include "cli/commands.h"
#include "color/colorimetry.h"
#include "store/data_paths.h"

namespace shadecast::cli {
namespace {

struct InfoOptions {
  bool json = false;
};

int RunInfo(const InfoOptions& o) {
  const std::string share = store::ShareDir().string();
  if (o.json) {
    PrintJson({{"version", SHADECAST_VERSION}, {"data_dir", share}, {"illuminants", color::CieIlluminantNames()}});
  } else {
    std::printf("shadecast %s\ndata: %s\n", SHADECAST_VERSION, share.c_str());
  }
  return kExitOk;
}

void RegisterInfo(CLI::App& app, Action& action) {
  auto o = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand("info", "Version and where the shipped data are read from");
  cmd->add_flag("--json", o->json, "JSON: version, data_dir, illuminants");
  cmd->callback([&action, o] { action = [o] { return RunInfo(*o); }; });
}

}  // namespace

SHADECAST_REGISTER_COMMAND(95, "info", RegisterInfo);

}  // namespace shadecast::cli
