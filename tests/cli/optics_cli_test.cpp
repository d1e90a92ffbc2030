// `shadecast optics ...` as a user runs it, with the shipped pigment library.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "optics/mc_tables.h"
#include "shadecast/optics.pb.h"
#include "support/test_support.h"

using shadecast::test::RunShadecast;

namespace {
std::array<double, 3> Lab(const nlohmann::json& j) { return {j[0].get<double>(), j[1].get<double>(), j[2].get<double>()}; }
}  // namespace

TEST_CASE("optics render: shipped SMP carbon black on light skin is >= 25 L* darker and cooler") {
  // Light skin (melanin 0.01): bare skin L* 60-72; the SMP carbon-black ink undiluted at the default
  // depth (0.1 mm) and dot (0.5 mm) at least 25 L* darker (Monte Carlo: ~31), hue cooler: the
  // dot-minus-skin difference points into the green-blue half of the a*b* plane (hue 150-300 deg).
  auto r = RunShadecast("optics render --melanin 0.01 --pigment smp_carbon_black --json --spectra");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  const auto skin = Lab(j["skin_lab"]), dot = Lab(j["dot_lab"]);
  INFO(r.out);
  CHECK(skin[0] >= 60);
  CHECK(skin[0] <= 72);
  CHECK(skin[0] - dot[0] >= 25);
  CHECK(j["fill"].get<double>() > 0.99);
  CHECK(j["in_range"].get<bool>());
  const double hue = std::atan2(dot[2] - skin[2], dot[1] - skin[1]) * 180 / M_PI + 360;
  CHECK(std::fmod(hue, 360.0) > 150);
  CHECK(std::fmod(hue, 360.0) < 300);
  CHECK(j["contrast_de00"].get<double>() > 10);
  CHECK(j["wavelengths_nm"].size() == 36);
  CHECK(j["dot_reflectance"].size() == 36);
  CHECK(j["skin_reflectance"].size() == 36);
}

TEST_CASE("optics render: a warm neutralizer raises b*, deeper pigment lowers contrast") {
  auto pure = nlohmann::json::parse(RunShadecast("optics render --pigment smp_carbon_black --json").out);
  auto warm = nlohmann::json::parse(
      RunShadecast("optics render --pigment smp_carbon_black:0.8,smp_warm_neutralizer:0.2 --json").out);
  CHECK(warm["dot_lab"][2].get<double>() > pure["dot_lab"][2].get<double>());
  auto deep = nlohmann::json::parse(RunShadecast("optics render --pigment smp_carbon_black --depth-mm 0.3 --json").out);
  CHECK(deep["contrast_de00"].get<double>() < pure["contrast_de00"].get<double>());
}

TEST_CASE("optics render: water per ml of ink dilutes, and out-of-table depths are refused") {
  auto neat = nlohmann::json::parse(RunShadecast("optics render --pigment smp_carbon_black --json").out);
  auto r20 = RunShadecast("optics render --pigment smp_carbon_black --water-ml-per-ml 20 --json");
  REQUIRE(r20.exit_code == 0);
  auto shade20 = nlohmann::json::parse(r20.out);
  CHECK(shade20["load"].get<double>() == Approx(1.0 / 21.0));
  CHECK(shade20["water_ml_per_ml"].get<double>() == 20.0);
  CHECK(shade20["dot_lab"][0].get<double>() > neat["dot_lab"][0].get<double>() + 10);
  auto both = RunShadecast("optics render --pigment smp_carbon_black --water-ml-per-ml 2 --load 0.5");
  CHECK(both.exit_code != 0);
  CHECK_THAT(both.err, Catch::Contains("--water-ml-per-ml"));
  auto deep = RunShadecast("optics render --pigment smp_carbon_black --depth-mm 1.5");
  CHECK(deep.exit_code != 0);
  CHECK_THAT(deep.err, Catch::Contains("depth_mm"));
  auto negative = RunShadecast("optics render --pigment smp_carbon_black --water-ml-per-ml -1");
  CHECK(negative.exit_code == 2);
  CHECK_THAT(negative.err, Catch::Contains("--water-ml-per-ml: expected 0-200"));
}

TEST_CASE("optics tabulate writes tables the engine can read, and refuses bad output paths and counts") {
  shadecast::test::TempDir dir;
  auto bad = RunShadecast("optics tabulate --out t.textproto", dir.path());
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--out") && Catch::Contains(".pb"));
  auto few = RunShadecast("optics tabulate --out t.pb --photons 10", dir.path());
  CHECK(few.exit_code == 2);
  CHECK_THAT(few.err, Catch::Contains("photons"));
  CHECK_FALSE(std::filesystem::exists(dir / "t.pb"));
  auto ok = RunShadecast("optics tabulate --out t.pb --photons 2000 --seed 3 --json", dir.path());
  REQUIRE(ok.exit_code == 0);
  const auto j = nlohmann::json::parse(ok.out);
  CHECK(j["photons"].get<int>() == 2000);
  CHECK(j["seed"].get<int>() == 3);
  CHECK(std::filesystem::file_size(dir / "t.pb") == j["bytes"].get<size_t>());
  shadecast::pb::McTables msg;
  std::ifstream in(dir / "t.pb", std::ios::binary);
  REQUIRE(msg.ParseFromIstream(&in));
  CHECK_NOTHROW(shadecast::optics::FromProto(msg));
  CHECK_THAT(ok.err, Catch::Contains("16 of 16 photon streams"));  // progress on stderr
}

TEST_CASE("optics fit-skin reports the inversion with the contracted keys") {
  // A typical measured light skin: the ISSA archive's median at ITA 38 deg (62.2, 11.4, 15.7 D65/2,
  // specular included; Lu et al. 2025 Sci Data 12:487), taken as D50 here.
  auto r = RunShadecast("optics fit-skin --lab 62.2,11.4,15.7 --json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"melanin", "blood", "scattering_scale", "residual_de00", "converged"}) CHECK(j.contains(key));
  CHECK(j["converged"].get<bool>());
  // A reachable light-skin colour: residual well under the 1 dE00 "outside" threshold.
  CHECK(j["residual_de00"].get<double>() < 0.3);
  auto bad = nlohmann::json::parse(RunShadecast("optics fit-skin --lab 50,-40,0 --json").out);
  CHECK_FALSE(bad["within_model"].get<bool>());
  CHECK(bad["residual_de00"].get<double>() > 1.0);
}

TEST_CASE("optics calibrate writes a parameters file every --params command accepts") {
  shadecast::test::TempDir dir;
  // Outcomes made with the model at a known different load scale (render --load 0.6 stands in for
  // a weaker ink); calibration from the defaults must explain them better than the defaults.
  std::ofstream csv(dir / "outcomes.csv");
  csv << "# synthetic outcomes\nrecipe,load,depth_mm,dot_diameter_mm,skin_L,skin_a,skin_b,healed_L,healed_a,healed_b\n";
  for (double mel : {0.02, 0.05, 0.1}) {
    for (double load : {0.5, 1.0}) {
      auto r = nlohmann::json::parse(RunShadecast("optics render --melanin " + std::to_string(mel) +
                                                  " --pigment carbon_black --json --load " + std::to_string(0.6 * load))
                                         .out);
      csv << "carbon_black," << load << ",,," << r["skin_lab"][0] << "," << r["skin_lab"][1] << "," << r["skin_lab"][2]
          << "," << r["dot_lab"][0] << "," << r["dot_lab"][1] << "," << r["dot_lab"][2] << "\n";
    }
  }
  csv.close();
  auto r = RunShadecast("optics calibrate --outcomes '" + (dir / "outcomes.csv").string() + "' --out '" +
                        (dir / "optics.textproto").string() + "' --json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  INFO(r.out);
  CHECK(j["mean_de00_after"].get<double>() < j["mean_de00_before"].get<double>());
  CHECK(j["mean_de00_after"].get<double>() < 0.5);
  auto again = RunShadecast("optics render --pigment carbon_black --json --params '" +
                            (dir / "optics.textproto").string() + "'");
  CHECK(again.exit_code == 0);
  auto fit = RunShadecast("optics fit-skin --lab 60,12,18 --json --params '" + (dir / "optics.textproto").string() + "'");
  CHECK(fit.exit_code == 0);
}

TEST_CASE("optics commands reject bad input with exit code 2 and no output file") {
  shadecast::test::TempDir dir;
  auto r = RunShadecast("optics render --pigment unobtainium");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("no pigment 'unobtainium'") && Catch::Contains("carbon_black"));
  r = RunShadecast("optics render --pigment carbon_black --melanin 1.5");
  CHECK(r.exit_code == 2);
  r = RunShadecast("optics fit-skin --lab 62,12");
  CHECK(r.exit_code == 2);
  std::ofstream(dir / "bad.csv") << "recipe,load\ncarbon_black,1\n";
  r = RunShadecast("optics calibrate --outcomes '" + (dir / "bad.csv").string() + "' --out '" +
                   (dir / "o.textproto").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("expected 10 columns"));
  CHECK_FALSE(std::filesystem::exists(dir / "o.textproto"));
  std::ofstream(dir / "p.textproto") << "depth_mm: -3\n";
  r = RunShadecast("optics render --pigment carbon_black --params '" + (dir / "p.textproto").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("depth_mm"));
}
