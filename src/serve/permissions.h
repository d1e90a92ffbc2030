#pragma once
// Who may do what in the app (issue 22): the permission matrix as data. docs/api.md shows the same
// table ("Permission matrix"); a test checks that the two agree and that the server enforces every
// row for every role. No I/O here.
#include <optional>
#include <string>
#include <vector>

#include "serve/security.h"
#include "serve/sessions.h"

namespace shadecast::serve {

// The three staff roles and "anyone" (no login needed: the pages, health, login itself).
enum class Access { kPublic, kAnyStaff, kRoles };

struct Permission {
  std::string method;        // GET, POST, PUT, DELETE
  std::string pattern;       // the route as a regular expression over the path
  std::string example;       // a concrete path for tests and docs
  std::string what;          // plain words: "erase a client and their photos and reports"
  Access access = Access::kRoles;
  std::vector<std::string> roles;  // for kRoles: technician, front_desk, manager
};

// Every route of the app, in the order of docs/api.md.
const std::vector<Permission>& PermissionMatrix();
// The row whose method and pattern match, or nullptr (an unknown route: 404 as before).
const Permission* FindPermission(const std::string& method, const std::string& path);
// True when `role` may use the row (a public or any-staff row: every role).
bool Allows(const Permission& p, const std::string& role);

// With logins on: the request against the matrix. Public rows pass (login needs no session);
// anything else needs a live `session` (401), a role the row allows (403) and, when it changes
// state, the session's own CSRF token (403). An unknown route with a session passes (it is 404).
std::optional<Refusal> CheckAccess(const RequestHead& req, const std::optional<StaffSession>& session);

}  // namespace shadecast::serve
