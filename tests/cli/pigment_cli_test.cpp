// `shadecast pigment characterize | list`, run as a user would.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "blend/characterize.h"
#include "store/pigment_library.h"
#include "support/test_support.h"

namespace bl = shadecast::blend;
namespace st = shadecast::store;
using shadecast::test::RunShadecast;
using shadecast::test::TempDir;

namespace {

const shadecast::pb::PigmentLibrary& DefaultLibrary() {
  static const auto lib =
      st::LoadPigmentLibrary(shadecast::test::RepoFile(st::kDefaultPigmentLibrary));
  return lib;
}
bl::PigmentKs FromDefault(const std::string& id) {
  return bl::PigmentKsFromProto(st::FindPigment(DefaultLibrary(), id, "default"));
}

// A tint ladder of the default red iron oxide with titanium white, in the characterisation CSV
// format.
void WriteLadder(const std::filesystem::path& path) {
  const bl::PigmentKs white = FromDefault("titanium_white");
  const bl::PigmentKs truth = FromDefault("iron_oxide_red");
  bl::CharacterizationData data;
  const std::vector<std::string> labels = {"tint:1",   "tint:0.5",  "tint:0.25",
                                           "tint:0.1", "tint:0.05", "tint:0.02"};
  for (const auto& l : labels)
    data.samples.push_back({l, bl::SampleKind::kTint, std::stod(l.substr(5)), {}});
  std::ofstream f(path);
  f << "# synthetic tint ladder: default iron_oxide_red with titanium_white, Saunderson k1=0.03 "
       "k2=0.65\n";
  f << "wavelength_nm";
  for (const auto& l : labels) f << "," << l;
  f << "\n";
  std::vector<shadecast::color::Spectral36> r;
  for (const auto& s : data.samples) r.push_back(bl::PredictSample(s, data, truth, white, {}));
  for (int i = 0; i < shadecast::color::kBands; ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", shadecast::color::BandNm(i));
    f << buf;
    for (const auto& ri : r) {
      std::snprintf(buf, sizeof buf, ",%.8f", ri[i]);
      f << buf;
    }
    f << "\n";
  }
}

}  // namespace

TEST_CASE("pigment characterize fits a tint ladder and writes a Pigment textproto") {
  TempDir dir;
  WriteLadder(dir / "ladder.csv");
  const auto out = dir / "red.textproto";
  auto r = RunShadecast("pigment characterize --reflectance '" + (dir / "ladder.csv").string() +
                        "' --out '" + out.string() +
                        "' --id my_red --role warm_neutralizer --colour-index PR101 --json");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  // Synthetic, noise-free data written to 8 decimals: the acceptance bound 0.5 dE00 holds easily.
  CHECK(j["residual_de00"].get<double>() < 0.5);
  CHECK(j["max_de00"].get<double>() < 0.5);
  CHECK(j["converged"].get<bool>());
  CHECK(j["out"].get<std::string>() == out.string());
  REQUIRE(j["samples"].size() == 6);

  const auto p = st::ParsePigmentText(shadecast::test::ReadText(out), out.string());
  CHECK(p.id() == "my_red");
  CHECK(p.role() == shadecast::pb::WARM_NEUTRALIZER);
  CHECK(p.colour_index() == "PR101");
  REQUIRE(p.k_size() == 36);
  CHECK_THAT(p.source(), Catch::Contains("ladder.csv"));
  // The fitted K at 550 nm is the default's within 5 % (the ladder determines it there).
  CHECK(p.k(17) == Approx(FromDefault("iron_oxide_red").k[17]).epsilon(0.05));

  // Plain output names the residual.
  r = RunShadecast("pigment characterize --reflectance '" + (dir / "ladder.csv").string() +
                   "' --out '" + (dir / "red2.textproto").string() + "'");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("residual dE00 mean"));
}

TEST_CASE("pigment characterize rejects bad input with exit code 2 and writes nothing") {
  TempDir dir;
  const auto out = dir / "out.textproto";
  auto r = RunShadecast("pigment characterize --reflectance '" + (dir / "missing.csv").string() +
                        "' --out '" + out.string() + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("missing.csv"));
  CHECK_FALSE(std::filesystem::exists(out));

  {
    std::ofstream f(dir / "bad.csv");
    f << "wavelength_nm,tint:1,mix0.5\n380,0.1,0.3\n730,0.2,0.4\n";
  }
  r = RunShadecast("pigment characterize --reflectance '" + (dir / "bad.csv").string() +
                   "' --out '" + out.string() + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.csv") && Catch::Contains("'mix0.5'") &&
                        Catch::Contains("expected tint:"));
  CHECK_FALSE(std::filesystem::exists(out));

  {
    std::ofstream f(dir / "one.csv");
    f << "wavelength_nm,tint:1\n380,0.1\n730,0.2\n";
  }
  r = RunShadecast("pigment characterize --reflectance '" + (dir / "one.csv").string() +
                   "' --out '" + out.string() + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("one.csv") && Catch::Contains("only K/S"));
  CHECK_FALSE(std::filesystem::exists(out));

  WriteLadder(dir / "ladder.csv");
  r = RunShadecast("pigment characterize --reflectance '" + (dir / "ladder.csv").string() +
                   "' --out '" + out.string() + "' --white-id no_such_white");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("no pigment 'no_such_white'"));
  CHECK_FALSE(std::filesystem::exists(out));

  r = RunShadecast("pigment characterize --reflectance '" + (dir / "ladder.csv").string() +
                   "' --out '" + out.string() + "' --role purple");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--role 'purple'"));
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("pigment list shows the shipped library's ids, names and roles") {
  auto r = RunShadecast("pigment list --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  std::map<std::string, std::string> roles;
  for (const auto& p : j["pigments"])
    roles[p["id"].get<std::string>()] = p["role"].get<std::string>();
  CHECK(roles["carbon_black"] == "BLACK");
  CHECK(roles["iron_oxide_red"] == "WARM_NEUTRALIZER");
  CHECK(roles["titanium_white"] == "REFERENCE");
  CHECK(roles["smp_carbon_black"] == "BLACK");
  CHECK(roles["smp_warm_neutralizer"] == "WARM_NEUTRALIZER");
  CHECK(roles["smp_cool_neutralizer"] == "COOL_NEUTRALIZER");
  CHECK(roles.size() == 9);
  for (const auto& p : j["pigments"])  // artists' paints are characterisation examples only
    CHECK(p["characterisation_only"].get<bool>() == (p["id"].get<std::string>().rfind("smp_", 0) != 0));

  r = RunShadecast("pigment list");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("iron_oxide_brown") && Catch::Contains("proxy") &&
                        Catch::Contains("characterisation only"));

  TempDir dir;
  {
    std::ofstream f(dir / "broken.textproto");
    f << "pigments { id: \"x\" k: [1 }\n";
  }
  r = RunShadecast("pigment list --library '" + (dir / "broken.textproto").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("broken.textproto") && Catch::Contains("line 1"));
}

TEST_CASE("pigment --help works on each subcommand") {
  for (const char* cmd : {"pigment --help", "pigment characterize --help", "pigment list --help"}) {
    INFO(cmd);
    auto r = RunShadecast(cmd);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("Usage") || Catch::Contains("Options"));
  }
}
