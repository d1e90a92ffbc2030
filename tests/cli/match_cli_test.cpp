// `shadecast match` as a technician's tool: contracted JSON keys, units, bad input.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using shadecast::test::RunShadecast;

TEST_CASE("match --json carries the contracted keys") {
  auto r = RunShadecast("match --follicle 52,3,5 --skin 65,13,17 --json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["reachable"].is_boolean());
  REQUIRE(j["recipe"]["components"].size() >= 1);
  for (const auto& c : j["recipe"]["components"]) {
    CHECK(c.contains("pigment"));
    CHECK(c.contains("parts"));
    CHECK(c.contains("fraction"));
  }
  CHECK(j["recipe"]["load"].is_number());
  CHECK(j["predicted"]["healed_lab"].size() == 3);
  CHECK(j["predicted"]["de00"].is_number());
  CHECK(j["continuous"]["de00"].is_number());
  REQUIRE(j["sessions"].size() == 3);
  for (const auto& s : j["sessions"]) {
    CHECK(s.contains("session"));
    CHECK(s.contains("load"));
    CHECK(s["predicted_lab"].size() == 3);
    CHECK(s["water_ml_per_ml"].get<double>() >= 0);
  }
  CHECK(j["alternatives"].is_array());
  for (const char* light : {"D65", "A", "LED-B3"}) CHECK(j["metamerism"].contains(light));
  // Continuous never worse than pourable (same objective, the lattice is a subset), to 1e-9.
  CHECK(j["continuous"]["de00"].get<double>() <= j["predicted"]["de00"].get<double>() + 1e-9);
}

TEST_CASE("match reads a measurement file and prints a table in the technician's units") {
  shadecast::test::TempDir dir;
  std::ofstream(dir / "m.json") << R"({"follicle": {"lab": [50, 3, 5]}, "skin": {"lab": [64, 12, 17]}})";
  auto r = RunShadecast("match --measurement '" + (dir / "m.json").string() + "' --units parts10 --sessions 2");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("ml distilled water"));
  CHECK_THAT(r.out, Catch::Contains("part"));
  CHECK_THAT(r.out, Catch::Contains("Session 2"));
  CHECK_THAT(r.out, !Catch::Contains("Session 3"));
}

TEST_CASE("match: an unreachable target says so") {
  auto r = RunShadecast("match --follicle 20,5,30 --skin 30,8,12 --json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK_FALSE(j["reachable"].get<bool>());
  CHECK_FALSE(j["miss"].get<std::string>().empty());
}

TEST_CASE("match rejects bad input with exit code 2") {
  shadecast::test::TempDir dir;
  CHECK(RunShadecast("match --follicle 120,0,0 --skin 65,13,17").exit_code == 2);
  CHECK(RunShadecast("match --follicle 50,0,0 --skin 65,13,17 --sessions 0").exit_code == 2);
  CHECK(RunShadecast("match --follicle 50,0,0 --skin 65,13,17 --units drops").exit_code == 2);
  CHECK(RunShadecast("match --follicle 50,0,0").exit_code == 2);
  // A library with no black.
  std::ofstream(dir / "lib.textproto") << "pigments { id: \"iron_oxide_red\" role: WARM_NEUTRALIZER "
                                          "wavelengths_nm: [400, 700] k: [0.2, 0.01] s: [0.3, 0.3] }\n";
  auto r = RunShadecast("match --follicle 50,0,0 --skin 65,13,17 --library '" + (dir / "lib.textproto").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("no black"));
}

TEST_CASE("match --stubble matches the look at both distances and dates the sessions") {
  // Issue 18: the stubble's near and regional look (a measurement's follicle.near / .regional).
  auto r = RunShadecast(
      "match --skin 47.9,8,14 --stubble 46.3,7.6,13 --stubble-regional 47.4,7.9,13.8 --stubble-diameter-mm 0.33 "
      "--density-per-cm2 150 --start 2026-12-07 --json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["reachable"].get<bool>());
  CHECK(j["recipe"]["water_ml_per_ml"].get<double>() >= 0);
  CHECK(j["recipe"]["water_ml_per_ml"].get<double>() <= 20);
  CHECK(j["recipe"]["near_de00"].get<double>() <= 1.5);
  CHECK(j["recipe"]["regional_de00"].get<double>() <= 1.5);
  CHECK(j["recipe"]["shade"].get<std::string>().rfind("shade ", 0) == 0);
  CHECK(j["recipe"]["predicted"]["near"]["lab"].size() == 3);
  CHECK(j["recipe"]["predicted"]["regional"]["de00_to_skin"].is_number());
  REQUIRE(j["sessions"].size() == 3);
  CHECK(j["sessions"][0]["date"] == "2026-12-07");
  CHECK(j["sessions"][1]["date"] == "2026-12-19");
  CHECK(j["sessions"][2]["date"] == "2026-12-31");
  CHECK(j["sessions"][0]["water_ml_per_ml"].get<double>() >= j["sessions"][2]["water_ml_per_ml"].get<double>());
  auto t = RunShadecast("match --skin 47.9,8,14 --stubble 46.3,7.6,13 --stubble-regional 47.4,7.9,13.8");
  REQUIRE(t.exit_code == 0);
  CHECK_THAT(t.out, Catch::Contains("close up (0.4 m)"));
  CHECK_THAT(t.out, Catch::Contains("looks the same"));
  auto bad = RunShadecast("match --stubble 46,7,13");
  CHECK(bad.exit_code != 0);
  CHECK_THAT(bad.err, Catch::Contains("--stubble needs --skin"));
  auto bad2 = RunShadecast("match --skin 47.9,8,14 --stubble 46,7,13 --interval-days 30");
  CHECK(bad2.exit_code != 0);
  CHECK_THAT(bad2.err, Catch::Contains("10-14 days"));
}

TEST_CASE("match --follicle is read as the near look and says so, --core-match keeps the core match") {
  // Issue 18: --follicle maps to the stubble's look close up (as --stubble), with the old keys filled.
  auto look = RunShadecast("match --follicle 46.3,7.6,13 --skin 47.9,8,14 --json");
  REQUIRE(look.exit_code == 0);
  auto j = nlohmann::json::parse(look.out);
  CHECK(j["follicle_read_as"] == "near");
  CHECK_THAT(j["note"].get<std::string>(), Catch::Contains("--core-match"));
  CHECK(j["recipe"]["near_de00"].is_number());
  CHECK(j["recipe"]["shade"].get<std::string>().rfind("shade ", 0) == 0);
  // The old key is the near dE00 of the same recipe (exact copy).
  CHECK(j["predicted"]["de00"].get<double>() == j["recipe"]["near_de00"].get<double>());
  auto text = RunShadecast("match --follicle 46.3,7.6,13 --skin 47.9,8,14");
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("read as the stubble's look close up"));
  auto core = RunShadecast("match --follicle 46.3,7.6,13 --skin 47.9,8,14 --core-match --json");
  REQUIRE(core.exit_code == 0);
  auto c = nlohmann::json::parse(core.out);
  CHECK_FALSE(c.contains("follicle_read_as"));
  CHECK(c["continuous"]["de00"].is_number());
  // A stubble lighter than the skin is declared unreachable up front: no made-up colour.
  auto light = nlohmann::json::parse(RunShadecast("match --follicle 70,0,0 --skin 65,13,17 --json").out);
  CHECK_FALSE(light["reachable"].get<bool>());
  CHECK(light["predicted"]["healed_lab"].is_null());
  CHECK(RunShadecast("match --follicle 46,7,13 --stubble 46,7,13 --skin 47.9,8,14").exit_code == 2);
}
