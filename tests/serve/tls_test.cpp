// The app on the clinic's network (issue 22): `shadecast serve --bind 0.0.0.0 --port 0` with a
// throwaway certificate (openssl, made per test), staff accounts made with the CLI, and requests
// with cpp-httplib's HTTPS client, which verifies the certificate. References: the permission
// matrix of src/serve/permissions.cpp (the same table as docs/api.md, compared in
// permissions_test.cpp) and the rules of issue 22 (cookie flags, 401 / 403, rate limit, expiry).
#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "serve/permissions.h"
#include "serve/serve_support.h"
#include "support/test_support.h"

using shadecast::test::Json;
using shadecast::test::RunShadecast;
using shadecast::test::Server;
using shadecast::test::TempDir;

namespace {

struct Clinic {
  TempDir dir;
  std::string db, cert, key;
  Clinic() {
    db = (dir / "c.db").string();
    cert = (dir / "cert.pem").string();
    key = (dir / "key.pem").string();
    const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "
                            "/CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" +
                            key + "' -out '" + cert + "' 2>/dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  void AddStaff(const std::string& name, const std::string& role) const {
    const std::string pw = (dir / ("pw-" + name)).string();
    std::ofstream(pw) << Password(name) << "\n";
    const auto r = RunShadecast("staff add " + name + " --role " + role + " --password-file '" + pw + "' --db '" + db + "'");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  static std::string Password(const std::string& name) { return "correct horse " + name; }
  std::vector<std::string> Flags(std::vector<std::string> more = {}) const {
    std::vector<std::string> f{"--bind", "0.0.0.0", "--tls-cert", cert, "--tls-key", key};
    f.insert(f.end(), more.begin(), more.end());
    return f;
  }
};

struct Login {
  std::string cookie, csrf, set_cookie;
  int status = 0;
};

Login LogIn(const Server& s, const std::string& user, const std::string& password) {
  auto c = s.Client();
  auto r = c.Post("/api/login", nlohmann::json{{"username", user}, {"password", password}}.dump(), "application/json");
  REQUIRE(r);
  Login l;
  l.status = r->status;
  if (r->status != 200) return l;
  l.set_cookie = r->get_header_value("Set-Cookie");
  const auto eq = l.set_cookie.find('='), semi = l.set_cookie.find(';');
  REQUIRE(eq != std::string::npos);
  l.cookie = l.set_cookie.substr(0, semi);
  l.csrf = Json(r)["csrf_token"].get<std::string>();
  return l;
}

httplib::Headers As(const Login& l) { return {{"Cookie", l.cookie}, {"X-CSRF-Token", l.csrf}}; }

httplib::Result Send(httplib::Client& c, const std::string& method, const std::string& path, const httplib::Headers& h) {
  const std::string body = "{}";
  if (method == "GET") return c.Get(path.c_str(), h);
  if (method == "POST") return c.Post(path.c_str(), h, body, "application/json");
  if (method == "PUT") return c.Put(path.c_str(), h, body, "application/json");
  return c.Delete(path.c_str(), h);
}

}  // namespace

TEST_CASE("on the clinic's network the app needs TLS and a manager account, and says how") {
  Clinic k;
  auto plain = RunShadecast("serve --bind 0.0.0.0 --port 0 --db '" + k.db + "'");
  CHECK(plain.exit_code == 2);
  CHECK_THAT(plain.err, Catch::Contains("--tls-cert"));
  auto half = RunShadecast("serve --bind 0.0.0.0 --port 0 --tls-cert '" + k.cert + "' --db '" + k.db + "'");
  CHECK(half.exit_code == 2);
  CHECK_THAT(half.err, Catch::Contains("go together"));
  auto nobody = RunShadecast("serve --bind 0.0.0.0 --port 0 --tls-cert '" + k.cert + "' --tls-key '" + k.key + "' --db '" + k.db + "'");
  CHECK(nobody.exit_code == 2);
  CHECK_THAT(nobody.err, Catch::Contains("staff add") && Catch::Contains("--role manager"));
  k.AddStaff("tess", "technician");  // a technician alone is not enough: nobody could add staff
  nobody = RunShadecast("serve --bind 0.0.0.0 --port 0 --tls-cert '" + k.cert + "' --tls-key '" + k.key + "' --db '" + k.db + "'");
  CHECK(nobody.exit_code == 2);
  k.AddStaff("mona", "manager");
  auto bad_cert = RunShadecast("serve --bind 0.0.0.0 --port 0 --tls-cert '" + k.key + "' --tls-key '" + k.key + "' --db '" + k.db + "'");
  CHECK(bad_cert.exit_code == 2);
  CHECK_THAT(bad_cert.err, Catch::Contains("not a PEM certificate"));
}

TEST_CASE("over TLS plain HTTP gets no answer and no session gets 401") {
  Clinic k;
  k.AddStaff("mona", "manager");
  Server s(k.db, k.Flags());
  REQUIRE(s.tls());
  httplib::Client plain("127.0.0.1", s.port());
  plain.set_read_timeout(5, 0);
  auto p = plain.Get("/api/health");
  CHECK(!p);  // the TLS handshake fails: no HTTP response at all
  auto c = s.Client();
  auto health = c.Get("/api/health");  // public
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(c.Get("/")->status == 200);  // the login page
  auto session = c.Get("/api/session");
  CHECK(session->status == 401);
  CHECK(Json(session)["login_required"] == true);
  for (const char* path : {"/api/clients", "/api/due", "/api/audit", "/api/staff", "/api/clients/c1", "/api/nowhere"}) {
    auto r = c.Get(path);
    REQUIRE(r);
    INFO(path << ": " << r->body);
    CHECK(r->status == 401);
  }
  auto add = c.Post("/api/clients", R"({"client_id": "c1"})", "application/json");
  CHECK(add->status == 401);
  // A made-up session id is no session.
  auto forged = c.Get("/api/clients", {{"Cookie", std::string("__Host-shadecast_session=") + std::string(64, 'a')}});
  CHECK(forged->status == 401);
}

TEST_CASE("login sets a __Host- cookie that is Secure HttpOnly SameSite=Strict with a new id each time") {
  Clinic k;
  k.AddStaff("mona", "manager");
  Server s(k.db, k.Flags());
  const Login a = LogIn(s, "mona", Clinic::Password("mona"));
  REQUIRE(a.status == 200);
  CHECK_THAT(a.set_cookie, Catch::StartsWith("__Host-shadecast_session="));
  CHECK_THAT(a.set_cookie, Catch::Contains("; Secure") && Catch::Contains("; HttpOnly") &&
                               Catch::Contains("; SameSite=Strict") && Catch::Contains("; Path=/"));
  CHECK_THAT(a.set_cookie, !Catch::Contains("Domain"));
  const Login b = LogIn(s, "mona", Clinic::Password("mona"));
  CHECK(b.cookie != a.cookie);
  CHECK(b.csrf != a.csrf);
  auto c = s.Client();
  auto me = c.Get("/api/session", As(a));
  REQUIRE(me);
  CHECK(Json(me)["user"] == "mona");
  CHECK(Json(me)["role"] == "manager");
  // The session's CSRF token, not another session's, on a state-changing request.
  auto cross = c.Post("/api/clients", {{"Cookie", a.cookie}, {"X-CSRF-Token", b.csrf}}, R"({"client_id": "c1"})",
                      "application/json");
  CHECK(cross->status == 403);
  auto ok = c.Post("/api/clients", As(a), R"({"client_id": "c1"})", "application/json");
  CHECK(ok->status == 201);
  // Wrong password and unknown user read the same.
  CHECK(LogIn(s, "mona", "not the password").status == 401);
  CHECK(LogIn(s, "nobody", "not the password").status == 401);
}

TEST_CASE("each role against each endpoint of the permission matrix") {
  // Reference: PermissionMatrix() (= docs/api.md's table). A role the row does not allow gets 403
  // before anything runs; an allowed one gets past the check (any status but 401 / 403 — the
  // example ids do not exist, so 404 or 400 are expected).
  Clinic k;
  for (const char* r : {"technician", "front_desk", "manager"}) k.AddStaff(std::string("u-") + r, r);
  Server s(k.db, k.Flags());
  auto c = s.Client();
  for (const std::string role : {"technician", "front_desk", "manager"}) {
    const Login l = LogIn(s, "u-" + role, Clinic::Password("u-" + role));
    REQUIRE(l.status == 200);
    for (const auto& p : shadecast::serve::PermissionMatrix()) {
      if (p.example == "/api/logout" || p.example == "/api/login" || p.example == "/api/password") continue;
      auto r = Send(c, p.method, p.example, As(l));
      REQUIRE(r);
      INFO(role << " " << p.method << " " << p.example << ": " << r->status << " " << r->body);
      if (shadecast::serve::Allows(p, role)) {
        CHECK(r->status != 401);
        CHECK(r->status != 403);
      } else {
        CHECK(r->status == 403);
        CHECK_THAT(r->body, Catch::Contains("may not"));
      }
    }
  }
}

TEST_CASE("login attempts are rate limited per address before any hashing") {
  Clinic k;
  k.AddStaff("mona", "manager");
  Server s(k.db, k.Flags({"--login-attempts", "4"}));
  for (int i = 0; i < 4; ++i) CHECK(LogIn(s, "nobody", "wrong password " + std::to_string(i)).status == 401);
  auto c = s.Client();
  auto r = c.Post("/api/login", R"({"username": "mona", "password": "correct horse mona"})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 429);  // even the right password: the address is over its limit
  CHECK(r->has_header("Retry-After"));
  CHECK_THAT(r->body, Catch::Contains("too many login attempts"));
}

TEST_CASE("five wrong passwords lock the account with a clear message until a manager unlocks it") {
  Clinic k;
  k.AddStaff("mona", "manager");
  k.AddStaff("tess", "technician");
  Server s(k.db, k.Flags());
  for (int i = 0; i < 4; ++i) CHECK(LogIn(s, "tess", "wrong password").status == 401);
  auto c = s.Client();
  auto fifth = c.Post("/api/login", R"({"username": "tess", "password": "wrong password"})", "application/json");
  CHECK(fifth->status == 423);
  CHECK_THAT(fifth->body, Catch::Contains("locked") && Catch::Contains("staff unlock tess"));
  CHECK(LogIn(s, "tess", Clinic::Password("tess")).status == 423);  // the right one too, while locked
  const Login m = LogIn(s, "mona", Clinic::Password("mona"));
  auto unlock = c.Post("/api/staff/tess/unlock", As(m), "{}", "application/json");
  CHECK(unlock->status == 200);
  CHECK(LogIn(s, "tess", Clinic::Password("tess")).status == 200);
  // The audit log has the lock and the unlock by id.
  const auto audit = RunShadecast("audit --json --db '" + k.db + "'");
  CHECK_THAT(audit.out, Catch::Contains("staff.locked") && Catch::Contains("staff.unlock"));
}

TEST_CASE("sessions expire when idle and at their absolute age and end at logout and password change") {
  Clinic k;
  k.AddStaff("mona", "manager");
  SECTION("idle") {
    Server s(k.db, k.Flags({"--session-idle-minutes", "0.03"}));  // 1.8 s
    const Login l = LogIn(s, "mona", Clinic::Password("mona"));
    auto c = s.Client();
    CHECK(c.Get("/api/clients", As(l))->status == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(3000));
    CHECK(c.Get("/api/clients", As(l))->status == 401);
  }
  SECTION("absolute") {
    Server s(k.db, k.Flags({"--session-hours", "0.001"}));  // 3.6 s, however busy
    const Login l = LogIn(s, "mona", Clinic::Password("mona"));
    auto c = s.Client();
    for (int i = 0; i < 3; ++i) {
      CHECK(c.Get("/api/clients", As(l))->status == 200);
      std::this_thread::sleep_for(std::chrono::milliseconds(900));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    CHECK(c.Get("/api/clients", As(l))->status == 401);
  }
  SECTION("logout and password change") {
    Server s(k.db, k.Flags());
    auto c = s.Client();
    const Login a = LogIn(s, "mona", Clinic::Password("mona"));
    auto out = c.Post("/api/logout", As(a), "{}", "application/json");
    CHECK(out->status == 200);
    CHECK_THAT(out->get_header_value("Set-Cookie"), Catch::Contains("Max-Age=0"));
    CHECK(c.Get("/api/clients", As(a))->status == 401);
    const Login b = LogIn(s, "mona", Clinic::Password("mona")), b2 = LogIn(s, "mona", Clinic::Password("mona"));
    auto pw = c.Post("/api/password", As(b),
                     nlohmann::json{{"old_password", Clinic::Password("mona")}, {"new_password", "a new long passphrase"}}.dump(),
                     "application/json");
    REQUIRE(pw);
    INFO(pw->body);
    CHECK(pw->status == 200);
    CHECK(c.Get("/api/clients", As(b))->status == 401);
    CHECK(c.Get("/api/clients", As(b2))->status == 401);  // every session of the member
    CHECK(LogIn(s, "mona", Clinic::Password("mona")).status == 401);
    const Login d = LogIn(s, "mona", "a new long passphrase");
    CHECK(d.status == 200);
    // A password set from the CLI while the app runs ends the member's sessions at their next request.
    std::ofstream(k.dir / "pw3") << "a third long passphrase\n";
    REQUIRE(RunShadecast("staff passwd mona --password-file '" + (k.dir / "pw3").string() + "' --db '" + k.db + "'").exit_code == 0);
    CHECK(c.Get("/api/clients", As(d))->status == 401);
  }
}

TEST_CASE("an erase through the app removes the client's files and leaves no name in the database file") {
  Clinic k;
  k.AddStaff("mona", "manager");
  const std::string name = "Zebediah Quuxworth-Marchbanks";
  const auto data = k.dir / "c.db.data";
  std::filesystem::create_directories(data / "clients" / "c7");
  std::filesystem::create_directories(data / "reports");
  std::ofstream(data / "clients" / "c7" / "photo.jpg") << "not really a photo";
  std::ofstream(data / "reports" / "c7-2026-01-15-0123abcd.html") << "<p>" << name << "</p>";
  std::ofstream(data / "reports" / "c70-2026-01-15-0123abcd.html") << "another client's report";
  Server s(k.db, k.Flags());
  auto c = s.Client();
  const Login m = LogIn(s, "mona", Clinic::Password("mona"));
  auto add = c.Post("/api/clients", As(m), nlohmann::json{{"client_id", "c7"}, {"name", name}}.dump(), "application/json");
  REQUIRE(add->status == 201);
  auto erase = c.Delete("/api/clients/c7", As(m));
  REQUIRE(erase);
  CHECK(erase->status == 200);
  CHECK(!std::filesystem::exists(data / "clients" / "c7"));
  CHECK(!std::filesystem::exists(data / "reports" / "c7-2026-01-15-0123abcd.html"));
  CHECK(std::filesystem::exists(data / "reports" / "c70-2026-01-15-0123abcd.html"));
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::ifstream f(k.db + suffix, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    INFO("c.db" << suffix);
    CHECK(bytes.find("Zebediah") == std::string::npos);
  }
  // The audit log keeps the erase, by id, by whom.
  auto audit = c.Get("/api/audit?client=c7", As(m));
  REQUIRE(audit);
  const auto rows = Json(audit)["audit"];
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["action"] == "client.add");
  CHECK(rows[1]["action"] == "client.erase");
  CHECK_THAT(rows[1]["actor"].get<std::string>(), Catch::StartsWith("staff:"));
}
