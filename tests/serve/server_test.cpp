// `shadecast serve` through HTTP (issue 21): a real server on --port 0 per test, requests with
// cpp-httplib's client. References: the CLI's own JSON for the same database (`client list --json`,
// `due --json`), and the request rules of src/serve/security.h.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "serve/serve_support.h"
#include "support/test_support.h"

using shadecast::test::RunShadecast;
using shadecast::test::TempDir;

using shadecast::test::Json;
using shadecast::test::Server;

TEST_CASE("every response carries the security headers and no CORS header") {
  TempDir dir;
  Server s((dir / "c.db").string());
  auto c = s.Client();
  for (const char* path : {"/", "/static/app.js", "/api/health", "/api/clients", "/nowhere"}) {
    auto r = c.Get(path);
    REQUIRE(r);
    INFO(path);
    CHECK(r->get_header_value("Content-Security-Policy").find("default-src 'self'") != std::string::npos);
    CHECK(r->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'") != std::string::npos);
    CHECK(r->get_header_value("Content-Security-Policy").find("unsafe-inline") == std::string::npos);
    CHECK(r->get_header_value("X-Content-Type-Options") == "nosniff");
    CHECK_FALSE(r->has_header("Access-Control-Allow-Origin"));
  }
  CHECK(c.Get("/nowhere")->status == 404);
  // The page has no inline script or style for the CSP to forbid.
  const std::string page = c.Get("/")->body;
  CHECK(page.find("<script>") == std::string::npos);
  CHECK(page.find("style=") == std::string::npos);
}

TEST_CASE("a wrong Host or a foreign Origin is refused with 403") {
  TempDir dir;
  Server s((dir / "c.db").string());
  auto c = s.Client();
  auto wrong_host = c.Get("/api/clients", {{"Host", "attacker.example:80"}});
  REQUIRE(wrong_host);
  CHECK(wrong_host->status == 403);
  CHECK_THAT(wrong_host->body, Catch::Contains("Host"));
  auto rebinding = c.Get("/api/clients", {{"Host", "attacker.example:" + std::to_string(s.port())}});
  CHECK(rebinding->status == 403);
  auto foreign = c.Get("/api/clients", {{"Origin", "http://attacker.example"}});
  CHECK(foreign->status == 403);
  auto cross_site = c.Get("/api/clients", {{"Sec-Fetch-Site", "cross-site"}});
  CHECK(cross_site->status == 403);
  auto own = c.Get("/api/clients", {{"Origin", "http://" + s.host()}});
  CHECK(own->status == 200);
  auto localhost = c.Get("/api/clients", {{"Host", "localhost:" + std::to_string(s.port())}});
  CHECK(localhost->status == 200);
}

TEST_CASE("state-changing requests need this server's CSRF token") {
  TempDir dir;
  Server s((dir / "c.db").string());
  auto c = s.Client();
  const std::string body = R"({"client_id": "c1", "name": "Jo"})";
  auto none = c.Post("/api/clients", body, "application/json");
  CHECK(none->status == 403);
  CHECK_THAT(none->body, Catch::Contains("X-CSRF-Token"));
  auto wrong = c.Post("/api/clients", {{"X-CSRF-Token", std::string(64, 'a')}}, body, "application/json");
  CHECK(wrong->status == 403);
  auto erase = c.Delete("/api/clients/c1");
  CHECK(erase->status == 403);
  auto ok = c.Post("/api/clients", {{"X-CSRF-Token", s.Csrf()}}, body, "application/json");
  REQUIRE(ok);
  CHECK(ok->status == 201);
  // Nothing was written by the refused requests: one client, added by the accepted one.
  CHECK(Json(c.Get("/api/clients"))["clients"].size() == 1);
}

TEST_CASE("the body limit holds for plain, chunked and compressed bodies") {
  // --max-upload-mb 0.001: 1000 bytes. limit + 1 -> 413, a chunked body -> 411, a gzip body -> 415,
  // each with a message in the body and before the body is routed.
  TempDir dir;
  Server s((dir / "c.db").string(), {"--max-upload-mb", "0.001"});
  auto c = s.Client();
  const httplib::Headers h{{"X-CSRF-Token", s.Csrf()}};
  const std::string at_limit(1000, ' '), over(1001, ' ');
  auto big = c.Post("/api/clients", h, over, "application/json");
  REQUIRE(big);
  CHECK(big->status == 413);
  CHECK_THAT(big->body, Catch::Contains("limit is 1000 bytes"));
  auto fits = c.Post("/api/clients", h, at_limit, "application/json");
  REQUIRE(fits);
  CHECK(fits->status == 400);  // through the limit, then not JSON
  // A chunked body is refused from its headers: the answer comes before any chunk is sent. (With
  // a client that sends its chunks anyway, the connection may be reset under it once the server
  // has answered: HTTP gives a server no other way to stop a body it will not read.)
  const std::string chunked = shadecast::test::RawExchange(
      s.port(), "POST /api/clients HTTP/1.1\r\nHost: " + s.host() + "\r\nX-CSRF-Token: " + h.find("X-CSRF-Token")->second +
                    "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
  CHECK_THAT(chunked, Catch::StartsWith("HTTP/1.1 411"));
  CHECK_THAT(chunked, Catch::Contains("chunks"));
  // So is an oversized one, from its Content-Length alone.
  const std::string huge = shadecast::test::RawExchange(
      s.port(), "POST /api/clients HTTP/1.1\r\nHost: " + s.host() + "\r\nX-CSRF-Token: " + h.find("X-CSRF-Token")->second +
                    "\r\nContent-Type: application/json\r\nContent-Length: 5000000000\r\n\r\n");
  CHECK_THAT(huge, Catch::StartsWith("HTTP/1.1 413"));
  httplib::Headers gz = h;
  gz.emplace("Content-Encoding", "gzip");
  auto compressed = c.Post("/api/clients", gz, std::string("\x1f\x8b\x08\x00", 4), "application/json");
  REQUIRE(compressed);
  CHECK(compressed->status == 415);
  CHECK_THAT(compressed->body, Catch::Contains("compressed"));
}

TEST_CASE("bad ids and bad fields are 400 with the reason, unknown clients 404") {
  TempDir dir;
  Server s((dir / "c.db").string());
  auto c = s.Client();
  const httplib::Headers h{{"X-CSRF-Token", s.Csrf()}};
  for (const char* id : {"../../etc/passwd", "x'; DROP TABLE clients;--", "", "a.b"}) {
    auto r = c.Post("/api/clients", h, nlohmann::json{{"client_id", id}}.dump(), "application/json");
    REQUIRE(r);
    INFO(id << ": " << r->body);
    CHECK(r->status == 400);
    CHECK_THAT(r->body, Catch::Contains("client id"));
  }
  auto uv = c.Post("/api/clients", h, R"({"client_id": "c2", "uv": 1e308})", "application/json");
  CHECK(uv->status == 400);
  CHECK_THAT(uv->body, Catch::Contains("uv"));
  CHECK(c.Get("/api/clients/nobody")->status == 404);
  CHECK(c.Get("/api/clients/a%20b")->status == 400);
  CHECK(c.Get("/api/clients/..%2F..%2Fetc")->status == 404);  // decoded to a path of its own: no route
  CHECK(c.Get("/api/due?within=forever")->status == 400);
}

TEST_CASE("the API says what the CLI says for the same database") {
  // Reference: `shadecast client list --json` and `due --json` on the same file (both with
  // SHADECAST_TODAY 2026-01-15). The name is markup and comes back as the same text.
  TempDir dir;
  const std::string db = (dir / "c.db").string();
  REQUIRE(RunShadecast("client add c1 --name 'Jo Smith' --db '" + db + "'").exit_code == 0);
  {
    Server s(db);
    auto c = s.Client();
    auto added = c.Post("/api/clients", {{"X-CSRF-Token", s.Csrf()}},
                        R"({"client_id": "c2", "name": "<img src=x onerror=alert(1)>", "uv": 2})", "application/json");
    REQUIRE(added->status == 201);
    const auto cli_list = RunShadecast("client list --json --db '" + db + "'");
    REQUIRE(cli_list.exit_code == 0);
    CHECK(Json(c.Get("/api/clients")) == nlohmann::json::parse(cli_list.out));
    CHECK(Json(c.Get("/api/clients"))["clients"][1]["name"] == "<img src=x onerror=alert(1)>");
    const auto cli_due = RunShadecast("due --json --within 60d --db '" + db + "'");
    REQUIRE(cli_due.exit_code == 0);
    CHECK(Json(c.Get("/api/due?within=60d")) == nlohmann::json::parse(cli_due.out));
    const auto cli_show = RunShadecast("client show c1 --json --db '" + db + "'");
    CHECK(Json(c.Get("/api/clients/c1")) == nlohmann::json::parse(cli_show.out));
    auto erased = c.Delete("/api/clients/c1", {{"X-CSRF-Token", s.Csrf()}});
    REQUIRE(erased);
    CHECK(erased->status == 200);
  }
  CHECK_THAT(RunShadecast("client list --db '" + db + "'").out, !Catch::Contains("Jo Smith"));
}

TEST_CASE("a non-loopback bind is refused with what to do") {
  TempDir dir;
  const auto r = RunShadecast("serve --bind 0.0.0.0 --port 0 --db '" + (dir / "c.db").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--tls-cert") && Catch::Contains("staff add"));
}
