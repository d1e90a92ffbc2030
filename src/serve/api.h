#pragma once
// The chair-side app's JSON API (issue 21), free of the HTTP library: each handler parses its
// input, calls the same library functions as the CLI and serialises (the CLI's own JSON builders
// where the CLI has one: cli/records_json.h), so the page shows what `shadecast ... --json` says.
// docs/api.md lists every endpoint with an example.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "serve/jobs.h"
#include "serve/security.h"
#include "serve/sessions.h"

namespace shadecast::serve {

struct AppContext {
  std::string db;        // database path (as --db)
  std::string data_dir;  // uploads and reports live under it
  std::string as_of;     // today's date override (as --as-of; else $SHADECAST_TODAY or the clock)
  std::string version;
  SecurityConfig security;
  std::mutex db_mutex;   // one request at a time in the database (SQLite, one writer)
  std::unique_ptr<Jobs> jobs;  // long work with progress (serve/jobs.h)
  // Staff logins (issue 22): on with TLS. Off, the app is the loopback app of issue 21 (one CSRF
  // token per server run, no accounts).
  bool login_required = false;
  std::unique_ptr<Sessions> sessions;
  std::unique_ptr<LoginGate> login_gate;
  std::string dummy_hash;  // hashed against for unknown usernames (the same cost as a real one)
};

struct ApiResult {
  int status = 200;
  nlohmann::json body;
  std::vector<std::pair<std::string, std::string>> headers = {};  // e.g. Set-Cookie, Retry-After
};

// The cookie that carries a staff session: __Host- (Secure, Path=/, no Domain), HttpOnly,
// SameSite=Strict.
inline constexpr const char* kSessionCookie = "__Host-shadecast_session";
// The logged-in session of the request being handled on this thread (set by the server's checks
// before routing; empty without logins or before login).
std::optional<StaffSession>& RequestSession();

// GET /api/health
ApiResult ApiHealth(AppContext& app);
// GET /api/session: this server run's CSRF token, which every state-changing request carries in
// X-CSRF-Token (a foreign page cannot read it: no CORS headers, and the Host check stops DNS
// rebinding).
ApiResult ApiSession(AppContext& app);
// POST /api/login {"username", "password"}: a new session (cookie) and its CSRF token.
ApiResult ApiLogin(AppContext& app, const std::string& body, const std::string& remote_ip);
// POST /api/logout: ends this session.
ApiResult ApiLogout(AppContext& app);
// POST /api/password {"old_password", "new_password"}: ends every session of this member.
ApiResult ApiPassword(AppContext& app, const std::string& body, const std::string& remote_ip);
// GET /api/staff, POST /api/staff {"username", "role", "password"}, POST /api/staff/{name}/unlock
ApiResult ApiStaffList(AppContext& app);
ApiResult ApiStaffAdd(AppContext& app, const std::string& body);
ApiResult ApiStaffUnlock(AppContext& app, const std::string& username);
// GET /api/audit?client=ID (= `shadecast audit --json`)
ApiResult ApiAudit(AppContext& app, const std::string& client);
// GET /api/clients/{id}/export: the whole history (= `export` to .json)
ApiResult ApiExport(AppContext& app, const std::string& id);
// GET /api/clients (= `client list --json`)
ApiResult ApiListClients(AppContext& app);
// POST /api/clients {"client_id", "name", "uv", "oily", "scarring"} (= `client add`)
ApiResult ApiAddClient(AppContext& app, const std::string& body);
// GET /api/clients/{id} (= `client show --json`)
ApiResult ApiClient(AppContext& app, const std::string& id);
// DELETE /api/clients/{id} (= `client erase`)
ApiResult ApiEraseClient(AppContext& app, const std::string& id);
// GET /api/due?within=60d (= `due --json --within 60d`)
ApiResult ApiDue(AppContext& app, const std::string& within);

// A request body that must be a JSON object (else InputError).
nlohmann::json ParseJsonBody(const std::string& body);
// `id` when it matches [A-Za-z0-9_-]{1,64}, else InputError naming `what` ("client id", "room").
const std::string& RequireId(const std::string& id, const std::string& what);
// j[key] as a boolean (false when absent), else InputError naming the key.
bool BoolField(const nlohmann::json& j, const char* key);

// Runs a handler, turning the CLI's InputError into 400, an unknown client into 404 and anything
// else into 500, each with {"error": message}.
ApiResult Guarded(const std::function<ApiResult()>& handler);

}  // namespace shadecast::serve
