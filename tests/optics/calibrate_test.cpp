// `optics calibrate`: recover the effect of changed global parameters from synthetic outcomes made
// with known parameters (ground truth: the model itself with those parameters).
#include "optics/calibrate.h"

#include <catch2/catch.hpp>
#include <random>

#include "color/ciede2000.h"
#include "optics/model.h"

namespace op = shadecast::optics;
namespace sc = shadecast::color;

namespace {
op::PigmentKS Flat(const char* id, double k, double s) {
  op::PigmentKS p;
  p.id = id;
  p.k.fill(k);
  p.s.fill(s);
  return p;
}
}  // namespace

TEST_CASE("optics calibrate fits global parameters that reproduce synthetic outcomes") {
  const op::PigmentKS black = Flat("test_black", 0.2, 0.02);
  op::PigmentKS warm = Flat("test_warm", 0.05, 0.3);
  for (int k = 0; k < sc::kBands; ++k) warm.cluster_absorptance[k] = sc::BandNm(k) < 580 ? 0.9 : 0.2;

  // The Monte Carlo model's global parameters: scattering, depth, the inks' sieve.
  op::ModelParams truth;
  truth.scattering_a_per_cm = 38;
  truth.depth_mm = 0.14;
  truth.sieve_scale = 0.5;
  truth.pigment_scale["test_black"] = 1.4;

  op::ModelParams start;

  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<op::Outcome> outcomes;
  for (int i = 0; i < 30; ++i) {
    op::Outcome o;
    const double w = (i % 3 == 0) ? 0.0 : 0.1 + 0.2 * u(rng);
    o.blend = {{&black, 1 - w}};
    if (w > 0) o.blend.push_back({&warm, w});
    o.load = 0.03 + 0.3 * u(rng);
    o.dot_diameter_mm = 0.4 + 0.4 * u(rng);
    const op::SkinParams skin{std::exp(std::log(0.01) + u(rng) * std::log(30.0)), 0.005 + 0.02 * u(rng),
                              0.8 + 0.4 * u(rng)};
    const auto r = op::Render(skin, op::MixBlend(o.blend, truth), o.load, [&] {
      auto p = truth;
      p.dot_diameter_mm = o.dot_diameter_mm;
      return p;
    }());
    o.skin_lab = r.skin_lab;
    o.healed_lab = r.dot_lab;
    outcomes.push_back(o);
  }
  const auto fit = op::CalibrateOptics(outcomes, start);
  INFO(fit.BriefReport());
  WARN(fit.BriefReport());
  // Noise-free outcomes: the fit must explain them far better than the start (which is off by
  // several dE00) - mean below 0.3 dE00, every one below 1.0.
  CHECK(fit.mean_de00_before > 1.0);
  CHECK(fit.mean_de00_after < 0.3);
  CHECK(fit.max_de00_after < 1.0);
  CHECK(fit.params.IsValid(nullptr));
}

TEST_CASE("optics calibrate refuses an empty outcome list") {
  CHECK_THROWS_WITH(op::CalibrateOptics({}, op::ModelParams{}), Catch::Contains("no outcomes"));
}
