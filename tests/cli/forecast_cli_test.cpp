// `shadecast synth cohort`, `forecast` (single and batch) and `fade fit-cohort`: contracted keys,
// exit codes (0, 2, 4), bad histories named. Small cohorts, few draws.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "support/test_support.h"

using shadecast::test::RunShadecast;
using shadecast::test::TempDir;

namespace {
std::string Q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }
bool IsoDate(const nlohmann::json& j) {
  return j.is_string() && std::regex_match(j.get<std::string>(), std::regex(R"(\d{4}-\d{2}-\d{2})"));
}
}  // namespace

TEST_CASE("synth cohort writes histories and a truth file") {
  TempDir dir;
  auto r = RunShadecast("synth cohort --clients 4 --seed 2 --out " + Q(dir / "c") + " --family seasonal --noise-de00 0.6");
  REQUIRE(r.exit_code == 0);
  for (const char* id : {"c000001", "c000004"})
    CHECK(std::filesystem::exists(dir / "c" / "histories" / (std::string(id) + ".textproto")));
  const auto truth = nlohmann::json::parse(shadecast::test::ReadText(dir / "c" / "truth.json"));
  CHECK(truth["family"] == "seasonal");
  REQUIRE(truth["clients"].size() == 4);
  const auto& c = truth["clients"][0];
  CHECK(c["params"]["rate_per_year"].get<double>() > 0);
  REQUIRE(c["visits"].size() >= 2);
  CHECK(c["visits"][0]["dot_lab"].size() == 3);
  CHECK(c["visits"][0]["skin_lab"].size() == 3);
  CHECK((c["touch_up_date"].is_null() || IsoDate(c["touch_up_date"])));
  CHECK(RunShadecast("synth cohort --clients 2 --out " + Q(dir / "d") + " --family triexp").exit_code == 2);
  CHECK(RunShadecast("synth cohort --clients 0 --out " + Q(dir / "d")).exit_code == 2);
}

TEST_CASE("forecast --json carries the contracted keys") {
  TempDir dir;
  REQUIRE(RunShadecast("synth cohort --clients 1 --seed 3 --out " + Q(dir / "c")).exit_code == 0);
  const auto h = dir / "c" / "histories" / "c000001.textproto";
  auto r = RunShadecast("forecast --history " + Q(h) + " --draws 200 --seed 4 --years 6 --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["fit"]["converged"].is_boolean());
  CHECK(j["fit"]["params"]["rate_per_year"].get<double>() > 0);
  CHECK(j["fit"]["residual_de00"].is_number());
  for (const char* k : {"date", "p10", "p90"}) CHECK((j["touch_up"][k].is_null() || IsoDate(j["touch_up"][k])));
  CHECK(j["touch_up"]["p_none_within_horizon"].is_number());
  REQUIRE(j["series"].size() == 6 * 12 + 1);
  const auto& s = j["series"][0];
  CHECK(IsoDate(s["date"]));
  CHECK(s["date"] == "2026-01-15");  // SHADECAST_TODAY of the test harness
  for (const char* k : {"dot_lab", "dot_lab_p10", "dot_lab_p90"}) CHECK(s[k].size() == 3);
  CHECK(s["contrast_de00"].is_number());

  // Back-test: fewer follow-ups fitted.
  auto b = RunShadecast("forecast --history " + Q(h) + " --draws 100 --fit-until-months 12 --as-of 2020-06-01 --json");
  REQUIRE(b.exit_code == 0);
  const auto jb = nlohmann::json::parse(b.out);
  CHECK(jb["fit"]["follow_ups_used"].get<int>() < j["fit"]["follow_ups_used"].get<int>());
  CHECK(jb["as_of"] == "2020-06-01");
  // Two triggers; the text output.
  auto t = RunShadecast("forecast --history " + Q(h) + " --draws 100 --trigger contrast:0.45,de00:1.8");
  REQUIRE(t.exit_code == 0);
  CHECK_THAT(t.out, Catch::Contains("Touch-up:"));
}

TEST_CASE("forecast batch: CSV, exit 4 when some were skipped, each named") {
  TempDir dir;
  REQUIRE(RunShadecast("synth cohort --clients 3 --seed 5 --out " + Q(dir / "c")).exit_code == 0);
  const auto hdir = dir / "c" / "histories";
  auto ok = RunShadecast("forecast --histories " + Q(hdir) + " --csv " + Q(dir / "all.csv") + " --draws 100 --threads 2");
  REQUIRE(ok.exit_code == 0);
  const std::string csv = shadecast::test::ReadText(dir / "all.csv");
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 4);
  CHECK_THAT(csv, Catch::StartsWith("file,client_id,converged"));

  // A follow-up dated before the first session, and a file that is not a history.
  std::string text = shadecast::test::ReadText(hdir / "c000002.textproto");
  const auto pos = text.find("follow_ups {\n  date: \"");
  REQUIRE(pos != std::string::npos);
  text.replace(pos + 22, 10, "2001-01-01");
  std::ofstream(hdir / "c000002.textproto") << text;
  std::ofstream(hdir / "junk.textproto") << "this is not a history";
  auto some = RunShadecast("forecast --histories " + Q(hdir) + " --csv " + Q(dir / "some.csv") + " --draws 100");
  CHECK(some.exit_code == 4);
  CHECK_THAT(some.err, Catch::Contains("c000002.textproto") && Catch::Contains("follow_ups[0].date") &&
                           Catch::Contains("before the first session"));
  CHECK_THAT(some.err, Catch::Contains("junk.textproto"));
  const std::string csv2 = shadecast::test::ReadText(dir / "some.csv");
  CHECK(std::count(csv2.begin(), csv2.end(), '\n') == 3);

  // The single-history form names the client and field with exit 2.
  auto one = RunShadecast("forecast --history " + Q(hdir / "c000002.textproto") + " --draws 100");
  CHECK(one.exit_code == 2);
  CHECK_THAT(one.err, Catch::Contains("client c000002"));
}

TEST_CASE("forecast usage errors exit 2") {
  TempDir dir;
  REQUIRE(RunShadecast("synth cohort --clients 1 --out " + Q(dir / "c")).exit_code == 0);
  const auto h = Q(dir / "c" / "histories" / "c000001.textproto");
  CHECK(RunShadecast("forecast").exit_code == 2);
  CHECK(RunShadecast("forecast --history " + h + " --histories " + Q(dir.path())).exit_code == 2);
  CHECK(RunShadecast("forecast --histories " + Q(dir / "c" / "histories")).exit_code == 2);  // no --csv
  CHECK(RunShadecast("forecast --history " + h + " --trigger contrast:2").exit_code == 2);
  CHECK(RunShadecast("forecast --history " + h + " --as-of 2026-02-30").exit_code == 2);
  CHECK(RunShadecast("forecast --history " + h + " --draws 0").exit_code == 2);
  CHECK(RunShadecast("forecast --history " + Q(dir / "missing.textproto")).exit_code == 2);
}

TEST_CASE("fade fit-cohort writes priors that forecast accepts") {
  TempDir dir;
  REQUIRE(RunShadecast("synth cohort --clients 12 --seed 6 --out " + Q(dir / "c")).exit_code == 0);
  auto r = RunShadecast("fade fit-cohort --histories " + Q(dir / "c" / "histories") + " --out " + Q(dir / "p.textproto") +
                        " --iterations 1 --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["clients"] == 12);
  CHECK(j["priors"]["rate_per_year"].get<double>() > 0);
  REQUIRE(std::filesystem::exists(dir / "p.textproto"));
  auto f = RunShadecast("forecast --history " + Q(dir / "c" / "histories" / "c000001.textproto") + " --priors " +
                        Q(dir / "p.textproto") + " --draws 100 --json");
  CHECK(f.exit_code == 0);
  CHECK(RunShadecast("fade fit-cohort --histories " + Q(dir.path()) + " --out " + Q(dir / "p.txt")).exit_code == 2);
}

TEST_CASE("the shipped demo history forecasts") {
  auto r = RunShadecast("forecast --history " + Q(shadecast::test::RepoFile("data/samples/client_demo.textproto")) +
                        " --draws 200 --json");
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["fit"]["converged"].get<bool>());
}
