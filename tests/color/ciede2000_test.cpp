// CIEDE2000 against Sharma, Wu & Dalal 2005 (tests/data/ciede2000_sharma2005.csv), LittleCMS, and
// its own derivatives.
#include "color/ciede2000.h"

#include <catch2/catch.hpp>
#include <ceres/jet.h>

#include "color/csv.h"
#include "color/icc.h"
#include "support/test_support.h"

using shadecast::color::Lab;
using shadecast::color::Triple;

namespace {
struct Pair {
  int id;
  Lab a, b;
  double de00;
};
std::vector<Pair> SharmaPairs() {
  auto path = shadecast::test::TestData("ciede2000_sharma2005.csv");
  auto t = shadecast::color::ParseCsv(shadecast::test::ReadText(path), path.string());
  std::vector<Pair> out;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    out.push_back({int(t.Number(r, 0)),
                   {t.Number(r, 1), t.Number(r, 2), t.Number(r, 3)},
                   {t.Number(r, 4), t.Number(r, 5), t.Number(r, 6)},
                   t.Number(r, 7)});
  }
  return out;
}
}  // namespace

TEST_CASE("CIEDE2000 matches the 34 Sharma-Wu-Dalal pairs to 1e-4") {
  const auto pairs = SharmaPairs();
  REQUIRE(pairs.size() == 34);
  for (const auto& p : pairs) {
    INFO("pair " << p.id);
    // Tolerance 1e-4: the published values have 4 decimals.
    CHECK(shadecast::color::DeltaE00(p.a, p.b) == Approx(p.de00).margin(1e-4));
    // Symmetric.
    CHECK(shadecast::color::DeltaE00(p.b, p.a) == Approx(p.de00).margin(1e-4));
  }
}

TEST_CASE("CIEDE2000 agrees with LittleCMS cmsCIE2000DeltaE") {
  // Independent implementation; agreement to 1e-6 on the Sharma pairs and a grid of colours.
  for (const auto& p : SharmaPairs()) {
    INFO("pair " << p.id);
    CHECK(shadecast::color::DeltaE00(p.a, p.b) == Approx(shadecast::color::LcmsDeltaE00(p.a, p.b)).margin(1e-6));
  }
  for (double L : {5.0, 30.0, 55.0, 90.0})
    for (double a : {-60.0, -5.0, 3.0, 40.0})
      for (double b : {-50.0, 0.5, 25.0}) {
        const Lab x{L, a, b}, y{L * 0.9 + 4, a + 7, b - 3};
        CHECK(shadecast::color::DeltaE00(x, y) == Approx(shadecast::color::LcmsDeltaE00(x, y)).margin(1e-6));
      }
}

TEST_CASE("CIEDE2000 on Jets matches the double version and finite differences") {
  using J = ceres::Jet<double, 6>;
  const auto pairs = SharmaPairs();
  for (const auto& p : pairs) {
    // Pairs 7-16 sit on the hue discontinuity or at C* = 0, where no derivative exists.
    if (p.id >= 7 && p.id <= 16) continue;
    INFO("pair " << p.id);
    Triple<J> a, b;
    for (int i = 0; i < 3; ++i) {
      a[i] = J(p.a[i], i);
      b[i] = J(p.b[i], 3 + i);
    }
    const J d = shadecast::color::DeltaE00(a, b);
    CHECK(d.a == Approx(shadecast::color::DeltaE00(p.a, p.b)).epsilon(1e-14));
    // Central differences, h = 1e-6; agreement to 1e-5 relative (or 1e-6 absolute).
    const double h = 1e-6;
    for (int k = 0; k < 6; ++k) {
      Lab ap = p.a, am = p.a, bp = p.b, bm = p.b;
      if (k < 3) {
        ap[k] += h;
        am[k] -= h;
      } else {
        bp[k - 3] += h;
        bm[k - 3] -= h;
      }
      const double fd =
          (shadecast::color::DeltaE00(ap, bp) - shadecast::color::DeltaE00(am, bm)) / (2 * h);
      CHECK(d.v[k] == Approx(fd).epsilon(1e-5).margin(1e-6));
    }
  }
}

TEST_CASE("DeltaE76 is the Euclidean distance") {
  CHECK(shadecast::color::DeltaE76(Lab{50, 0, 0}, Lab{53, 4, 0}) == Approx(5.0).margin(1e-12));
}

TEST_CASE("DeltaE00Residuals square-sum to DeltaE00^2 and stay differentiable at a match") {
  for (const auto& p : SharmaPairs()) {
    const auto r = shadecast::color::DeltaE00Residuals(p.a, p.b);
    // Exact identity up to rounding (1e-9), and the published value (1e-4).
    CHECK(std::sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]) == Approx(p.de00).margin(1e-4));
  }
  using J = ceres::Jet<double, 3>;
  Triple<J> a{J(50.0, 0), J(10.0, 1), J(20.0, 2)};
  Triple<J> b{J(50.0), J(10.0), J(20.0)};
  const auto r = shadecast::color::DeltaE00Residuals(a, b);
  for (const auto& x : r) {
    CHECK(x.a == Approx(0.0).margin(1e-12));
    for (int k = 0; k < 3; ++k) CHECK(std::isfinite(x.v[k]));
  }
}
