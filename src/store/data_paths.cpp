#include "store/data_paths.h"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <vector>

namespace shadecast::store {
namespace fs = std::filesystem;

namespace {
std::vector<fs::path> Candidates() {
  std::vector<fs::path> out;
  if (const char* env = std::getenv("SHADECAST_DATA_DIR"); env && *env) out.emplace_back(env);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back(exe.parent_path().parent_path() / SHADECAST_SHARE_SUBDIR);
  out.emplace_back(SHADECAST_SOURCE_DIR);
  return out;
}
}  // namespace

fs::path ShareDir() {
  std::string tried;
  for (const fs::path& p : Candidates()) {
    std::error_code ec;
    if (fs::is_directory(p / "data", ec) && fs::is_directory(p / "calibration", ec)) return p;
    tried += "\n  " + p.string();
  }
  throw std::runtime_error("cannot find shadecast's data folder (data/ and calibration/); tried:" + tried +
                           "\nset SHADECAST_DATA_DIR to the folder that holds them");
}

fs::path DataFile(const std::string& relative) {
  fs::path p = ShareDir() / relative;
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) throw std::runtime_error("shipped data file missing: " + p.string());
  return p;
}

bool LooksLikePath(const std::string& arg) {
  if (arg.find('/') != std::string::npos) return true;
  for (const char* ext : {".csv", ".textproto", ".pb", ".json", ".txt"}) {
    const std::string e(ext);
    if (arg.size() > e.size() && arg.compare(arg.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

}  // namespace shadecast::store
