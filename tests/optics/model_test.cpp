// The forward model (Monte Carlo tables + interpolant, optics/model_impl.h): physical sense on
// textbook skin optics (Jacques 2013) and the known effects (Kienle et al. 1996), with a synthetic
// opaque test black so the physics is tested apart from the pigment library, and the shipped SMP ink
// for the dilution series.
#include "optics/model.h"

#include <ceres/jet.h>

#include "optics/model_impl.h"

#include <catch2/catch.hpp>

#include "blend/pigment_ks.h"
#include "color/ciede2000.h"
#include "store/pigment_library.h"

namespace op = shadecast::optics;
namespace sc = shadecast::color;

namespace {
op::PigmentKS TestBlack() {
  op::PigmentKS p;  // opaque clusters (absorptance 1), sieve 8
  p.id = "test_black";
  p.k.fill(1.0);
  p.s.fill(0.02);
  return p;
}
op::PigmentKS TestWarm() {
  // An iron-oxide-like neutralizer: its clusters absorb short wavelengths, pass long ones.
  op::PigmentKS p;
  p.id = "test_warm";
  for (int k = 0; k < sc::kBands; ++k) p.cluster_absorptance[k] = sc::BandNm(k) < 580 ? 0.95 : 0.2;
  return p;
}
op::BlendKS Only(const op::PigmentKS& p) { return op::MixBlend({{&p, 1.0}}, op::ModelParams{}); }
// Light skin of textbook optics: melanin 0.01, blood 0.01, scattering x1 (mu_s' = 46 /cm (l/500)^-1.42).
const op::SkinParams kLight{0.01, 0.01, 1.0};

const op::PigmentKS& SmpBlack() {
  static const op::PigmentKS p = shadecast::blend::PigmentKsFromProto(
      shadecast::store::FindPigment(shadecast::store::LoadDefaultPigmentLibrary(), "smp_carbon_black", "default"));
  return p;
}
}  // namespace

TEST_CASE("Reflectances stay within 0..1 and a dot never lightens the skin") {
  const auto black = TestBlack();
  for (double mel : {0.01, 0.05, 0.3, 0.45})
    for (double blood : {0.002, 0.02, 0.05})
      for (double depth : {0.05, 0.15, 0.3}) {
        op::ModelParams m;
        m.depth_mm = depth;
        const auto r = op::Render({mel, blood, 1.0}, Only(black), 1.0, m);
        CHECK(r.in_range);
        for (int k = 0; k < sc::kBands; ++k) {
          CHECK(r.skin_reflectance[k] > 0.0);
          CHECK(r.skin_reflectance[k] < 1.0);
          CHECK(r.dot_reflectance[k] >= 0.0);
          CHECK(r.dot_reflectance[k] <= r.skin_reflectance[k] + 1e-9);
        }
      }
}

TEST_CASE("Textbook light skin: an undiluted 0.5 mm dot 0.1 mm deep is 30-42 L* darker") {
  // The physical-sense range for light skin (L* ~66) under photon transport: an opaque sheet
  // 0.1 mm down reads near L* 25 by Monte Carlo (two-flux KM: ~51); a finite 0.5 mm dot is lighter.
  const auto r = op::Render(kLight, Only(TestBlack()), 1.0, op::ModelParams{});
  INFO("skin " << r.skin_lab[0] << "," << r.skin_lab[1] << "," << r.skin_lab[2] << " dot " << r.dot_lab[0] << ","
               << r.dot_lab[1] << "," << r.dot_lab[2]);
  CHECK(r.skin_lab[0] == Approx(66).margin(3));
  CHECK(r.skin_lab[0] - r.dot_lab[0] >= 30.0);
  CHECK(r.skin_lab[0] - r.dot_lab[0] <= 42.0);
  CHECK(r.coverage > 0.999);
}

TEST_CASE("Deeper black: weaker contrast, and the contrast turns to long wavelengths (Kienle 1996)") {
  const auto black = Only(TestBlack());
  double last_de = 1e9, last_ratio = -1e9;
  const int i450 = (450 - 380) / 10, i650 = (650 - 380) / 10;
  for (double depth : {0.05, 0.08, 0.12, 0.16, 0.2, 0.25, 0.3}) {
    op::ModelParams m;
    m.depth_mm = depth;
    const auto r = op::Render(kLight, black, 1.0, m);
    const double c450 = 1 - r.dot_reflectance[i450] / r.skin_reflectance[i450];
    const double c650 = 1 - r.dot_reflectance[i650] / r.skin_reflectance[i650];
    const double ratio = std::log(c650 / c450);
    INFO("depth " << depth << " de " << r.contrast_de00 << " log C650/C450 " << ratio);
    CHECK(r.contrast_de00 < last_de);
    CHECK(ratio > last_ratio);
    last_de = r.contrast_de00;
    last_ratio = ratio;
  }
}

TEST_CASE("Contrast falls as melanin rises") {
  const auto black = Only(TestBlack());
  double last = 1e9;
  for (double mel : {0.01, 0.05, 0.15, 0.3, 0.45}) {
    const auto r = op::Render({mel, 0.01, 1.0}, black, 1.0, op::ModelParams{});
    INFO("melanin " << mel << " contrast " << r.contrast_de00);
    CHECK(r.contrast_de00 < last);
    last = r.contrast_de00;
  }
}

TEST_CASE("A smaller dot has less contrast") {
  const auto black = Only(TestBlack());
  double last = -1;
  for (double d : {0.2, 0.35, 0.5, 0.8, 1.2}) {
    op::ModelParams m;
    m.dot_diameter_mm = d;
    const auto r = op::Render(kLight, black, 1.0, m);
    CHECK(r.contrast_de00 > last);
    last = r.contrast_de00;
  }
}

TEST_CASE("Healed L* rises steadily with water from 0 to 25 ml per ml ink, and warms") {
  // The shipped SMP carbon-black ink at concentration 1 / (1 + water): L* strictly increasing by at
  // least 0.3 per step of water, b* (toward the skin's yellow) increasing.
  const auto ink = Only(SmpBlack());
  double last_l = -1, last_b = -1e9;
  for (double water : {0.0, 1.0, 2.0, 4.0, 6.0, 8.0, 10.0, 13.0, 16.0, 20.0, 25.0}) {
    const auto r = op::Render(kLight, ink, 1.0 / (1.0 + water), op::ModelParams{});
    INFO("water " << water << " dot " << r.dot_lab[0] << "," << r.dot_lab[1] << "," << r.dot_lab[2] << " fill "
                  << r.coverage);
    CHECK(r.dot_lab[0] > last_l + 0.3);
    CHECK(r.dot_lab[2] > last_b);
    last_l = r.dot_lab[0];
    last_b = r.dot_lab[2];
  }
  // Still visible at 1:25 (a light grey, not gone), far lighter than undiluted.
  const auto r25 = op::Render(kLight, ink, 1.0 / 26.0, op::ModelParams{});
  CHECK(r25.contrast_de00 > 3.0);
}

TEST_CASE("A warm neutralizer added to black raises the dot's b*") {
  const auto black = TestBlack(), warm = TestWarm();
  const op::ModelParams m;
  const auto pure = op::Render(kLight, op::MixBlend({{&black, 1.0}}, m), 1.0, m);
  const auto mixed = op::Render(kLight, op::MixBlend({{&black, 0.7}, {&warm, 0.3}}, m), 1.0, m);
  CHECK(mixed.dot_lab[2] > pure.dot_lab[2]);
}

TEST_CASE("Zero load gives the bare skin") {
  const auto r = op::Render(op::SkinParams{}, Only(TestBlack()), 0.0, op::ModelParams{});
  for (int k = 0; k < sc::kBands; ++k) CHECK(r.dot_reflectance[k] == Approx(r.skin_reflectance[k]).margin(1e-12));
  CHECK(r.coverage == 0.0);
}

TEST_CASE("Parameters outside the tables are refused with the field named") {
  op::ModelParams m;
  m.depth_mm = 1.2;
  CHECK_THROWS_WITH(op::Render(kLight, Only(TestBlack()), 1.0, m), Catch::Contains("depth_mm"));
  m = {};
  m.dot_diameter_mm = 3.0;
  CHECK_THROWS_WITH(op::Render(kLight, Only(TestBlack()), 1.0, m), Catch::Contains("dot_diameter_mm"));
  m = {};
  m.epidermis_mm = 0.08;
  CHECK_THROWS_WITH(op::Render(kLight, Only(TestBlack()), 1.0, m), Catch::Contains("optics tabulate"));
}

TEST_CASE("Model derivatives from Jets agree with finite differences") {
  // d(dot L*a*b*)/d(depth, load) through the interpolant, Jets vs central differences (h = 1e-6);
  // agreement to 1e-4 relative or 1e-5 absolute (the interpolant is C1; nodes avoided).
  using J = ceres::Jet<double, 2>;
  namespace impl = shadecast::optics::impl;
  const auto black = TestBlack();
  const op::PigmentKS* pig[] = {&black};
  const double scale[] = {1.0};
  op::ModelParams params;
  auto lab_at = [&](auto depth, auto load) {
    using T = decltype(depth);
    auto m = impl::ModelT<T>::From(params);
    m.depth_mm = depth;
    const auto skin = impl::SkinT<T>::From(kLight);
    T sieve, weighted[sc::kBands], rs[sc::kBands], rd[sc::kBands];
    const T amounts[] = {load};
    impl::InkTerms(pig, amounts, scale, 1, m, &sieve, weighted);
    impl::Reflectances(skin, m, sieve, weighted, rs, rd);
    return impl::LabD50(rd);
  };
  for (double depth : {0.11, 0.22})
    for (double load : {0.07, 0.3}) {
      const auto lab = lab_at(J(depth, 0), J(load, 1));
      const double h = 1e-6;
      for (int c = 0; c < 3; ++c) {
        const double dd = (lab_at(depth + h, load)[c] - lab_at(depth - h, load)[c]) / (2 * h);
        const double dl = (lab_at(depth, load + h)[c] - lab_at(depth, load - h)[c]) / (2 * h);
        CHECK(lab[c].v[0] == Approx(dd).epsilon(1e-4).margin(1e-5));
        CHECK(lab[c].v[1] == Approx(dl).epsilon(1e-4).margin(1e-5));
      }
    }
}

TEST_CASE("A skin outside the Monte Carlo tables says so (in_range false), one inside does not") {
  // The tables' mus reach 76 /mm: scattering 3x textbook at 380 nm is ~102 /mm, beyond them, and the
  // interpolant clamps there; Render must say so rather than return a silently clamped colour.
  const auto inside = op::Render(kLight, Only(TestBlack()), 1.0, op::ModelParams{});
  const auto outside = op::Render({0.01, 0.01, 3.0}, Only(TestBlack()), 1.0, op::ModelParams{});
  CHECK(inside.in_range);
  CHECK_FALSE(outside.in_range);
}
