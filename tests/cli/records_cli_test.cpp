// Client records from the command line: bad input is refused and leaves the database unchanged.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using shadecast::test::RunShadecast;

TEST_CASE("Records: duplicate ids, future dates and unknown clients are refused, the database is unchanged") {
  shadecast::test::TempDir dir;
  REQUIRE(RunShadecast("client add c1 --name Ann", dir.path()).exit_code == 0);
  auto before = RunShadecast("export --client c1 --out before.textproto", dir.path());
  REQUIRE(before.exit_code == 0);

  auto r = RunShadecast("client add c1", dir.path());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("already exists"));
  // SHADECAST_TODAY is 2026-01-15 in tests.
  r = RunShadecast("session add --client c1 --date 2026-02-01 --recipe carbon_black", dir.path());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("in the future"));
  r = RunShadecast("visit add --client c1 --date 2026-13-01 --dot-lab 40,1,1 --skin-lab 65,12,16", dir.path());
  CHECK(r.exit_code == 2);
  r = RunShadecast("session add --client nobody --date 2026-01-01 --recipe carbon_black", dir.path());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("no client 'nobody'"));
  r = RunShadecast("session add --client c1 --date 2026-01-01 --recipe unobtainium", dir.path());
  CHECK(r.exit_code == 2);

  REQUIRE(RunShadecast("export --client c1 --out after.textproto", dir.path()).exit_code == 0);
  CHECK(shadecast::test::ReadText(dir / "before.textproto") == shadecast::test::ReadText(dir / "after.textproto"));
  auto list = nlohmann::json::parse(RunShadecast("client list --json", dir.path()).out);
  CHECK(list["clients"].size() == 1);
}

TEST_CASE("Records: a session and a visit round-trip through CSV export and import") {
  shadecast::test::TempDir dir;
  REQUIRE(RunShadecast("client add c1 --name Ann", dir.path()).exit_code == 0);
  REQUIRE(RunShadecast("session add --client c1 --date 2025-06-01 --recipe carbon_black:9,iron_oxide_red:1 --water-ml-per-ml 8",
                       dir.path()).exit_code == 0);
  REQUIRE(RunShadecast("visit add --client c1 --date 2025-09-01 --dot-lab 45.5,2,3 --skin-lab 65,12,16", dir.path()).exit_code == 0);
  REQUIRE(RunShadecast("export --client c1 --out c1.csv", dir.path()).exit_code == 0);
  REQUIRE(RunShadecast("client erase c1", dir.path()).exit_code == 0);
  REQUIRE(RunShadecast("import c1.csv", dir.path()).exit_code == 0);
  auto h = nlohmann::json::parse(RunShadecast("client show c1 --json", dir.path()).out);
  REQUIRE(h["sessions"].size() == 1);
  // 1 ml ink + 8 ml water -> load 1/9 (to 1e-9, printed with 10 significant digits).
  CHECK(h["sessions"][0]["recipe"]["load"].get<double>() == Approx(1.0 / 9.0).margin(1e-9));
  CHECK(h["follow_ups"][0]["dot_lab"]["l"].get<double>() == Approx(45.5).margin(1e-12));
}

TEST_CASE("Records: import applies the same L*a*b* range checks as forecast (issue 19)") {
  // L* -5 and 120 were imported and then refused by forecast; now import refuses them, naming the field.
  shadecast::test::TempDir dir;
  for (const char* bad : {"-5", "120"}) {
    std::ofstream(dir / "h.textproto") << "client_id: \"r1\" sessions { date: \"2025-06-01\" recipe { components { pigment: "
                                          "\"carbon_black\" fraction: 1 } load: 0.2 } } follow_ups { date: \"2025-09-01\" "
                                          "dot_lab { l: " << bad << " a: 2 b: 3 } skin_lab { l: 65 a: 12 b: 16 } }\n";
    auto r = RunShadecast("import h.textproto", dir.path());
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("follow_ups[0].dot_lab.l"));
    CHECK(RunShadecast("client show r1", dir.path()).exit_code != 0);
  }
}

namespace {
// A history with every field of ClientHistory set, names and notes that need CSV quoting.
const char* const kFullHistory = R"pb(
client_id: "r7"
name: "Ann, \"the\" client"
follicle_lab { l: 21.5 a: 1.25 b: 3.5 }
skin_lab { l: 63.25 a: 11.5 b: 17 }
covariates { uv_exposure: 2 ita_deg: 23.5 oily_scalp: true scarring: true }
sessions {
  date: "2025-03-01"
  recipe {
    components { pigment: "carbon_black" parts: 18 fraction: 0.9 }
    components { pigment: "iron_oxide_red" parts: 2 fraction: 0.1 }
    load: 0.1111111111111111
    predicted_healed_lab { l: 38.125 a: 0.5 b: 1.75 }
    de00: 0.8
  }
  depth_mm: 0.6
  dot_diameter_mm: 0.9
  notes: "first pass, light hand\nsecond line"
}
sessions {
  date: "2025-04-12"
  recipe { components { pigment: "carbon_black" fraction: 1 } load: 0.125 }
  notes: " leading space"
}
follow_ups {
  date: "2025-06-01"
  dot_lab { l: 41.3 a: 1.9 b: 2.7 }
  skin_lab { l: 63.1 a: 11.8 b: 16.9 }
  photo_sha256: "ab12"
  profile: "room1.pb"
}
follow_ups { date: "2025-10-01" dot_lab { l: 43 a: 2 b: 3 } skin_lab { l: 64 a: 12 b: 16 } }
)pb";
}  // namespace

TEST_CASE("Records: CSV import -> export -> import -> export keeps every field (issue 19)") {
  shadecast::test::TempDir dir;
  std::ofstream(dir / "full.textproto") << kFullHistory;
  REQUIRE(RunShadecast("import full.textproto --db a.db", dir.path()).exit_code == 0);
  REQUIRE(RunShadecast("export --client r7 --out a.csv --db a.db", dir.path()).exit_code == 0);
  REQUIRE(RunShadecast("export --client r7 --out a.textproto --db a.db", dir.path()).exit_code == 0);
  auto r = RunShadecast("import a.csv --db b.db", dir.path());
  REQUIRE(r.exit_code == 0);
  REQUIRE(RunShadecast("export --client r7 --out b.csv --db b.db", dir.path()).exit_code == 0);
  REQUIRE(RunShadecast("export --client r7 --out b.textproto --db b.db", dir.path()).exit_code == 0);
  // The two CSV exports are byte-identical, and so is the history behind them (every field).
  CHECK(shadecast::test::ReadText(dir / "a.csv") == shadecast::test::ReadText(dir / "b.csv"));
  CHECK(shadecast::test::ReadText(dir / "a.textproto") == shadecast::test::ReadText(dir / "b.textproto"));

  const auto h = nlohmann::json::parse(RunShadecast("client show r7 --json --db b.db", dir.path()).out);
  CHECK(h["name"] == "Ann, \"the\" client");
  CHECK(h["covariates"]["uv_exposure"].get<double>() == 2.0);  // was 0 after a CSV round trip
  CHECK(h["covariates"]["ita_deg"].get<double>() == 23.5);
  CHECK(h["covariates"]["oily_scalp"] == true);
  CHECK(h["covariates"]["scarring"] == true);
  CHECK(h["follicle_lab"]["l"].get<double>() == 21.5);
  CHECK(h["skin_lab"]["b"].get<double>() == 17.0);
  REQUIRE(h["sessions"].size() == 2);
  const auto& s0 = h["sessions"][0];
  CHECK(s0["recipe"]["load"].get<double>() == 0.1111111111111111);  // exactly: shortest round-trip digits
  CHECK(s0["recipe"]["components"][0]["parts"] == 18);
  CHECK(s0["recipe"]["predicted_healed_lab"]["l"].get<double>() == 38.125);
  CHECK(s0["recipe"]["de00"].get<double>() == 0.8);
  CHECK(s0["notes"] == "first pass, light hand\nsecond line");
  CHECK(h["sessions"][1]["notes"] == " leading space");
  CHECK(h["sessions"][1]["depth_mm"].get<double>() == 0.0);  // not given stays not given
  REQUIRE(h["follow_ups"].size() == 2);
  CHECK(h["follow_ups"][0]["profile"] == "room1.pb");
  CHECK(h["follow_ups"][0]["photo_sha256"] == "ab12");
  // Not given is written empty, not 0.
  const std::string csv = shadecast::test::ReadText(dir / "a.csv");
  CHECK_THAT(csv, Catch::Contains("\nr7,\"Ann, \"\"the\"\" client\",session,2025-04-12,carbon_black:1,0.125,,,"));
}

TEST_CASE("Records: a first-version history CSV (16 columns, no client row) still imports") {
  shadecast::test::TempDir dir;
  std::ofstream(dir / "old.csv")
      << "# shadecast client history (docs/conventions.md, History CSV)\n"
         "client_id,name,kind,date,recipe,load,depth_mm,dot_diameter_mm,dot_L,dot_a,dot_b,skin_L,skin_a,skin_b,photo_sha256,notes\n"
         "o1,Ben,session,2025-06-01,carbon_black:0.9+iron_oxide_red:0.1,0.1111111111,0,0,,,,,,,,first\n"
         "o1,Ben,visit,2025-09-01,,,,,45.5,2,3,65,12,16,cafe,\n";
  REQUIRE(RunShadecast("import old.csv", dir.path()).exit_code == 0);
  const auto h = nlohmann::json::parse(RunShadecast("client show o1 --json", dir.path()).out);
  CHECK(h["name"] == "Ben");
  REQUIRE(h["sessions"].size() == 1);
  CHECK(h["sessions"][0]["recipe"]["components"].size() == 2);
  CHECK(h["sessions"][0]["notes"] == "first");
  REQUIRE(h["follow_ups"].size() == 1);
  CHECK(h["follow_ups"][0]["skin_lab"]["l"].get<double>() == 65.0);
  CHECK(h["follow_ups"][0]["photo_sha256"] == "cafe");
}

TEST_CASE("Records: a history CSV without its header row is refused, naming the file") {
  shadecast::test::TempDir dir;
  // Before, the first data row was taken for the header and silently dropped.
  std::ofstream(dir / "nohead.csv") << "h1,Cy,session,2025-06-01,carbon_black:1,0.2,,,,,,,,,,\n"
                                       "h1,Cy,visit,2025-09-01,,,,,45.5,2,3,65,12,16,,\n";
  auto r = RunShadecast("import nohead.csv", dir.path());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("nohead.csv") && Catch::Contains("not the header of a shadecast history CSV") &&
                        Catch::Contains("client_id,name,kind,date"));
  // An unknown column is named rather than ignored.
  std::ofstream(dir / "extra.csv")
      << "client_id,name,kind,date,recipe,load,depth_mm,dot_diameter_mm,dot_L,dot_a,dot_b,skin_L,skin_a,skin_b,photo_sha256,notes,"
         "colour\nh2,,session,2025-06-01,carbon_black:1,0.2,,,,,,,,,,,red\n";
  r = RunShadecast("import extra.csv", dir.path());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("extra.csv") && Catch::Contains("unknown column 'colour'"));
  const auto list = nlohmann::json::parse(RunShadecast("client list --json", dir.path()).out);
  CHECK(list["clients"].empty());
}

TEST_CASE("a session load above 1 or not positive is refused by import and by forecast instead of crashing") {
  // Issue 23: `import` took `load: 1e308` and `forecast` then died of SIGSEGV in ceres::Covariance.
  // Reference: session add's range (0, 1]. The shipped sample with its three loads set to 1e308.
  shadecast::test::TempDir dir;
  std::string text = shadecast::test::ReadText(shadecast::test::RepoFile("data/samples/client_demo.textproto"));
  for (const char* old : {"load: 0.125", "load: 0.103", "load: 0.045"}) {
    const auto at = text.find(old);
    REQUIRE(at != std::string::npos);
    text.replace(at, std::string(old).size(), "load: 1e308");
  }
  {
    std::ofstream f(dir / "bad.textproto");
    f << text;
  }
  auto r = RunShadecast("import bad.textproto", dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("recipe.load") != std::string::npos);
  CHECK(nlohmann::json::parse(RunShadecast("client list --json", dir.path()).out)["clients"].empty());
  // The engine refuses it as well (a history file forecast directly, or an older database).
  r = RunShadecast("forecast --history bad.textproto --draws 200", dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("within (0, 1]") != std::string::npos);
}

TEST_CASE("import refuses the ids client add refuses and inks not in the library naming the file") {
  // Issue 23: `import` took ids `client add` refuses (`x'; DROP TABLE clients;--`, `../../etc/passwd`)
  // and unknown pigments with exit 0. Reference: client add's id rule and the shipped pigment library.
  shadecast::test::TempDir dir;
  const std::string sample = shadecast::test::ReadText(shadecast::test::RepoFile("data/samples/client_demo.textproto"));
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = sample;
    const auto at = t.find(from);
    REQUIRE(at != std::string::npos);
    t.replace(at, from.size(), to);
    return t;
  };
  const std::vector<std::pair<std::string, std::string>> cases{
      {"../../etc/passwd", "client id"}, {"x'; DROP TABLE clients;--", "client id"}, {"", "client_id is empty"}};
  for (const auto& [id, expect] : cases) {
    std::ofstream(dir / "bad.textproto") << with("client_id: \"demo001\"", "client_id: \"" + id + "\"");
    const auto r = RunShadecast("import bad.textproto", dir.path());
    INFO(id << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.textproto") != std::string::npos);
    CHECK(r.err.find(expect) != std::string::npos);
  }
  std::ofstream(dir / "ink.textproto") << with("pigment: \"smp_warm_neutralizer\"", "pigment: \"unobtainium\"");
  const auto r = RunShadecast("import ink.textproto", dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("ink.textproto") != std::string::npos);
  CHECK(r.err.find("'unobtainium' is not in the pigment library (known: smp_carbon_black") != std::string::npos);
  CHECK(nlohmann::json::parse(RunShadecast("client list --json", dir.path()).out)["clients"].empty());
  CHECK(RunShadecast("import " + shadecast::test::RepoFile("data/samples/client_demo.textproto").string(), dir.path()).exit_code == 0);
}

TEST_CASE("names with terminal control characters are shown escaped and kept verbatim") {
  // Issue 23: a name with ESC [31m and BEL was echoed raw (the terminal obeyed it).
  shadecast::test::TempDir dir;
  const std::string name = "Jo\x1b[31mRed\x07";
  const auto add = RunShadecast("client add c1 --name \"$(printf 'Jo\\033[31mRed\\007')\"", dir.path());
  REQUIRE(add.exit_code == 0);
  for (const std::string& out : {add.out, RunShadecast("client list", dir.path()).out, RunShadecast("client show c1", dir.path()).out}) {
    INFO(out);
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find('\x07') == std::string::npos);
    CHECK(out.find("Jo\\x1b[31mRed\\x07") != std::string::npos);
  }
  // Stored and exported verbatim (JSON escapes it).
  const auto j = nlohmann::json::parse(RunShadecast("client list --json", dir.path()).out);
  CHECK(j["clients"][0]["name"] == name);
}

// Issue 23: import checks every field against the one rule table (src/validate/rules.cpp), not
// only the fields the CLI flags cover. Reference: the ranges of docs/conventions.md "Valid values".
TEST_CASE("import refuses any field outside the rule table, naming its path and the allowed range") {
  shadecast::test::TempDir dir;
  const std::string session = R"pb(client_id: "v1"
sessions { date: "2026-01-10" recipe { components { pigment: "carbon_black" fraction: 1 } load: 0.5 } %s }
)pb";
  const std::pair<const char*, const char*> cases[] = {
      {"depth_mm: -3", "sessions[0].depth_mm"},
      {"dot_diameter_mm: inf", "sessions[0].dot_diameter_mm"},
      {"dot_diameter_mm: 40", "sessions[0].dot_diameter_mm"},
  };
  for (const auto& [field, path] : cases) {
    char text[512];
    std::snprintf(text, sizeof text, session.c_str(), field);
    std::ofstream(dir / "bad.textproto") << text;
    const auto r = RunShadecast("import bad.textproto --db v.db", dir.path());
    INFO(field << " -> " << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("bad.textproto") && Catch::Contains(path) && Catch::Contains("allowed"));
    CHECK_FALSE(std::filesystem::exists(dir / "v.db"));
  }
  std::ofstream(dir / "late.textproto") << R"pb(client_id: "v2" covariates { uv_exposure: 7 })pb";
  const auto r = RunShadecast("import late.textproto --db v.db", dir.path());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("covariates.uv_exposure") && Catch::Contains("[0, 2]"));
}
