// The exposure field across the chart (issue 20): light falling off across the card, of shapes
// outside the field's basis (log-quadratic in chart coordinates), fitted with the mapping.
//
// Ground truth: the synthesiser (src/synth) renders the chart's BabelColor spectra through the
// Canon 5D Mark II sensitivities; the fall-off multiplies the linear camera RGB of each patch (the
// light on the card, before the camera). The field is recovered up to a constant (the profile's
// own scale), so recovered / true is compared after dividing by its mean over the patches.
#include "calib/calibration.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <random>

#include "color/colorimetry.h"
#include "store/shipped_data.h"
#include "synth/chart.h"
#include "synth/truth.h"

namespace cal = shadecast::calib;
namespace sc = shadecast::color;
namespace ss = shadecast::synth;
namespace st = shadecast::store;

namespace {

using Shape = std::function<double(double u, double v)>;

// Patches of the ColorChecker under `light`, each multiplied by shape(u, v) at its centre.
cal::CalibrationInput Lit(const char* light, const Shape& shape, bool noisy = false) {
  cal::CalibrationInput in;
  in.chart = st::LoadChart("colorchecker24");
  const ss::CameraResponse resp(st::LoadCamera("canon_eos_5d_mark_ii"), sc::CieIlluminant(light));
  ss::CaptureOptions cap;
  cap.encoding = ss::Encoding::kLinear;
  cap.noise = ss::NoiseModel::FromString("none");
  const auto pr = ss::RenderPatches(ss::PatchSpectra(in.chart), resp, cap, 7);
  in.reference = pr.lab;
  const auto pos = cal::PatchPositions(in.chart);
  // `noisy`: the noise of a patch mean over a few hundred pixels of a camera photo, 0.4 % of the
  // value plus 0.0005 of full scale (the synthesiser's pixel noise model is for single pixels).
  std::mt19937 rng(7);
  std::normal_distribution<double> gauss(0.0, 1.0);
  for (size_t i = 0; i < pr.rgb.size(); ++i) {
    cal::PatchObservation o;
    const double e = shape(pos[i][0], pos[i][1]);
    for (int c = 0; c < 3; ++c) {
      const double v = pr.rgb[i][c] * e;
      o.rgb[c] = std::max(noisy ? v * (1 + 0.004 * gauss(rng)) + 0.0005 * gauss(rng) : v, 0.0);
    }
    in.patches.push_back(o);
  }
  return in;
}

// A lamp beside the card: irradiance cos(theta) / d^2 from a point at (u0, v0) and height h (chart
// units, the card spans [-1, 1]), scaled to 1 at the brightest patch. Not log-quadratic.
Shape Lamp(double u0, double v0, double h) {
  return [=](double u, double v) {
    const double d2 = (u - u0) * (u - u0) + (v - v0) * (v - v0) + h * h;
    return h / std::pow(d2, 1.5);
  };
}

// The lamp's height that makes the darkest patch 70 % of the brightest (a 30 % fall-off).
Shape ThirtyPercentLamp(double u0, double v0) {
  const auto pos = cal::PatchPositions(st::LoadChart("colorchecker24"));
  auto ratio = [&](double h) {
    double lo = 1e300, hi = 0;
    for (const auto& p : pos) lo = std::min(lo, Lamp(u0, v0, h)(p[0], p[1])), hi = std::max(hi, Lamp(u0, v0, h)(p[0], p[1]));
    return lo / hi;
  };
  double a = 0.5, b = 50;  // ratio rises with the height
  for (int k = 0; k < 100; ++k) {
    const double m = 0.5 * (a + b);
    (ratio(m) < 0.7 ? a : b) = m;
  }
  return Lamp(u0, v0, 0.5 * (a + b));
}

// max over patches of |recovered / true - 1| after removing the common scale.
double WorstFieldError(const cal::CalibrationResult& r, const cal::CalibrationInput& in, const Shape& shape) {
  const auto pos = cal::PatchPositions(in.chart);
  std::vector<double> q;
  double mean = 0;
  for (int i = 0; i < r.profile.patches_size(); ++i) {
    q.push_back(r.profile.patches(i).exposure() / shape(pos[i][0], pos[i][1]));
    mean += q.back() / r.profile.patches_size();
  }
  double worst = 0;
  for (double v : q) worst = std::max(worst, std::abs(v / mean - 1));
  return worst;
}

// The three 30 % fall-offs: two lamps beside the card, and a ramp linear in irradiance.
std::vector<std::pair<const char*, Shape>> Shapes() {
  return {{"lamp upper left", ThirtyPercentLamp(-2.2, -1.6)},
          {"lamp right", ThirtyPercentLamp(2.6, 0.3)},
          {"linear ramp", [](double u, double v) { return 1.0 - 0.15 * (0.5 * (u + v) + 1.0); }}};
}

cal::CalibrationOptions Opts(cal::Model m, cal::ExposureField f) {
  cal::CalibrationOptions o;
  o.model = m;
  o.linearization = cal::Linearization::kNone;
  o.exposure_field = f;
  return o;
}

}  // namespace

TEST_CASE("The exposure field recovers a 30 percent fall-off of shapes outside its basis within 2 percent") {
  // Acceptance (issue 20): max |recovered / true - 1| <= 0.02 over the 24 patches, for a lamp to
  // the upper left, one to the right and a ramp linear in irradiance along the diagonal, with the
  // calibration's defaults (auto model and auto field, leave-one-out on: auto has to prefer the
  // field to none) under D65. Measured 2026-12-03: 0.017, 0.017, 0.018 (rootpoly2 chosen).
  for (const auto& [name, shape] : Shapes()) {
    const auto in = Lit("D65", shape);
    double lo = 1e300, hi = 0;
    for (const auto& p : cal::PatchPositions(in.chart)) lo = std::min(lo, shape(p[0], p[1])), hi = std::max(hi, shape(p[0], p[1]));
    REQUIRE(lo / hi == Approx(0.7).margin(0.005));  // a 30 % fall-off over the patches
    const auto r = cal::Calibrate(in, Opts(cal::Model::kAuto, cal::ExposureField::kAuto));
    const double worst = WorstFieldError(r, in, shape);
    INFO(name << ": worst field error " << worst << ", model " << cal::ModelToString(r.chosen));
    CHECK(r.profile.exposure_field().basis() == "quadratic");
    CHECK(worst <= 0.02);
    CHECK(r.profile.summary().converged());
  }
}

TEST_CASE("The exposure field under other lights and with the linear mapping stays within 4 percent") {
  // The field absorbs part of the mapping's own misfit (leave-one-out 1.0-1.2 dE00 here, ~4 % of
  // Y at mid grey), so it is only as good as the mapping. Measured 2026-12-03, worst over the three
  // shapes: D65 linear 0.025; FL11 linear 0.016, rootpoly2 0.037; A linear 0.016, rootpoly2 0.010.
  // Bound 0.04: the measured worst with a margin of 0.003 (FL11's spiky spectrum).
  for (const char* light : {"D65", "FL11", "A"})
    for (const auto& [name, shape] : Shapes())
      for (cal::Model m : {cal::Model::kLinear, cal::Model::kRootPoly2}) {
        const auto in = Lit(light, shape);
        const auto r = cal::Calibrate(in, Opts(m, cal::ExposureField::kAuto));
        const double worst = WorstFieldError(r, in, shape);
        INFO(light << " " << name << " " << cal::ModelToString(m) << ": worst field error " << worst << ", LOO "
                   << r.profile.loo().mean_de00());
        CHECK(r.profile.exposure_field().basis() == "quadratic");
        CHECK(worst <= 0.04);
        CHECK(r.profile.summary().converged());
      }
}

TEST_CASE("Removing the field brings a badly lit chart's leave-one-out error near the evenly lit one") {
  // The same chart evenly lit and under the 30 % lamp: with the field the held-out error stays
  // within 0.5 dE00 of the even chart's (measured: see INFO), without it it is several dE00 worse.
  // Tolerance 0.5 dE00: about the gap between the two mappings on this camera.
  const Shape even = [](double, double) { return 1.0; };
  const Shape lamp = ThirtyPercentLamp(-2.2, -1.6);
  const auto flat = cal::Calibrate(Lit("D65", even), Opts(cal::Model::kRootPoly2, cal::ExposureField::kAuto));
  const auto with = cal::Calibrate(Lit("D65", lamp), Opts(cal::Model::kRootPoly2, cal::ExposureField::kAuto));
  const auto without = cal::Calibrate(Lit("D65", lamp), Opts(cal::Model::kRootPoly2, cal::ExposureField::kNone));
  INFO("LOO even " << flat.profile.loo().mean_de00() << ", lamp with field " << with.profile.loo().mean_de00()
                   << ", lamp without " << without.profile.loo().mean_de00());
  CHECK(with.profile.loo().mean_de00() <= flat.profile.loo().mean_de00() + 0.5);
  CHECK(without.profile.loo().mean_de00() >= with.profile.loo().mean_de00() + 1.0);
  // The evenly lit chart keeps no field (auto prefers none) or a field within 2 % of flat.
  CHECK(flat.profile.exposure_field().min() >= 0.98);
  CHECK(flat.profile.exposure_field().max() <= 1.02);
}

TEST_CASE("The exposure field stays near flat on an evenly lit chart with camera noise") {
  // Patch-mean noise (0.4 % + 0.0005, see Lit); a forced quadratic field must not invent more than
  // 3 % (measured 0.988-1.019: the linear mapping's misfit, ~1 dE00, leaks in as a slope).
  const auto in = Lit("D65", [](double, double) { return 1.0; }, true);
  const auto r = cal::Calibrate(in, Opts(cal::Model::kLinear, cal::ExposureField::kQuadratic));
  INFO("field " << r.profile.exposure_field().min() << "-" << r.profile.exposure_field().max());
  CHECK(r.profile.exposure_field().basis() == "quadratic");
  CHECK(r.profile.exposure_field().min() >= 0.97);
  CHECK(r.profile.exposure_field().max() <= 1.03);
}

TEST_CASE("Exposure field names round-trip and an unknown one is refused") {
  for (auto f : {cal::ExposureField::kNone, cal::ExposureField::kLinear, cal::ExposureField::kQuadratic, cal::ExposureField::kAuto})
    CHECK(cal::ExposureFieldFromString(cal::ExposureFieldToString(f)) == f);
  CHECK_THROWS_WITH(cal::ExposureFieldFromString("cubic"), Catch::Contains("expected auto, none, linear or quadratic"));
  // Patch positions of the Classic: patch 1 top left, 24 bottom right.
  const auto pos = cal::PatchPositions(st::LoadChart("colorchecker24"));
  CHECK(pos.front()[0] == -1.0);
  CHECK(pos.front()[1] == -1.0);
  CHECK(pos.back()[0] == 1.0);
  CHECK(pos.back()[1] == 1.0);
}
