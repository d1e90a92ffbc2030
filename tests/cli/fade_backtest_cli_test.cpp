// `shadecast fade backtest` (issue 19): contracted JSON keys, numbers in range, the truth path, the
// database path, per-client CSV, and bad inputs named with exit 2. A 10-client synthetic cohort with
// few draws (well under a second per run).
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

using shadecast::test::RunShadecast;
using shadecast::test::TempDir;

namespace {
std::string Q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

bool FiniteIn(const nlohmann::json& j, double lo, double hi) {
  return j.is_number() && std::isfinite(j.get<double>()) && j.get<double>() >= lo && j.get<double>() <= hi;
}

void CheckHorizons(const nlohmann::json& j) {
  REQUIRE(j["horizons"].size() == 3);
  for (size_t h = 0; h < 3; ++h) {
    const auto& hz = j["horizons"][h];
    CHECK(hz["months"].get<double>() == 24.0 + 12.0 * h);
    // The cohort's follow-ups fall at months 24, 36 and 48 (+-10 days, 15 % missed).
    CHECK(hz["visits"].get<int>() >= 3);
    CHECK(FiniteIn(hz["median_de00"], 0, 30));
    CHECK(FiniteIn(hz["median_de00_no_change"], 0, 30));
    CHECK(FiniteIn(hz["band_coverage"], 0, 1));
  }
}
}  // namespace

TEST_CASE("fade backtest: a synthetic cohort scored against its later follow-ups and its true touch-up dates") {
  TempDir dir;
  REQUIRE(RunShadecast("synth cohort --clients 10 --seed 7 --out " + Q(dir / "c")).exit_code == 0);
  const std::string common = " --draws 100 --threads 2 --json";

  auto r = RunShadecast("fade backtest --histories " + Q(dir / "c" / "histories") + " --truth " + Q(dir / "c") +
                        " --csv " + Q(dir / "per.csv") + common);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());  // no progress bar when stderr is not a terminal
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["clients"] == 10);
  CHECK(j["failed"] == 0);
  CHECK(j["failures"].empty());
  CheckHorizons(j);
  REQUIRE(j["touch_up"].is_object());
  CHECK(j["touch_up"]["clients_with_truth"].get<int>() >= 1);
  CHECK(j["touch_up"]["clients_with_truth"].get<int>() <= 10);
  CHECK(FiniteIn(j["touch_up"]["interval_coverage"], 0, 1));
  CHECK(FiniteIn(j["touch_up"]["median_abs_error_days"], 0, 30 * 365.25));
  const std::string csv = shadecast::test::ReadText(dir / "per.csv");
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 11);
  CHECK_THAT(csv, Catch::StartsWith("source,client_id,status,reason,fit_follow_ups,later_follow_ups,median_de00"));

  // Without --truth there is nothing to say about dates; the text output says it in words.
  r = RunShadecast("fade backtest --histories " + Q(dir / "c" / "histories") + common);
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["touch_up"].is_null());
  r = RunShadecast("fade backtest --histories " + Q(dir / "c" / "histories") + " --draws 100 --horizons 24");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("Back-test of 10 clients (0 failed)") && Catch::Contains("At 24 months"));

  // From the clinic database (the cohort imported as CSV exports would be): the same clients, the
  // same figures as from the files.
  REQUIRE(RunShadecast("import " + Q(dir / "c" / "histories") + " --db " + Q(dir / "clinic.db")).exit_code == 0);
  r = RunShadecast("fade backtest --db " + Q(dir / "clinic.db") + " --truth " + Q(dir / "c" / "truth.json") + common);
  REQUIRE(r.exit_code == 0);
  const auto jd = nlohmann::json::parse(r.out);
  CHECK(jd["clients"] == 10);
  CHECK(jd["horizons"] == j["horizons"]);
  CHECK(jd["touch_up"] == j["touch_up"]);
}

TEST_CASE("fade backtest: bad histories are listed and counted, bad inputs refused with exit 2") {
  TempDir dir;
  REQUIRE(RunShadecast("synth cohort --clients 3 --seed 8 --out " + Q(dir / "c")).exit_code == 0);
  const auto hdir = dir / "c" / "histories";
  std::ofstream(hdir / "broken.textproto") << "client_id: \"zz\" sessions { date: \"2020-01-01\" }\n";

  // One bad history among good ones: named with its reason, counted, exit 0.
  auto r = RunShadecast("fade backtest --histories " + Q(hdir) + " --draws 100 --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["clients"] == 4);
  CHECK(j["failed"] == 1);
  REQUIRE(j["failures"].size() == 1);
  CHECK_THAT(j["failures"][0]["source"].get<std::string>(), Catch::EndsWith("broken.textproto"));
  CHECK_THAT(j["failures"][0]["reason"].get<std::string>(), Catch::Contains("recipe"));
  CHECK_THAT(r.err, Catch::Contains("broken.textproto"));

  // Every history bad: exit 2.
  r = RunShadecast("fade backtest --histories " + Q(hdir / "broken.textproto") + " --draws 100");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("none of the 1 histories could be back-tested") && Catch::Contains("broken.textproto"));
  // Inputs that are not there, or flags out of range.
  r = RunShadecast("fade backtest --histories " + Q(dir / "nowhere"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("nowhere") && Catch::Contains("neither a file nor a folder"));
  r = RunShadecast("fade backtest --db " + Q(dir / "none.db"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("no database"));
  CHECK_FALSE(std::filesystem::exists(dir / "none.db"));  // not created by a back-test
  r = RunShadecast("fade backtest --histories " + Q(hdir) + " --horizons 6");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("after the fit's end"));
  r = RunShadecast("fade backtest --histories " + Q(hdir) + " --truth " + Q(hdir));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("truth.json"));
  std::ofstream(dir / "t.json") << "[1, 2]";
  r = RunShadecast("fade backtest --histories " + Q(hdir) + " --truth " + Q(dir / "t.json"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("expected the truth.json of `shadecast synth cohort`"));
}

TEST_CASE("fade backtest: the misspecified cohort from synth cohort scores in range") {
  // `synth cohort --family misspec-holdout` (fade/cohort.h GenerateMisspecifiedCohort): histories
  // with mid-history touch-ups and bad-light visits import and back-test without failures; the
  // numbers are range checks only (accuracy figures are in docs/benchmarks.md).
  TempDir dir;
  REQUIRE(RunShadecast("synth cohort --clients 8 --seed 3 --family misspec-holdout --out " + Q(dir / "m")).exit_code == 0);
  const auto r = RunShadecast("fade backtest --histories " + Q(dir / "m" / "histories") + " --truth " + Q(dir / "m") +
                              " --draws 100 --threads 2 --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["clients"].get<int>() == 8);
  CHECK(j["failed"].get<int>() == 0);
  CHECK(FiniteIn(j["touch_up"]["interval_coverage"], 0, 1));
  const auto bad = RunShadecast("synth cohort --clients 2 --family misspec-nothing --out " + Q(dir / "x"));
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("misspec-tune") != std::string::npos);
}
