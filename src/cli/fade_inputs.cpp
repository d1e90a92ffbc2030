#include "cli/fade_inputs.h"

#include "fade/date.h"

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

pb::Forecast ForecastMessage(const fade::ForecastResult& r, const std::string& client_id, const std::string& as_of,
                             double horizon_years, const std::string& note) {
  auto date = [](const std::optional<int>& d) { return d ? fade::FormatDate(*d) : std::string(); };
  pb::Forecast f;
  f.set_client_id(client_id);
  f.set_as_of(as_of);
  f.set_touchup_p10(date(r.touch_up.p10_day));
  f.set_touchup_p50(date(r.touch_up.p50_day));
  f.set_touchup_p90(date(r.touch_up.p90_day));
  f.set_p_no_touchup(r.touch_up.p_none_within_horizon);
  f.set_horizon_years(horizon_years);
  for (const auto& t : r.triggers) f.add_triggers(fade::TriggerToString(t));
  for (const auto& p : r.series) {
    auto* cp = f.add_curve();
    cp->set_years((p.day - r.last_session_day) / 365.25);
    cp->mutable_dot_lab_p50()->set_l(p.dot.p50[0]);
    cp->mutable_dot_lab_p50()->set_a(p.dot.p50[1]);
    cp->mutable_dot_lab_p50()->set_b(p.dot.p50[2]);
    cp->set_contrast_p10(p.contrast_de00.p10);
    cp->set_contrast_p50(p.contrast_de00.p50);
    cp->set_contrast_p90(p.contrast_de00.p90);
  }
  f.mutable_fit()->set_converged(r.fit.converged);
  f.mutable_fit()->set_message(note);
  return f;
}

}  // namespace shadecast::cli
