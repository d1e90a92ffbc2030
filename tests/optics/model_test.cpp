// The skin-pigment model's known effects (design.md section 5; Kienle et al. 1996) with a
// synthetic test black (flat K, weak S) so the physics is tested apart from the pigment library.
#include "optics/model.h"

#include <ceres/jet.h>

#include "optics/model_impl.h"

#include <catch2/catch.hpp>

#include "color/ciede2000.h"
#include "color/skin_tone.h"

namespace op = shadecast::optics;
namespace sc = shadecast::color;

namespace {
op::PigmentKS TestBlack() {
  op::PigmentKS p;
  p.id = "test_black";
  p.k.fill(1.0);
  p.s.fill(0.02);
  return p;
}
op::PigmentKS TestWarm() {
  // An iron-oxide-red-like neutralizer: absorbs short wavelengths, scatters.
  op::PigmentKS p;
  p.id = "test_warm";
  for (int k = 0; k < sc::kBands; ++k) {
    const double nm = sc::BandNm(k);
    p.k[k] = nm < 580 ? 1.0 : 0.05;
    p.s[k] = 0.3;
  }
  return p;
}
op::BlendKS Only(const op::PigmentKS& p) { return op::MixBlend({{&p, 1.0}}, op::ModelParams{}); }
}  // namespace

TEST_CASE("Reflectances stay within 0..1 over the parameter range") {
  const auto black = TestBlack();
  for (double mel : {0.002, 0.05, 0.3, 0.5})
    for (double blood : {0.002, 0.02, 0.1})
      for (double depth : {0.08, 0.3, 1.2}) {
        op::ModelParams m;
        m.depth_mm = depth;
        const auto r = op::Render({mel, blood, 1.0}, Only(black), 1.0, m);
        for (int k = 0; k < sc::kBands; ++k) {
          CHECK(r.skin_reflectance[k] >= 0.0);
          CHECK(r.skin_reflectance[k] <= 1.0);
          CHECK(r.dot_reflectance[k] >= 0.0);
          CHECK(r.dot_reflectance[k] <= r.skin_reflectance[k] + 1e-12);
        }
      }
}

TEST_CASE("Plausible defaults: light skin reads L* 60-72, carbon-like black >= 15 L* darker and cooler") {
  const auto black = TestBlack();
  const auto r = op::Render(op::SkinParams{}, Only(black), 1.0, op::ModelParams{});
  INFO("skin " << r.skin_lab[0] << "," << r.skin_lab[1] << "," << r.skin_lab[2] << " dot " << r.dot_lab[0]
               << "," << r.dot_lab[1] << "," << r.dot_lab[2] << " coverage " << r.coverage);
  CHECK(r.skin_lab[0] >= 60.0);
  CHECK(r.skin_lab[0] <= 72.0);
  CHECK(r.skin_lab[0] - r.dot_lab[0] >= 15.0);
  // Cooler: the dot's hue angle is further from the skin's yellow-red towards blue, i.e. lower b*/a*
  // chroma direction; compare the hue angles (design.md: "cooler in hue").
  CHECK(r.dot_lab[2] < r.skin_lab[2]);
}

TEST_CASE("Deeper black: weaker contrast, and the contrast turns to long wavelengths (Kienle 1996)") {
  const auto black = Only(TestBlack());
  const op::SkinParams skin{};
  double last_de = 1e9, last_ratio = -1e9;
  const int i450 = (450 - 380) / 10, i650 = (650 - 380) / 10;
  for (double depth : {0.1, 0.2, 0.3, 0.45, 0.6, 0.9, 1.2}) {
    op::ModelParams m;
    m.depth_mm = depth;
    const auto r = op::Render(skin, black, 1.0, m);
    INFO("depth " << depth << " de " << r.contrast_de00);
    CHECK(r.contrast_de00 < last_de);
    last_de = r.contrast_de00;
    const double c450 = 1 - r.dot_reflectance[i450] / r.skin_reflectance[i450];
    const double c650 = 1 - r.dot_reflectance[i650] / r.skin_reflectance[i650];
    if (depth <= 0.6 && c450 > 0.01 && c650 > 0.01) {
      const double ratio = std::log(c650 / c450);
      INFO("log C650/C450 " << ratio);
      CHECK(ratio > last_ratio);
      last_ratio = ratio;
    }
  }
  CHECK(last_ratio > -1e9);
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
    const auto r = op::Render(op::SkinParams{}, black, 1.0, m);
    CHECK(r.contrast_de00 > last);
    last = r.contrast_de00;
  }
}

TEST_CASE("A warm neutralizer added to black raises the dot's b*") {
  const auto black = TestBlack(), warm = TestWarm();
  const op::ModelParams m;
  const auto pure = op::Render(op::SkinParams{}, op::MixBlend({{&black, 1.0}}, m), 1.0, m);
  const auto mixed = op::Render(op::SkinParams{}, op::MixBlend({{&black, 0.7}, {&warm, 0.3}}, m), 1.0, m);
  CHECK(mixed.dot_lab[2] > pure.dot_lab[2]);
}

TEST_CASE("Zero load gives the bare skin") {
  const auto r = op::Render(op::SkinParams{}, Only(TestBlack()), 0.0, op::ModelParams{});
  for (int k = 0; k < sc::kBands; ++k) CHECK(r.dot_reflectance[k] == Approx(r.skin_reflectance[k]).margin(1e-12));
}

TEST_CASE("Model derivatives from Jets agree with finite differences") {
  // d(dot L*a*b*)/d(depth, load) through the whole stack, Jets vs central differences (h = 1e-6);
  // agreement to 1e-5 relative or 1e-6 absolute.
  using J = ceres::Jet<double, 2>;
  namespace impl = shadecast::optics::impl;
  const auto black = TestBlack();
  op::ModelParams params;
  auto lab_at = [&](auto depth, auto load) {
    using T = decltype(depth);
    auto m = impl::ModelT<T>::From(params);
    m.depth_mm = depth;
    const auto skin = impl::SkinT<T>::From(op::SkinParams{});
    T k[sc::kBands], s[sc::kBands], rs[sc::kBands], rd[sc::kBands];
    for (int i = 0; i < sc::kBands; ++i) {
      k[i] = T(black.k[i]);
      s[i] = T(black.s[i]);
    }
    impl::Reflectances(skin, m, k, s, load, rs, rd);
    return impl::LabD50(rd);
  };
  for (double depth : {0.1, 0.3})
    for (double load : {0.3, 1.0}) {
      const auto lab = lab_at(J(depth, 0), J(load, 1));
      const double h = 1e-6;
      for (int c = 0; c < 3; ++c) {
        const double dd = (lab_at(depth + h, load)[c] - lab_at(depth - h, load)[c]) / (2 * h);
        const double dl = (lab_at(depth, load + h)[c] - lab_at(depth, load - h)[c]) / (2 * h);
        CHECK(lab[c].v[0] == Approx(dd).epsilon(1e-5).margin(1e-6));
        CHECK(lab[c].v[1] == Approx(dl).epsilon(1e-5).margin(1e-6));
      }
    }
}

TEST_CASE("The dot's radial profile starts at the core coverage and falls to zero") {
  // Reference: DotProfile(0) must equal the closed-form core coverage 1 - exp(-r^2/2sigma^2)
  // (to 1e-6, Simpson on 256 intervals), decrease outwards, be ~0.5 near the blurred edge and
  // vanish far away.
  for (double d : {0.2, 0.5, 1.0}) {
    op::ModelParams m;
    m.dot_diameter_mm = d;
    const auto r = op::Render(op::SkinParams{}, Only(TestBlack()), 1.0, m);
    CHECK(op::DotProfile(0.0, m) == Approx(r.coverage).margin(1e-6));
    double last = 2;
    for (double rho = 0; rho < 2.0; rho += 0.05) {
      const double p = op::DotProfile(rho, m);
      CHECK(p <= last + 1e-12);
      last = p;
    }
    CHECK(op::DotProfile(3.0, m) < 1e-6);
  }
  op::ModelParams wide;
  wide.dot_diameter_mm = 4.0;  // a wide disk: the profile at its edge is one half (to 0.02)
  CHECK(op::DotProfile(2.0, wide) == Approx(0.5).margin(0.02));
}
