// The app's photo work through HTTP (issue 21): uploads checked before decoding, and the
// consultation, follow-up visit and calibration endpoints against the CLI's own --json for the same
// inputs on a twin database (the reference is the CLI command the endpoint names; equality is
// exact, the same library call on the same bytes). 20 concurrent consultations: no lost or mixed-up
// record, SQLite integrity_check ok.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "serve/serve_support.h"
#include "support/test_support.h"

namespace fs = std::filesystem;
using shadecast::test::Json;
using shadecast::test::ReadText;
using shadecast::test::RepoFile;
using shadecast::test::RunShadecast;
using shadecast::test::Server;
using shadecast::test::TempDir;

namespace {

httplib::Headers Csrf(const Server& s) { return {{"X-CSRF-Token", s.Csrf()}}; }

// POST /api/uploads; the upload id.
std::string Upload(const Server& s, const std::string& bytes) {
  auto c = s.Client();
  auto r = c.Post("/api/uploads", Csrf(s), bytes, "image/jpeg");
  REQUIRE(r);
  INFO(r->body);
  REQUIRE(r->status == 201);
  return nlohmann::json::parse(r->body)["upload_id"].get<std::string>();
}

httplib::Result PostJson(const Server& s, const std::string& path, const nlohmann::json& body) {
  auto c = s.Client();
  c.set_read_timeout(300, 0);
  return c.Post(path.c_str(), Csrf(s), body.dump(), "application/json");
}

std::string Png30000Header() {
  // Signature, IHDR (13 bytes: 30000 x 30000, 8-bit RGB), its CRC left zero: enough for the header
  // check; a decoder would try to allocate 2.7 GB.
  std::string b = "\x89PNG\r\n\x1a\n";
  b += std::string("\0\0\0\x0d", 4) + "IHDR";
  b += std::string("\0\0\x75\x30\0\0\x75\x30\x08\x02\0\0\0", 13);
  b += std::string(4, '\0');
  b += std::string(1000, '\0');
  return b;
}

void Equal(const nlohmann::json& a, const nlohmann::json& b, const std::vector<std::string>& skip) {
  nlohmann::json x = a, y = b;
  for (const auto& k : skip) x.erase(k), y.erase(k);
  INFO("API: " << x.dump().substr(0, 2000) << "\nCLI: " << y.dump().substr(0, 2000));
  CHECK(x == y);
}

}  // namespace

TEST_CASE("uploads are checked from the header before decoding and stored under server-chosen names") {
  TempDir dir;
  Server s((dir / "c.db").string(), {"--data-dir", (dir / "data").string()});
  auto c = s.Client();
  // Not an image.
  auto r = c.Post("/api/uploads", Csrf(s), "name,l,a,b\nx,1,2,3\n", "image/jpeg");
  REQUIRE(r);
  CHECK(r->status == 415);
  CHECK(Json(r)["error"].get<std::string>().find("send a JPEG, PNG or TIFF") != std::string::npos);
  // A 30000 x 30000 PNG header: refused from the header (413), nothing stored.
  r = c.Post("/api/uploads", Csrf(s), Png30000Header(), "image/png");
  REQUIRE(r);
  CHECK(r->status == 413);
  CHECK(Json(r)["error"].get<std::string>().find("30000 x 30000") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "data" / "uploads"));
  // A real photo: stored as uploads/u<24 hex>.jpg whatever the client called it.
  const std::string id = Upload(s, ReadText(RepoFile("data/samples/consult_scalp.jpg")));
  CHECK(std::regex_match(id, std::regex("u[0-9a-f]{24}")));
  CHECK(fs::exists(dir / "data" / "uploads" / (id + ".jpg")));
  // An upload id that is not one: 400 naming it.
  r = PostJson(s, "/api/consultations", {{"client_id", "c1"}, {"upload_id", "../../etc/passwd"}, {"chart_in_frame", true}});
  REQUIRE(r);
  CHECK(r->status == 400);
}

TEST_CASE("the CLI refuses a 30000 x 30000 PNG from its header with the file name") {
  TempDir dir;
  {
    std::ofstream f(dir / "big.png", std::ios::binary);
    f << Png30000Header();
  }
  const auto r = RunShadecast("measure --image big.png --chart-in-frame", dir.path());
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("big.png") != std::string::npos);
  CHECK(r.err.find("30000 x 30000") != std::string::npos);
}

TEST_CASE("calibration and consultation through the API equal calibrate --json and consult --json") {
  TempDir dir;
  const std::string chart = RepoFile("data/samples/clinic_chart.jpg").string();
  const std::string scalp = RepoFile("data/samples/consult_scalp.jpg").string();
  REQUIRE(RunShadecast("client add new01 --name 'New client' --db " + (dir / "api.db").string()).exit_code == 0);
  REQUIRE(RunShadecast("client add new01 --name 'New client' --db " + (dir / "cli.db").string()).exit_code == 0);
  Server s((dir / "api.db").string(), {"--data-dir", (dir / "data").string()});

  auto k = PostJson(s, "/api/calibrations", {{"upload_id", Upload(s, ReadText(chart))}, {"room", "room1"}});
  REQUIRE(k);
  INFO(k->body.substr(0, 500));
  REQUIRE(k->status == 201);
  const auto cli_k = RunShadecast("calibrate --image " + chart + " --out room1.pb --icc room1.icc --json", dir.path());
  REQUIRE(cli_k.exit_code == 0);
  Equal(Json(k), nlohmann::json::parse(cli_k.out), {"out", "icc", "room"});
  CHECK(fs::exists(dir / "data" / "profiles" / "room1.pb"));

  auto r = PostJson(s, "/api/consultations",
                    {{"client_id", "new01"}, {"upload_id", Upload(s, ReadText(scalp))}, {"profile", "room1"}, {"start", "2026-01-20"}});
  REQUIRE(r);
  INFO(r->body.substr(0, 500));
  REQUIRE(r->status == 201);
  const auto api = Json(r);
  const auto cli = RunShadecast("consult --client new01 --image " + scalp + " --profile " + (dir / "data/profiles/room1.pb").string() +
                                " --start 2026-01-20 --report r.html --json --db " + (dir / "cli.db").string(), dir.path());
  INFO(cli.err);
  REQUIRE(cli.exit_code == 0);
  Equal(api, nlohmann::json::parse(cli.out), {"report", "report_url", "overlay_url", "swatches"});
  // The report the page links to is served, with its own script-free policy, the name as text.
  auto c = s.Client();
  auto rep = c.Get(api["report_url"].get<std::string>().c_str());
  REQUIRE(rep);
  CHECK(rep->status == 200);
  CHECK(rep->body.find("New client") != std::string::npos);
  CHECK(rep->get_header_value("Content-Security-Policy").find("sandbox") != std::string::npos);
  CHECK(c.Get("/reports/..%2Fc.db")->status == 404);
  auto overlay = c.Get(api["overlay_url"].get<std::string>().c_str());
  REQUIRE(overlay);
  CHECK(overlay->status == 200);
  CHECK(overlay->get_header_value("Content-Type") == "image/png");
  // The photo is kept with the client's record and listed on the client page ...
  const auto photos = Json(c.Get("/api/clients/new01/photos"))["photos"];
  REQUIRE(photos.size() == 1);
  CHECK(photos[0]["kind"] == "consultation");
  CHECK(c.Get(photos[0]["url"].get<std::string>().c_str())->status == 200);
  CHECK(c.Get("/photos/new01/..%2F..%2Fapi.db")->status == 404);
  // ... and erasing the client removes its photo, the upload it came from, the report and overlay.
  auto del = c.Delete("/api/clients/new01", Csrf(s));
  REQUIRE(del);
  CHECK(del->status == 200);
  CHECK(Json(del)["files_removed"].get<int>() >= 4);
  CHECK_FALSE(fs::exists(dir / "data" / "clients" / "new01"));
  CHECK(c.Get(api["report_url"].get<std::string>().c_str())->status == 404);
  CHECK(c.Get(photos[0]["url"].get<std::string>().c_str())->status == 404);
  int left = 0;
  for (const auto& e : fs::directory_iterator(dir / "data" / "reports")) left += e.path().filename().string().rfind("new01-", 0) == 0;
  CHECK(left == 0);
}

TEST_CASE("a follow-up visit through the API equals visit add --json then forecast --client --json") {
  TempDir dir;
  REQUIRE(RunShadecast("synth scalp --camera canon_eos_5d_mark_ii --illuminant D65 --dots 150 --dots-recipe carbon_black "
                       "--follicles 40 --hairs 5 --with-chart --size 1600x1200 --jpeg 92 --seed 3 --out v.jpg --truth v.json",
                       dir.path()).exit_code == 0);
  const std::string sample = RepoFile("data/samples/client_demo.textproto").string();
  for (const char* db : {"api.db", "cli.db"})
    REQUIRE(RunShadecast("import " + sample + " --db " + (dir / db).string()).exit_code == 0);
  Server s((dir / "api.db").string(), {"--data-dir", (dir / "data").string()});
  auto r = PostJson(s, "/api/visits",
                    {{"client_id", "demo001"}, {"upload_id", Upload(s, ReadText(dir / "v.jpg"))}, {"chart_in_frame", true},
                     {"date", "2026-01-10"}});
  REQUIRE(r);
  INFO(r->body.substr(0, 500));
  REQUIRE(r->status == 201);
  const std::string cdb = " --db " + (dir / "cli.db").string();
  const auto v = RunShadecast("visit add --client demo001 --date 2026-01-10 --image v.jpg --chart-in-frame --json" + cdb, dir.path());
  REQUIRE(v.exit_code == 0);
  const auto f = RunShadecast("forecast --client demo001 --json" + cdb, dir.path());
  INFO(f.err);
  REQUIRE(f.exit_code == 0);
  const auto api = Json(r);
  Equal(api["visit"], nlohmann::json::parse(v.out), {});
  Equal(api["forecast"], nlohmann::json::parse(f.out), {});
  // The due list then says what `due --json` says.
  auto c = s.Client();
  const auto due = RunShadecast("due --within 3650d --json" + cdb, dir.path());
  Equal(Json(c.Get("/api/due?within=3650d")), nlohmann::json::parse(due.out), {});
}

TEST_CASE("20 concurrent consultations through the API lose and mix up nothing") {
  // Three 2 MP photos (1632 x 1224, Nano in frame, different follicle counts) round robin over 20
  // clients; each answer must carry its own client and its own photo's follicle count (from
  // `measure --json` on that photo), and the database must hold exactly one consultation per client.
  TempDir dir;
  std::vector<int> counts;
  for (int k = 0; k < 3; ++k) {
    const std::string name = "p" + std::to_string(k) + ".jpg";
    REQUIRE(RunShadecast("synth scalp --camera canon_eos_5d_mark_ii --illuminant D65 --follicles " + std::to_string(250 + 60 * k) +
                         " --hairs 5 --with-chart --size 1632x1224 --jpeg 92 --seed " + std::to_string(11 + k) + " --out " + name + " --truth " + name + ".json",
                         dir.path()).exit_code == 0);
    const auto m = RunShadecast("measure --image " + name + " --chart-in-frame --json", dir.path());
    REQUIRE(m.exit_code == 0);
    counts.push_back(nlohmann::json::parse(m.out)["follicle"]["count"].get<int>());
  }
  const std::string db = (dir / "c.db").string();
  for (int i = 0; i < 20; ++i) REQUIRE(RunShadecast("client add c" + std::to_string(i) + " --db " + db).exit_code == 0);
  Server s(db, {"--data-dir", (dir / "data").string()});
  std::vector<std::string> ids;
  for (int k = 0; k < 3; ++k) ids.push_back(Upload(s, ReadText(dir / ("p" + std::to_string(k) + ".jpg"))));
  const std::string token = s.Csrf();
  std::vector<int> status(20, 0);
  std::vector<std::string> failure(20);
  std::vector<nlohmann::json> answers(20);
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", s.port());
      c.set_read_timeout(600, 0);
      const nlohmann::json body = {{"client_id", "c" + std::to_string(i)}, {"upload_id", ids[i % 3]}, {"chart_in_frame", true},
                                   {"draws", 200}};
      auto r = c.Post("/api/consultations", {{"X-CSRF-Token", token}}, body.dump(), "application/json");
      if (!r) {
        failure[i] = httplib::to_string(r.error());
        return;
      }
      status[i] = r->status;
      answers[i] = nlohmann::json::parse(r->body, nullptr, false);
    });
  for (auto& t : threads) t.join();
  CHECK(s.Alive());
  for (int i = 0; i < 20; ++i) {
    INFO("client c" << i << ": " << failure[i] << " " << answers[i].dump().substr(0, 300));
    CHECK(status[i] == 201);
    if (status[i] != 201) continue;
    CHECK(answers[i]["client_id"] == "c" + std::to_string(i));
    CHECK(answers[i]["follicle"]["count"] == counts[i % 3]);
  }
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  auto scalar = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    std::string v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
  };
  CHECK(scalar("PRAGMA integrity_check") == "ok");
  CHECK(scalar("SELECT COUNT(*) FROM consultations") == "20");
  CHECK(scalar("SELECT COUNT(DISTINCT client_id) FROM consultations") == "20");
  sqlite3_close(h);
}

TEST_CASE("an import and a batch forecast run as jobs whose progress the page can follow") {
  // Reference: `import --json` and `forecast --client` on a twin database.
  TempDir dir;
  const std::string sample = RepoFile("data/samples/client_demo.textproto").string();
  REQUIRE(RunShadecast("client add fresh01 --db " + (dir / "c.db").string()).exit_code == 0);
  Server s((dir / "c.db").string(), {"--data-dir", (dir / "data").string()});
  auto c = s.Client();
  auto wait = [&](const std::string& id) {
    nlohmann::json j;
    for (int k = 0; k < 600; ++k) {
      j = Json(c.Get(("/api/jobs/" + id).c_str()));
      if (j["state"] == "done" || j["state"] == "failed") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return j;
  };
  auto r = c.Post("/api/imports?format=textproto", Csrf(s), ReadText(sample), "text/plain");
  REQUIRE(r);
  REQUIRE(r->status == 202);
  auto job = wait(Json(r)["job_id"].get<std::string>());
  INFO(job.dump());
  REQUIRE(job["state"] == "done");
  const auto cli = RunShadecast("import " + sample + " --json --db " + (dir / "twin.db").string());
  CHECK(job["result"] == nlohmann::json::parse(cli.out));
  CHECK(job["done"] == job["total"]);

  r = c.Post("/api/jobs/forecast-all", Csrf(s), "{\"draws\": 500}", "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 202);
  job = wait(Json(r)["job_id"].get<std::string>());
  REQUIRE(job["state"] == "done");
  CHECK(job["total"] == 2);
  CHECK(job["done"] == 2);
  CHECK(job["result"]["forecast"] == 1);  // demo001; fresh01 has no sessions yet
  REQUIRE(job["result"]["skipped"].size() == 1);
  CHECK(job["result"]["skipped"][0]["client_id"] == "fresh01");
  // A bad import is a failed job with the reason; an unknown kind is 400; an unknown job 404.
  r = c.Post("/api/imports?format=csv", Csrf(s), "not,a,history\n", "text/plain");
  REQUIRE(r);
  CHECK(wait(Json(r)["job_id"].get<std::string>())["state"] == "failed");
  CHECK(c.Post("/api/imports?format=exe", Csrf(s), "x", "text/plain")->status == 400);
  CHECK(c.Get("/api/jobs/jnope")->status == 404);
}
