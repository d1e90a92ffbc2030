#include "cli/fade_inputs.h"

#include <algorithm>

#include "cli/common.h"
#include "shadecast/forecast.pb.h"
#include "store/message_io.h"

namespace shadecast::cli {

fade::FadePriors LoadPriors(const std::string& path) {
  fade::FadePriors p;
  if (!path.empty()) {
    pb::FadePriors m;
    try {
      store::ReadMessage(path, &m);
    } catch (const std::runtime_error& e) {
      throw InputError(std::string("--priors: ") + e.what());
    }
    p = fade::FromProto(m);
  }
  std::string why;
  if (!p.IsValid(&why)) throw InputError("--priors " + path + ": " + why);
  return p;
}

std::vector<std::filesystem::path> ListHistoryFiles(const std::string& dir, const std::string& flag) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(flag + ": '" + dir + "' is not a folder");
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    const std::string ext = e.path().extension().string();
    if (ext == ".textproto" || ext == ".txtpb" || ext == ".pbtxt" || ext == ".pb" || ext == ".binpb" || ext == ".json")
      out.push_back(e.path());
  }
  if (ec) throw InputError(flag + ": cannot list '" + dir + "': " + ec.message());
  if (out.empty()) throw InputError(flag + ": no history files (.textproto, .pb, .json) in '" + dir + "'");
  std::sort(out.begin(), out.end());
  return out;
}

pb::ClientHistory ReadHistory(const std::filesystem::path& path) {
  pb::ClientHistory h;
  try {
    store::ReadMessage(path, &h);
  } catch (const std::runtime_error& e) {
    throw InputError(e.what());
  }
  return h;
}

}  // namespace shadecast::cli
