// The synthesiser's look truth (src/synth/appearance_truth.h) against a closed form: with a uniform
// skin, the regional colour at 1.5 m is the area-weighted mix of skin and follicle cores, computed
// here from the truth's own follicle list, the shaft reflectance and the CIE 1931 observer (not from
// the renderer's pixels or the appearance filter).
#include <catch2/catch.hpp>
#include <cmath>

#include "color/ciede2000.h"
#include "color/colorimetry.h"
#include "color/lab.h"
#include "store/shipped_data.h"
#include "synth/appearance_truth.h"
#include "synth/scalp.h"

namespace sc = shadecast::color;
namespace ss = shadecast::synth;
namespace st = shadecast::store;

namespace {

ss::ScalpOptions Uniform(int follicles) {
  ss::ScalpOptions o;
  o.width = 1200;
  o.height = 900;
  o.follicles = follicles;
  o.follicle_diameter_mm = 0.4;  // large, many follicles: a regional difference well above the tolerance
  o.skin_variation = 0;          // a uniform skin, so the mix has one skin colour
  o.hairs = 20;                  // ignored by the truth (no shafts lying on the skin)
  o.seed = 5;
  return o;
}

const ss::CameraResponse& Canon() {
  static const ss::CameraResponse r(st::LoadCamera("canon_eos_5d_mark_ii"), sc::CieIlluminant("D65"));
  return r;
}

}  // namespace

TEST_CASE("look truth: the regional colour is the area mix of skin and follicle cores", "[synth][appearance]") {
  const ss::ScalpOptions o = Uniform(1500);
  const ss::SceneLookTruth t = ss::ComputeSceneLookTruth(o);
  REQUIRE(t.follicles.has_value());
  CHECK(!t.dots.has_value());
  // The region: the whole frame capped to 30 mm a side (900 px at 30 px/mm), centred.
  CHECK(t.region.w == 900);
  CHECK(t.region.h == 900);
  CHECK(t.region.x == 150);

  // Closed form: the mean XYZ = skin + sum over follicles in the region of pi r^2 x coverage x
  // (shaft - skin) / area (the soft edge is symmetric about r, so it keeps the disc's area), with
  // XYZ from the D50 colorimeter. The follicle list and spectra come from a render through a camera
  // (placement does not depend on the camera).
  ss::CaptureOptions capture;
  capture.noise.kind = ss::NoiseModel::Kind::kNone;
  const ss::ScalpRender r = ss::RenderScalp(o, Canon(), capture);
  const sc::Colorimeter& d50 = sc::D50Colorimeter();
  const sc::Xyz skin = d50.Xyz36(r.skin_mean.data()), hair = d50.Xyz36(r.hair_reflectance.data());
  double cover = 0;
  for (const ss::ScalpBlob& b : r.follicles)
    if (t.region.Contains(b.center.x, b.center.y)) {
      const double rp = 0.5 * b.diameter_mm * o.px_per_mm;
      cover += M_PI * rp * rp * o.follicle_core_coverage;
    }
  cover /= static_cast<double>(t.region.area());
  sc::Xyz mix;
  for (int c = 0; c < 3; ++c) mix[c] = skin[c] + cover * (hair[c] - skin[c]);
  const sc::Lab expected = sc::XyzToLab(mix, d50.white());
  const sc::Lab skin_lab = sc::XyzToLab(skin, d50.white());
  INFO("cover " << cover << " expected L* " << expected[0] << " truth L* " << t.follicles->look.regional.lab[0]
                << " skin L* " << skin_lab[0]);
  // The difference to the bare skin is several dE00, so the check has something to find.
  REQUIRE(sc::DeltaE00(expected, skin_lab) > 2.0);
  // Tolerance 0.3 dE00: the region's follicles cut by its border, the mean of L*a*b* over pixels
  // against L*a*b* of the mean (texture at 1.5 m), ICC D50 white against the SPD's.
  CHECK(sc::DeltaE00(t.follicles->look.regional.lab, expected) < 0.3);
  CHECK(t.follicles->look.regional.de00_to_skin == Approx(sc::DeltaE00(expected, skin_lab)).margin(0.3));
  // Follicles look darker than the skin close up, and their density is the count over the area.
  CHECK(t.follicles->look.near.delta_l < 0);
  // (no chart: every follicle over the whole frame)
  CHECK(t.follicles->density_per_cm2 == Approx(1500 / (1200.0 * 900 / (30.0 * 30) / 100.0)));
}

TEST_CASE("look truth: no follicles, no follicle look, the chart is left out of the region", "[synth][appearance]") {
  ss::ScalpOptions o = Uniform(0);
  const ss::SceneLookTruth t = ss::ComputeSceneLookTruth(o);
  CHECK(!t.follicles.has_value());
  CHECK(!t.dots.has_value());

  const shadecast::pb::ChartDefinition chart = st::LoadChart("colorchecker24_nano");
  o = Uniform(300);
  o.width = 1600;
  o.height = 1200;
  o.chart = &chart;
  const ss::SceneLookTruth c = ss::ComputeSceneLookTruth(o);
  const ss::ScalpRender r = ss::RenderScalp(o, Canon(), {});
  REQUIRE(r.has_chart);
  for (const auto& p : r.chart.corners) CHECK(!c.region.Contains(p.x, p.y));
  REQUIRE(c.follicles.has_value());
  CHECK(c.follicles->count > 0);
}
