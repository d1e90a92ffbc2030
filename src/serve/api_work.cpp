#include "serve/api_work.h"

#include <filesystem>
#include <regex>

#include "cli/calibrate.h"
#include "cli/common.h"
#include "cli/consult.h"
#include "cli/followup.h"
#include "cli/pigment_list.h"
#include "cli/records.h"
#include "store/database.h"
#include "shadecast/app.pb.h"
#include "color/icc.h"
#include "store/files.h"
#include "store/image_header.h"
#include "store/message_io.h"

namespace shadecast::serve {
namespace {
namespace fs = std::filesystem;

nlohmann::json Body(const std::string& body) { return ParseJsonBody(body); }

std::string Id(const nlohmann::json& j, const char* key, bool required = true) {
  if (!j.contains(key)) {
    if (required) throw cli::InputError(std::string(key) + ": missing");
    return "";
  }
  if (!j[key].is_string()) throw cli::InputError(std::string(key) + ": expected a string");
  return RequireId(j[key].get<std::string>(), key);
}

std::string Text(const nlohmann::json& j, const char* key, size_t max_bytes = 200) {
  if (!j.contains(key)) return "";
  if (!j[key].is_string()) throw cli::InputError(std::string(key) + ": expected a string");
  std::string v = j[key].get<std::string>();
  if (v.size() > max_bytes) throw cli::InputError(std::string(key) + ": at most " + std::to_string(max_bytes) + " bytes");
  return v;
}

int Int(const nlohmann::json& j, const char* key, int fallback, int lo, int hi) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_number_integer()) throw cli::InputError(std::string(key) + ": expected a whole number");
  const int v = j[key].get<int>();
  if (v < lo || v > hi)
    throw cli::InputError(std::string(key) + ": expected " + std::to_string(lo) + " to " + std::to_string(hi));
  return v;
}

fs::path Dir(const AppContext& app, const char* sub) {
  const fs::path d = fs::path(app.data_dir) / sub;
  std::error_code ec;
  fs::create_directories(d, ec);
  if (ec) throw std::runtime_error("cannot create " + d.string() + ": " + ec.message());
  return d;
}

// The stored upload of an id, or a 400 naming it.
std::string UploadPath(const AppContext& app, const std::string& id) {
  for (const char* ext : {".jpg", ".png", ".tif"}) {
    const fs::path p = fs::path(app.data_dir) / "uploads" / (id + ext);
    if (fs::exists(p)) return p.string();
  }
  throw cli::InputError("upload_id '" + id + "': no such upload (send the photo to /api/uploads first)");
}

fs::path ProfilePath(const AppContext& app, const std::string& room) {
  return fs::path(app.data_dir) / "profiles" / (room + ".pb");
}

// The photo's colour source: a room's saved profile or the chart in the frame.
void ColourSource(const AppContext& app, const nlohmann::json& j, cli::MeasureCliOptions* m);

// What every photo request names: the client, the uploaded photo and its colour source.
std::string PhotoRequest(const AppContext& app, const nlohmann::json& j, cli::MeasureCliOptions* m) {
  const std::string client = Id(j, "client_id");
  m->image = UploadPath(app, Id(j, "upload_id"));
  ColourSource(app, j, m);
  return client;
}

void ColourSource(const AppContext& app, const nlohmann::json& j, cli::MeasureCliOptions* m) {
  const std::string room = Id(j, "profile", false);
  m->chart_in_frame = BoolField(j, "chart_in_frame");
  if (room.empty() == !m->chart_in_frame)
    throw cli::InputError("give a room's \"profile\" or \"chart_in_frame\": true (one of them)");
  if (!room.empty()) {
    const fs::path p = ProfilePath(app, room);
    if (!fs::exists(p)) throw cli::InputError("profile '" + room + "': no such room profile (calibrate the room first)");
    m->profile = p.string();
  }
}

// sRGB hex of an [L*, a*, b*] D50 array ("" when it is not one).
std::string Hex(const nlohmann::json& lab) {
  if (!lab.is_array() || lab.size() != 3 || !lab[0].is_number()) return "";
  const auto c = color::LabToSrgb8({lab[0].get<double>(), lab[1].get<double>(), lab[2].get<double>()});
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c[0], c[1], c[2]);
  return buf;
}

// Swatch colours (sRGB hex) for the page: the page sets them as SVG fill attributes (no inline
// style under the Content-Security-Policy).
nlohmann::json Swatches(const nlohmann::json& c) {
  nlohmann::json s = {{"stubble", Hex(c["follicle"]["near"]["lab"])},
                      {"skin", Hex(c["skin"]["lab"])},
                      {"predicted", Hex(c["recipe"]["predicted"]["near"]["lab"])}};
  nlohmann::json sessions = nlohmann::json::array();
  for (const auto& x : c["sessions"]) sessions.push_back(Hex(x["predicted_lab"]));
  s["sessions"] = sessions;
  return s;
}

// Keeps the photo with the client's record once the consultation or visit is stored.
void KeepPhoto(const AppContext& app, const std::string& client, const std::string& kind, const std::string& upload) {
  const fs::path src(upload);
  const fs::path dir = Dir(app, "clients") / client;
  fs::create_directories(dir);
  const fs::path dst = dir / (cli::Today(app.as_of) + "-" + kind + "-" + src.stem().string() + src.extension().string());
  store::WriteFileAtomic(dst, store::ReadFile(src));
}

}  // namespace

ApiResult ApiUpload(AppContext& app, const std::string& body) {
  std::string why;
  const auto h = store::ReadImageHeader(body, &why);
  if (!h) return {415, {{"error", "the upload is not a photo shadecast reads (" + why + "); send a JPEG, PNG or TIFF"}}};
  if (h->Pixels() > store::kMaxImagePixels)
    return {413, {{"error", "the photo is " + std::to_string(h->width) + " x " + std::to_string(h->height) +
                                " pixels, more than the " + std::to_string(store::kMaxImagePixels / 1'000'000) +
                                " megapixels the app decodes; resize it"}}};
  if (h->format == "jpeg" && h->components == 4)
    return {415, {{"error", "the photo is a CMYK JPEG (a print file, not a camera photo); send the camera's own JPEG"}}};
  const std::string id = "u" + NewToken().substr(0, 24);
  const std::string ext = h->format == "jpeg" ? ".jpg" : h->format == "png" ? ".png" : ".tif";
  const fs::path p = Dir(app, "uploads") / (id + ext);
  store::WriteFileAtomic(p, body);
  return {201, {{"upload_id", id}, {"format", h->format}, {"width", h->width}, {"height", h->height}, {"bytes", body.size()}}};
}

ApiResult ApiConsult(AppContext& app, const std::string& body) {
  const nlohmann::json j = Body(body);
  cli::ConsultOptions o;
  o.client = PhotoRequest(app, j, &o.measure);
  o.sessions = Int(j, "sessions", 3, 2, 4);
  o.interval_days = Int(j, "interval_days", 12, 10, 14);
  o.start = Text(j, "start", 10);
  o.db = app.db;
  o.as_of = app.as_of;
  o.draws = Int(j, "draws", 1000, 100, 5000);
  o.clinic_name = ClinicName(app);
  const std::string name = o.client + "-" + cli::Today(app.as_of) + "-" + NewToken().substr(0, 8) + ".html";
  o.report = (Dir(app, "reports") / name).string();
  std::string overlay;
  nlohmann::json r = cli::ConsultJson(o, &overlay);
  r["report_url"] = "/reports/" + name;
  const std::string png = name.substr(0, name.size() - 5) + ".png";
  store::WriteFileAtomic(Dir(app, "reports") / png, overlay);
  r["overlay_url"] = "/reports/" + png;
  KeepPhoto(app, o.client, "consultation", o.measure.image);
  r["swatches"] = Swatches(r);
  return {201, r};
}

ApiResult ApiVisit(AppContext& app, const std::string& body) {
  const nlohmann::json j = Body(body);
  cli::VisitOptions v;
  v.client = PhotoRequest(app, j, &v.measure);
  v.date = Text(j, "date", 10);
  v.db = app.db;
  v.as_of = app.as_of;
  nlohmann::json visit = cli::VisitAddJson(v);
  KeepPhoto(app, v.client, "visit", v.measure.image);
  cli::ForecastCliOptions f;
  f.client = v.client;
  f.db = app.db;
  f.as_of = app.as_of;
  f.draws = Int(j, "draws", 2000, 100, 5000);
  return {201, {{"visit", visit}, {"forecast", cli::ForecastClientJson(f)}}};
}

ApiResult ApiForecast(AppContext& app, const std::string& id, const std::string& body) {
  const nlohmann::json j = body.empty() ? nlohmann::json::object() : Body(body);
  cli::ForecastCliOptions f;
  f.client = RequireId(id, "client id");
  f.db = app.db;
  f.as_of = app.as_of;
  f.draws = Int(j, "draws", 2000, 100, 5000);
  f.years = Int(j, "years", 8, 1, 15);
  return {200, cli::ForecastClientJson(f)};
}

ApiResult ApiCalibrate(AppContext& app, const std::string& body) {
  const nlohmann::json j = Body(body);
  cli::CalibrateOptions o;
  o.image = UploadPath(app, Id(j, "upload_id"));
  const std::string room = Id(j, "room");
  o.camera = Text(j, "camera", 100);
  o.illuminant = Text(j, "illuminant", 40);
  o.force = BoolField(j, "force");
  o.as_of = app.as_of;
  Dir(app, "profiles");
  o.out = ProfilePath(app, room).string();
  o.icc = (fs::path(app.data_dir) / "profiles" / (room + ".icc")).string();
  try {
    nlohmann::json r = cli::CalibrateJson(o);
    r["room"] = room;
    return {201, r};
  } catch (const cli::NotThisChartError& e) {
    return {422, {{"error", e.what()}, {"refused", "not_this_chart"}}};
  } catch (const cli::PoorCalibrationError& e) {
    return {422, {{"error", e.what()}, {"refused", "poor"}}};
  }
}

ApiResult ApiCheckProfile(AppContext& app, const std::string& room, const std::string& body) {
  const nlohmann::json j = Body(body);
  RequireId(room, "room");
  cli::ProfileCheckOptions o;
  o.profile = ProfilePath(app, room).string();
  if (!fs::exists(o.profile)) throw cli::InputError("room '" + room + "': no profile (calibrate the room first)");
  o.image = UploadPath(app, Id(j, "upload_id"));
  nlohmann::json r = cli::ProfileCheckJson(o);
  r["room"] = room;
  return {200, r};
}

ApiResult ApiProfiles(AppContext& app) {
  nlohmann::json rooms = nlohmann::json::array();
  const fs::path d = fs::path(app.data_dir) / "profiles";
  std::vector<fs::path> files;
  if (fs::is_directory(d))
    for (const auto& e : fs::directory_iterator(d))
      if (e.path().extension() == ".pb" && IsValidId(e.path().stem().string())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    pb::CameraProfile prof;
    try {
      store::ReadMessage(p, &prof);
    } catch (const std::exception&) {
      continue;  // not a profile this version reads: not listed
    }
    const double loo = prof.loo().mean_de00();
    rooms.push_back({{"room", p.stem().string()}, {"camera", prof.camera()}, {"created", prof.created()},
                     {"model", pb::ColorModel_Name(prof.model())}, {"loo_mean_de00", loo},
                     {"verdict", cli::CalibrationVerdict(loo)}});
  }
  return {200, {{"profiles", rooms}}};
}

ApiResult ApiPigments(AppContext&) { return {200, cli::PigmentListJson("")}; }

namespace {
fs::path SettingsPath(const AppContext& app) { return fs::path(app.data_dir) / "settings.textproto"; }

pb::AppSettings LoadSettings(const AppContext& app) {
  pb::AppSettings s;
  if (fs::exists(SettingsPath(app))) store::ReadMessage(SettingsPath(app), &s);
  return s;
}
}  // namespace

std::string ClinicName(const AppContext& app) { return LoadSettings(app).clinic_name(); }

ApiResult ApiSettings(AppContext& app) {
  std::lock_guard<std::mutex> lock(app.db_mutex);
  return {200, {{"clinic_name", LoadSettings(app).clinic_name()}}};
}

ApiResult ApiPutSettings(AppContext& app, const std::string& body) {
  const nlohmann::json j = Body(body);
  pb::AppSettings s;
  s.set_clinic_name(Text(j, "clinic_name", 200));
  std::lock_guard<std::mutex> lock(app.db_mutex);
  Dir(app, "");
  store::WriteMessageAtomic(SettingsPath(app), s);
  return {200, {{"clinic_name", s.clinic_name()}}};
}

ApiResult ApiForecastAll(AppContext& app, const std::string& body) {
  const nlohmann::json j = body.empty() ? nlohmann::json::object() : Body(body);
  cli::ForecastCliOptions base;
  base.db = app.db;
  base.as_of = app.as_of;
  base.draws = Int(j, "draws", 2000, 100, 5000);
  const std::string id = app.jobs->Start("forecast-all", [base](const Progress& progress) {
    std::vector<std::string> ids;
    for (const auto& c : cli::OpenDatabase(base.db)->ListClients()) ids.push_back(c.id);
    nlohmann::json skipped = nlohmann::json::array();
    int forecast = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
      cli::ForecastCliOptions o = base;
      o.client = ids[i];
      try {
        cli::ForecastClientJson(o);
        ++forecast;
      } catch (const std::exception& e) {
        skipped.push_back({{"client_id", ids[i]}, {"error", e.what()}});
      }
      progress(static_cast<int>(i + 1), static_cast<int>(ids.size()));
    }
    return nlohmann::json{{"forecast", forecast}, {"skipped", skipped}};
  });
  return {202, {{"job_id", id}}};
}

ApiResult ApiImport(AppContext& app, const std::string& format, const std::string& body) {
  if (format != "textproto" && format != "json" && format != "csv")
    throw cli::InputError("format '" + format + "': expected textproto, json or csv (the history file's kind)");
  if (body.empty()) throw cli::InputError("the import is empty: send a history file as the body");
  const fs::path p = Dir(app, "imports") / ("i" + NewToken().substr(0, 24) + "." + format);
  store::WriteFileAtomic(p, body);
  cli::ImportOptions o;
  o.db = app.db;
  o.as_of = app.as_of;
  o.inputs = {p.string()};
  o.json = true;
  const std::string id = app.jobs->Start("import", [o](const Progress& progress) { return cli::ImportJson(o, progress); });
  return {202, {{"job_id", id}}};
}

ApiResult ApiJob(AppContext& app, const std::string& id) {
  RequireId(id, "job id");
  const auto s = app.jobs->Status(id);
  if (!s) return {404, {{"error", "no job '" + id + "' (jobs last until the server stops)"}}};
  return {200, *s};
}

namespace {
const std::regex kPhotoName(R"((\d{4}-\d{2}-\d{2})-(consultation|visit)-(u[0-9a-f]{24})\.(jpg|png|tif))");
}  // namespace

ApiResult ApiClientPhotos(AppContext& app, const std::string& id) {
  RequireId(id, "client id");
  std::vector<std::string> names;
  const fs::path dir = fs::path(app.data_dir) / "clients" / id;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  nlohmann::json photos = nlohmann::json::array();
  std::smatch m;
  for (const auto& n : names)
    if (std::regex_match(n, m, kPhotoName))
      photos.push_back({{"name", n}, {"date", m[1].str()}, {"kind", m[2].str()}, {"url", "/photos/" + id + "/" + n}});
  return {200, {{"client_id", id}, {"photos", photos}}};
}

int EraseClientFiles(const AppContext& app, const std::string& id) {
  int removed = 0;
  const fs::path root(app.data_dir);
  const fs::path dir = root / "clients" / id;
  std::smatch m;
  if (fs::is_directory(dir)) {
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string n = e.path().filename().string();
      if (std::regex_match(n, m, kPhotoName)) removed += fs::remove(root / "uploads" / (m[3].str() + "." + m[4].str()));
    }
    removed += static_cast<int>(fs::remove_all(dir));
  }
  const fs::path reports = root / "reports";
  if (fs::is_directory(reports)) {
    std::vector<fs::path> mine;
    for (const auto& e : fs::directory_iterator(reports)) {
      const std::string n = e.path().filename().string();
      static const std::regex tail(R"(\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.(html|png))");
      if (n.size() > id.size() + 1 && n.compare(0, id.size() + 1, id + "-") == 0 && std::regex_match(n.substr(id.size() + 1), tail))
        mine.push_back(e.path());
    }
    for (const auto& p : mine) removed += fs::remove(p);
  }
  return removed;
}

std::string PhotoPath(const AppContext& app, const std::string& client, const std::string& name) {
  if (!IsValidId(client) || !std::regex_match(name, kPhotoName)) return "";
  const fs::path p = fs::path(app.data_dir) / "clients" / client / name;
  return fs::exists(p) ? p.string() : "";
}

std::string ReportPath(const AppContext& app, const std::string& name) {
  static const std::regex ok(R"([A-Za-z0-9_-]{1,64}-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.(html|png))");
  if (!std::regex_match(name, ok)) return "";
  const fs::path p = fs::path(app.data_dir) / "reports" / name;
  return fs::exists(p) ? p.string() : "";
}

}  // namespace shadecast::serve
