#include "serve/permissions.h"

#include <algorithm>
#include <regex>

namespace shadecast::serve {
namespace {

const std::vector<std::string> kAll{"technician", "front_desk", "manager"};
const std::vector<std::string> kClinical{"technician", "manager"};
const std::vector<std::string> kManager{"manager"};
const std::vector<std::string> kDesk{"front_desk", "manager"};

Permission Public(const char* m, const char* pat, const char* ex, const char* what) {
  return {m, pat, ex, what, Access::kPublic, {}};
}
Permission Staff(const char* m, const char* pat, const char* ex, const char* what) {
  return {m, pat, ex, what, Access::kAnyStaff, {}};
}
Permission Roles(const char* m, const char* pat, const char* ex, const char* what, const std::vector<std::string>& r) {
  return {m, pat, ex, what, Access::kRoles, r};
}

}  // namespace

const std::vector<Permission>& PermissionMatrix() {
  static const std::vector<Permission> rows{
      Public("GET", "/", "/", "the app's page"),
      Public("GET", "/static/app\\.(js|css)", "/static/app.js", "the page's script and style"),
      Public("GET", "/api/health", "/api/health", "is the app up"),
      Public("POST", "/api/login", "/api/login", "log in"),
      Public("GET", "/api/session", "/api/session", "who is logged in, and the CSRF token"),
      Staff("POST", "/api/logout", "/api/logout", "log out"),
      Staff("POST", "/api/password", "/api/password", "change one's own password"),
      Roles("GET", "/api/clients", "/api/clients", "list clients", kAll),
      Roles("POST", "/api/clients", "/api/clients", "add a client", kAll),
      Roles("GET", "/api/clients/[^/]+", "/api/clients/c1", "a client's history", kAll),
      Roles("DELETE", "/api/clients/[^/]+", "/api/clients/c1", "erase a client with their photos and reports", kManager),
      Roles("GET", "/api/clients/[^/]+/photos", "/api/clients/c1/photos", "a client's photos", kClinical),
      Roles("GET", "/api/clients/[^/]+/export", "/api/clients/c1/export", "export a client's whole history", kManager),
      Roles("GET", "/api/due", "/api/due", "who is due for a touch-up", kAll),
      Roles("POST", "/api/uploads", "/api/uploads", "upload a photo", kClinical),
      Roles("POST", "/api/consultations", "/api/consultations", "consult (measure, match, plan)", kClinical),
      Roles("POST", "/api/visits", "/api/visits", "record a follow-up visit", kClinical),
      Roles("POST", "/api/forecasts/[^/]+", "/api/forecasts/c1", "forecast a client's touch-up", kAll),
      Roles("POST", "/api/calibrations", "/api/calibrations", "calibrate a room's camera", kManager),
      Roles("POST", "/api/profiles/[^/]+/check", "/api/profiles/room1/check", "re-check a room's calibration", kClinical),
      Roles("GET", "/api/profiles", "/api/profiles", "the rooms' camera profiles", kAll),
      Roles("POST", "/api/jobs/forecast-all", "/api/jobs/forecast-all", "forecast every client (batch)", kDesk),
      Roles("POST", "/api/imports", "/api/imports", "import histories", kManager),
      Roles("GET", "/api/jobs/[^/]+", "/api/jobs/j1", "a background job's progress", kAll),
      Roles("GET", "/api/pigments", "/api/pigments", "the ink library", kAll),
      Roles("GET", "/api/settings", "/api/settings", "the clinic's settings", kAll),
      Roles("PUT", "/api/settings", "/api/settings", "change the clinic's settings", kManager),
      Roles("GET", "/photos/[^/]+/[^/]+", "/photos/c1/p.jpg", "a photo", kClinical),
      Roles("GET", "/reports/[^/]+", "/reports/r.html", "a consultation report", kClinical),
      Roles("GET", "/api/staff", "/api/staff", "list staff accounts", kManager),
      Roles("POST", "/api/staff", "/api/staff", "add a staff account", kManager),
      Roles("POST", "/api/staff/[^/]+/unlock", "/api/staff/jo/unlock", "unlock a locked account", kManager),
      Roles("GET", "/api/audit", "/api/audit", "the audit log", kManager),
  };
  return rows;
}

const Permission* FindPermission(const std::string& method, const std::string& path) {
  // The first matching row wins: the more specific routes come before the general ones where a
  // path could match both (none do today: patterns are anchored and [^/]+ stops at a slash).
  static const std::vector<std::regex> compiled = [] {
    std::vector<std::regex> out;
    for (const auto& p : PermissionMatrix()) out.emplace_back(p.pattern);
    return out;
  }();
  const auto& rows = PermissionMatrix();
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].method == method && std::regex_match(path, compiled[i])) return &rows[i];
  return nullptr;
}

bool Allows(const Permission& p, const std::string& role) {
  if (p.access != Access::kRoles) return true;
  return std::find(p.roles.begin(), p.roles.end(), role) != p.roles.end();
}

std::optional<Refusal> CheckAccess(const RequestHead& req, const std::optional<StaffSession>& session) {
  const Permission* p = FindPermission(req.method == "HEAD" ? "GET" : req.method, req.path);
  if (p && p->access == Access::kPublic) return std::nullopt;
  if (!session) return Refusal{401, "log in first (your session has ended or you have not logged in)"};
  if (p && !Allows(*p, session->role)) {
    std::string who;
    for (const auto& r : p->roles) who += (who.empty() ? "" : " or ") + r;
    return Refusal{403, "refused: a " + session->role + " may not " + p->what + " (only " + who + ")"};
  }
  if (IsStateChanging(req.method)) {
    const std::string token = req.header("X-CSRF-Token");
    if (token.empty()) return Refusal{403, "refused: the request has no X-CSRF-Token (reload the page)"};
    if (!ConstantTimeEqual(token, session->csrf))
      return Refusal{403, "refused: the X-CSRF-Token is not this session's (reload the page)"};
  }
  return std::nullopt;
}

}  // namespace shadecast::serve
