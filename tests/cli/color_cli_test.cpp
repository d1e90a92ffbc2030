// The `shadecast color` subcommands and the program's flag handling, run as a user would.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using shadecast::test::RunShadecast;

TEST_CASE("color delta-e prints CIEDE2000 and dE*ab as JSON") {
  // Sharma pair 1: 2.0425 (tests/data/ciede2000_sharma2005.csv), tolerance 1e-4.
  auto r = RunShadecast("color delta-e 50,2.6772,-79.7751 50,0,-82.7485 --json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["de00"].get<double>() == Approx(2.0425).margin(1e-4));
  CHECK(j["de76"].get<double>() == Approx(std::hypot(2.6772, 2.9734)).margin(1e-4));
}

TEST_CASE("color lab gives the L*a*b* D50 of a spectrum under an illuminant") {
  shadecast::test::TempDir dir;
  {
    std::ofstream f(dir / "white.csv");
    f << "# a perfect white\nwavelength_nm,white\n380,1\n730,1\n";
  }
  // Under D50 a perfect white is (100, 0, 0); under A, adapted to D50, also white (Bradford maps
  // white to white), to 1e-6.
  for (const char* light : {"D50", "A"}) {
    auto r = RunShadecast(std::string("color lab --spectrum '") + (dir / "white.csv").string() +
                          "' --illuminant " + light + " --json");
    REQUIRE(r.exit_code == 0);
    auto lab = nlohmann::json::parse(r.out)["lab"];
    CHECK(lab[0].get<double>() == Approx(100).margin(1e-6));
    CHECK(lab[1].get<double>() == Approx(0).margin(1e-6));
    CHECK(lab[2].get<double>() == Approx(0).margin(1e-6));
  }
}

TEST_CASE("Bad flags and malformed numbers exit with code 2 and a clear message") {
  auto r = RunShadecast("color delta-e 50,0 50,0,0");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("expected 3 comma-separated numbers"));
  r = RunShadecast("color delta-e 50,x,0 50,0,0");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("'x' is not a number"));
  r = RunShadecast("color delta-e 50,0,0 50,0,0 --bogus");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--bogus"));
  r = RunShadecast("color lab --spectrum /nonexistent.csv");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("cannot read /nonexistent.csv"));
  r = RunShadecast("color lab --spectrum x.csv --illuminant D55");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown illuminant 'D55'"));
}

TEST_CASE("--help works on the program and every subcommand") {
  for (const char* cmd : {"--help", "color --help", "color delta-e --help", "color lab --help"}) {
    INFO(cmd);
    auto r = RunShadecast(cmd);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("Usage") || Catch::Contains("Options"));
  }
}

TEST_CASE("delta-e refuses values outside L* 0-100 and a* b* -200 to 200 instead of printing nan") {
  // Issue 23: `color delta-e 1e308,0,0 50,0,0` printed -nan with exit 0.
  auto r = shadecast::test::RunShadecast("color delta-e 1e308,0,0 50,0,0");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("LAB1") != std::string::npos);
  CHECK(shadecast::test::RunShadecast("color delta-e 50,0,0 50,0,999").exit_code == 2);
  CHECK(shadecast::test::RunShadecast("color delta-e 50,0,0 50,0,1").exit_code == 0);
}

TEST_CASE("dates outside 1900-2199 and a negative --fit-until-months are refused") {
  // Issue 23: --as-of 9999-12-31 printed a touch-up in year 10000; --fit-until-months -3 was ignored.
  auto r = shadecast::test::RunShadecast("due --as-of 9999-12-31");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("1900-2199") != std::string::npos);
  r = shadecast::test::RunShadecast("forecast --history " +
                                    shadecast::test::RepoFile("data/samples/client_demo.textproto").string() +
                                    " --fit-until-months -3 --draws 200");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--fit-until-months") != std::string::npos);
}
