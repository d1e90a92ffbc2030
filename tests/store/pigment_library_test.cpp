// Loading pigment libraries: the shipped default and the errors malformed files give.
#include "store/pigment_library.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "support/test_support.h"

namespace st = shadecast::store;
using shadecast::test::TempDir;

namespace {
void Write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream f(p);
  f << text;
}
const char* kOnePigment = R"(pigments {
  id: "a"
  wavelengths_nm: [400, 500]
  k: [0.1, 0.2]
  s: [1, 1]
}
)";
}  // namespace

TEST_CASE("The shipped default pigment library loads with the required ids on the 36-band grid") {
  const auto lib = st::LoadPigmentLibrary(shadecast::test::RepoFile(st::kDefaultPigmentLibrary));
  // The ids external tools rely on (docs/pigments.md), with their roles.
  const std::vector<std::pair<std::string, shadecast::pb::PigmentRole>> required = {
      {"carbon_black", shadecast::pb::BLACK},
      {"iron_oxide_red", shadecast::pb::WARM_NEUTRALIZER},
      {"iron_oxide_yellow", shadecast::pb::WARM_NEUTRALIZER},
      {"titanium_white", shadecast::pb::REFERENCE},
      {"iron_oxide_brown", shadecast::pb::WARM_NEUTRALIZER},
      {"bone_black", shadecast::pb::BLACK}};
  for (const auto& [id, role] : required) {
    INFO(id);
    const auto& p = st::FindPigment(lib, id, "default");
    CHECK(p.role() == role);
    CHECK_FALSE(p.name().empty());
    CHECK_FALSE(p.colour_index().empty());
    CHECK_FALSE(p.source().empty());
    CHECK_FALSE(p.assumptions().empty());
    REQUIRE(p.wavelengths_nm_size() == 36);
    REQUIRE(p.k_size() == 36);
    REQUIRE(p.s_size() == 36);
    for (int i = 0; i < 36; ++i) {
      CHECK(p.wavelengths_nm(i) == 380.0 + 10.0 * i);  // exact: integers in the file
      CHECK(p.k(i) >= 0.0);
      CHECK(p.s(i) >= 0.0);
    }
  }
  CHECK(st::FindPigment(lib, "iron_oxide_brown", "default").proxy());
  // The scale is Berns's: S of titanium white is exactly 1 (by definition).
  for (double s : st::FindPigment(lib, "titanium_white", "default").s()) CHECK(s == 1.0);
  // Found from the data folder as well as by path.
  CHECK(st::LoadDefaultPigmentLibrary().pigments_size() == lib.pigments_size());
}

TEST_CASE("Malformed pigment libraries give errors naming the file and the problem") {
  TempDir dir;
  const auto path = dir / "lib.textproto";

  Write(path, "pigments {\n  id: \"a\"\n  colour: 3\n}\n");
  CHECK_THROWS_WITH(st::LoadPigmentLibrary(path), Catch::Contains(path.string()) &&
                                                      Catch::Contains("line 3") &&
                                                      Catch::Contains("colour"));

  Write(path, R"(pigments { id: "a" wavelengths_nm: [400, 500] k: [0.1] s: [1, 1] })");
  CHECK_THROWS_WITH(st::LoadPigmentLibrary(path), Catch::Contains(path.string()) &&
                                                      Catch::Contains("'a'") &&
                                                      Catch::Contains("2 wavelengths_nm but 1 k"));

  Write(path, R"(pigments { id: "a" wavelengths_nm: [400, 500] k: [0.1, -0.2] s: [1, 1] })");
  CHECK_THROWS_WITH(st::LoadPigmentLibrary(path),
                    Catch::Contains("k at 500") && Catch::Contains(">= 0"));

  Write(path, std::string(kOnePigment) + kOnePigment);
  CHECK_THROWS_WITH(st::LoadPigmentLibrary(path),
                    Catch::Contains(path.string()) && Catch::Contains("duplicate id"));

  Write(path, R"(pigments { id: "a" wavelengths_nm: [500, 400] k: [0, 0] s: [1, 1] })");
  CHECK_THROWS_WITH(st::LoadPigmentLibrary(path), Catch::Contains("strictly increasing"));

  CHECK_THROWS_WITH(st::LoadPigmentLibrary(dir / "missing.textproto"),
                    Catch::Contains("missing.textproto"));

  Write(path, kOnePigment);
  CHECK(st::LoadPigmentLibrary(path).pigments_size() == 1);
}

TEST_CASE("A pigment printed as text parses back to the same message") {
  const auto lib = st::LoadDefaultPigmentLibrary();
  const auto& p = st::FindPigment(lib, "iron_oxide_red", "default");
  const auto back = st::ParsePigmentText(st::PigmentToText(p), "printed");
  CHECK(back.SerializeAsString() == p.SerializeAsString());
}
