// The permission matrix (src/serve/permissions.cpp) against docs/api.md's table, and the access
// check's order: public rows, then session (401), then role (403), then the session's CSRF token.
// Reference: issue 22's roles and docs/api.md "Permission matrix".
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>

#include "serve/permissions.h"

using shadecast::serve::Access;
using shadecast::serve::CheckAccess;
using shadecast::serve::FindPermission;
using shadecast::serve::PermissionMatrix;
using shadecast::serve::RequestHead;
using shadecast::serve::StaffSession;

namespace {

std::string DocLine(const shadecast::serve::Permission& p) {
  std::string path = std::regex_replace(p.pattern, std::regex(R"(\[\^/\]\+)"), "{id}");
  path = std::regex_replace(path, std::regex(R"(\\\.\(js\|css\))"), ".{js,css}");
  std::string line = "| " + p.method + " | `" + path + "` | " + p.what + " |";
  for (const char* role : {"technician", "front_desk", "manager"})
    line += p.access == Access::kPublic ? " anyone |" : shadecast::serve::Allows(p, role) ? " yes |" : " — |";
  return line;
}

RequestHead Head(const std::string& method, const std::string& path, std::map<std::string, std::string> headers = {}) {
  RequestHead h;
  h.method = method;
  h.path = path;
  h.header = [headers](const std::string& k) {
    auto it = headers.find(k);
    return it == headers.end() ? std::string() : it->second;
  };
  h.has_header = [headers](const std::string& k) { return headers.count(k) > 0; };
  return h;
}

}  // namespace

TEST_CASE("docs/api.md shows the permission matrix the server enforces") {
  std::ifstream f(std::string(SHADECAST_REPO_DIR) + "/docs/api.md");
  const std::string doc((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  REQUIRE(!doc.empty());
  for (const auto& p : PermissionMatrix()) {
    INFO(DocLine(p));
    CHECK(doc.find(DocLine(p) + "\n") != std::string::npos);
  }
  // And no row in the document that the table lacks: count the table's lines.
  const auto start = doc.find("| Method | Path | What | technician | front desk | manager |");
  REQUIRE(start != std::string::npos);
  const auto end = doc.find("\n\n", start);
  const std::string table = doc.substr(start, end - start);
  CHECK(std::count(table.begin(), table.end(), '\n') + 1 == static_cast<long>(PermissionMatrix().size()) + 2);
}

TEST_CASE("every example path finds its own row and the roles are as issue 22 asks") {
  for (const auto& p : PermissionMatrix()) {
    const auto* found = FindPermission(p.method, p.example);
    INFO(p.method << " " << p.example);
    REQUIRE(found);
    CHECK(found == &p);
  }
  auto roles = [](const char* m, const char* path) { return FindPermission(m, path)->roles; };
  using V = std::vector<std::string>;
  CHECK(roles("DELETE", "/api/clients/x") == V{"manager"});            // erase
  CHECK(roles("POST", "/api/calibrations") == V{"manager"});           // calibrate
  CHECK(roles("POST", "/api/staff") == V{"manager"});                  // manage staff
  CHECK(roles("GET", "/api/clients/x/export") == V{"manager"});        // export
  CHECK(roles("POST", "/api/consultations") == V{"technician", "manager"});  // consult
  CHECK(FindPermission("GET", "/api/clients/x/y/z") == nullptr);
  CHECK(FindPermission("PATCH", "/api/clients") == nullptr);
}

TEST_CASE("access: public rows pass, then 401 without a session, 403 for the role, 403 without the session's token") {
  StaffSession desk{"sid", "tok", 2, "fd", "front_desk", 0, 0};
  CHECK(!CheckAccess(Head("POST", "/api/login"), std::nullopt));
  CHECK(!CheckAccess(Head("GET", "/"), std::nullopt));
  CHECK(CheckAccess(Head("GET", "/api/clients"), std::nullopt)->status == 401);
  CHECK(CheckAccess(Head("GET", "/api/nothing-here"), std::nullopt)->status == 401);  // unknown: still needs login
  CHECK(!CheckAccess(Head("GET", "/api/nothing-here"), desk));                        // then 404 from the router
  CHECK(!CheckAccess(Head("GET", "/api/clients"), desk));
  CHECK(!CheckAccess(Head("HEAD", "/api/clients"), desk));
  const auto erase = CheckAccess(Head("DELETE", "/api/clients/c1", {{"X-CSRF-Token", "tok"}}), desk);
  REQUIRE(erase);
  CHECK(erase->status == 403);
  CHECK_THAT(erase->message, Catch::Contains("front_desk may not erase"));
  CHECK(CheckAccess(Head("POST", "/api/clients"), desk)->status == 403);                                // no token
  CHECK(CheckAccess(Head("POST", "/api/clients", {{"X-CSRF-Token", "other"}}), desk)->status == 403);   // another's
  CHECK(!CheckAccess(Head("POST", "/api/clients", {{"X-CSRF-Token", "tok"}}), desk));
}
