// ITA and hue helpers. Reference: ITA definition and Del Bino category bounds (design.md section 4).
#include "color/skin_tone.h"

#include <catch2/catch.hpp>

namespace sc = shadecast::color;

TEST_CASE("ITA follows atan((L*-50)/b*) and its categories") {
  CHECK(sc::ItaDeg({60, 10, 10}) == Approx(45.0).margin(1e-9));
  CHECK(sc::ItaDeg({50, 10, 20}) == Approx(0.0).margin(1e-9));
  CHECK(sc::ItaDeg({70, 5, 0}) == Approx(90.0).margin(1e-9));
  CHECK(sc::ItaCategory(60) == "very_light");
  CHECK(sc::ItaCategory(45) == "light");
  CHECK(sc::ItaCategory(30) == "intermediate");
  CHECK(sc::ItaCategory(15) == "tan");
  CHECK(sc::ItaCategory(0) == "brown");
  CHECK(sc::ItaCategory(-45) == "dark");
}

TEST_CASE("Hue angle and chroma") {
  CHECK(sc::HueDeg({50, 0, 10}) == Approx(90.0).margin(1e-9));
  CHECK(sc::HueDeg({50, 0, -10}) == Approx(270.0).margin(1e-9));
  CHECK(sc::Chroma({50, 3, 4}) == Approx(5.0).margin(1e-12));
}

TEST_CASE("D50 -> D65 adaptation keeps neutrals neutral") {
  const sc::Lab n = sc::D50ToD65Lab({60, 0, 0});
  CHECK(n[0] == Approx(60).margin(1e-3));
  CHECK(n[1] == Approx(0).margin(2e-3));
  CHECK(n[2] == Approx(0).margin(2e-3));
}
