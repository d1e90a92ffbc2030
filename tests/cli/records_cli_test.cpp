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
