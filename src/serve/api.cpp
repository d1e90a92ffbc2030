#include "serve/api.h"
#include "serve/api_work.h"

#include <cmath>

#include "cli/common.h"
#include "cli/records.h"
#include "cli/records_json.h"
#include "store/database.h"

namespace shadecast::serve {
namespace {

ApiResult Error(int status, const std::string& message) { return {status, {{"error", message}}}; }

}  // namespace

nlohmann::json ParseJsonBody(const std::string& body) {
  try {
    nlohmann::json j = nlohmann::json::parse(body);
    if (!j.is_object()) throw cli::InputError("the request body must be a JSON object");
    return j;
  } catch (const nlohmann::json::parse_error& e) {
    throw cli::InputError(std::string("the request body is not JSON: ") + e.what());
  }
}

const std::string& RequireId(const std::string& id, const std::string& what) {
  if (!IsValidId(id)) throw cli::InputError(what + " '" + id + "': use 1-64 letters, digits, '_' or '-'");
  return id;
}

bool BoolField(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return false;
  if (!j[key].is_boolean()) throw cli::InputError(std::string(key) + ": expected true or false");
  return j[key].get<bool>();
}

namespace {

std::string CheckedId(const std::string& id) { return RequireId(id, "client id"); }

double Number(const nlohmann::json& j, const char* key, double fallback, double lo, double hi) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_number()) throw cli::InputError(std::string(key) + ": expected a number");
  const double v = j[key].get<double>();
  if (!std::isfinite(v) || v < lo || v > hi)
    throw cli::InputError(std::string(key) + ": expected a number from " + std::to_string(lo).substr(0, 4) + " to " +
                          std::to_string(hi).substr(0, 4));
  return v;
}


}  // namespace

ApiResult Guarded(const std::function<ApiResult()>& handler) {
  try {
    return handler();
  } catch (const cli::InputError& e) {
    return Error(400, e.what());
  } catch (const store::DatabaseError& e) {
    const std::string m = e.what();
    return Error(m.find("no client") != std::string::npos ? 404 : 500, m);
  } catch (const std::exception& e) {
    return Error(500, std::string("internal error: ") + e.what());
  }
}

ApiResult ApiHealth(AppContext& app) { return {200, {{"ok", true}, {"version", app.version}}}; }

ApiResult ApiSession(AppContext& app) {
  if (!app.login_required) return {200, {{"csrf_token", app.security.csrf_token}, {"login_required", false}}};
  const auto& s = RequestSession();
  if (!s) return {401, {{"error", "log in first"}, {"login_required", true}}};
  return {200, {{"csrf_token", s->csrf}, {"login_required", true}, {"user", s->username}, {"role", s->role}}};
}

ApiResult ApiListClients(AppContext& app) {
  std::lock_guard<std::mutex> lock(app.db_mutex);
  return {200, cli::ClientsJson(cli::OpenDatabase(app.db)->ListClients())};
}

ApiResult ApiAddClient(AppContext& app, const std::string& body) {
  const nlohmann::json j = ParseJsonBody(body);
  if (!j.contains("client_id") || !j["client_id"].is_string()) throw cli::InputError("client_id: expected a string");
  const std::string id = CheckedId(j["client_id"].get<std::string>());
  std::string name;
  if (j.contains("name")) {
    if (!j["name"].is_string()) throw cli::InputError("name: expected a string");
    name = j["name"].get<std::string>();  // free text, stored verbatim, never a path
    if (name.size() > 200) throw cli::InputError("name: at most 200 bytes");
  }
  pb::Covariates cov;
  cov.set_uv_exposure(Number(j, "uv", 1.0, 0.0, 2.0));
  cov.set_ita_deg(Number(j, "ita", 0.0, -90.0, 90.0));
  cov.set_oily_scalp(BoolField(j, "oily"));
  cov.set_scarring(BoolField(j, "scarring"));
  const std::string today = cli::Today(app.as_of);
  std::lock_guard<std::mutex> lock(app.db_mutex);
  auto db = cli::OpenDatabase(app.db);
  if (db->HasClient(id)) return Error(409, "client '" + id + "' already exists");
  db->AddClient(id, name, cov, today);
  return {201, {{"client_id", id}, {"name", name}, {"created", today}}};
}

ApiResult ApiClient(AppContext& app, const std::string& id) {
  CheckedId(id);
  std::lock_guard<std::mutex> lock(app.db_mutex);
  return {200, cli::MessageToJson(cli::OpenDatabase(app.db)->History(id))};
}

ApiResult ApiEraseClient(AppContext& app, const std::string& id) {
  CheckedId(id);
  std::lock_guard<std::mutex> lock(app.db_mutex);
  if (!cli::OpenDatabase(app.db)->EraseClient(id)) return Error(404, "no client '" + id + "'");
  const int files = EraseClientFiles(app, id);  // photos, their uploads, reports and overlays
  return {200, {{"erased", id}, {"files_removed", files}}};
}

ApiResult ApiDue(AppContext& app, const std::string& within) {
  const int days = cli::ParseWithinDays(within.empty() ? "60d" : within);
  const std::string today = cli::Today(app.as_of);
  const std::string until = cli::AddDays(today, days);
  std::lock_guard<std::mutex> lock(app.db_mutex);
  return {200, cli::DueJson(cli::OpenDatabase(app.db)->Due(until), today, until)};
}

}  // namespace shadecast::serve
