// The capture pipeline: exposure rule, noise statistics, encodings, seeded randomness.
#include "synth/pipeline.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "color/adapt.h"
#include "color/colorimetry.h"
#include "store/shipped_data.h"
#include "synth/random.h"
#include "synth/truth.h"

namespace sc = shadecast::color;
namespace ss = shadecast::synth;

TEST_CASE("Exposure rule: the perfect white's brightest sensor channel sits at 0.8 of full scale") {
  // Reference: the rule documented in pipeline.h. White balance makes a flat spectrum neutral.
  // Tolerance 1e-12 (exact arithmetic on the same numbers).
  for (const char* light : {"D65", "A", "FL2"}) {
    const ss::CameraResponse r(shadecast::store::LoadCamera("canon_eos_5d_mark_ii"), sc::CieIlluminant(light));
    ss::CaptureOptions cap;
    const ss::Exposure e = ss::ComputeExposure(r, cap);
    const double brightest = std::max({r.white()[0], r.white()[1], r.white()[2]});
    CHECK(e.scale * brightest == Approx(0.8).epsilon(1e-12));
    sc::Spectral36 grey;
    grey.fill(0.18);
    const ss::Rgb d = ss::DevelopedLinear(r.Raw36(grey), e);
    CHECK(d[0] == Approx(d[1]).epsilon(1e-12));
    CHECK(d[2] == Approx(d[1]).epsilon(1e-12));
  }
}

TEST_CASE("Realistic noise: shot noise at 20000 e- full scale plus 3 e- read noise") {
  // Reference: Poisson variance = mean electrons, plus 3^2 read variance; a flat field of 0.2 full
  // scale (4000 e-) has sigma sqrt(4009)/20000 = 0.003166. 300x300x3 samples: the sample sigma is
  // within 1 % of it (its standard error is 0.14 %); the mean within 1e-4.
  ss::ImageF img(300, 300, 3, 0.2f);
  ss::CaptureOptions cap;
  cap.blur_px = 0;
  cap.encoding = ss::Encoding::kLinear;
  ss::Exposure e;  // unit gains
  ss::Develop(&img, e, cap, 5);
  double sum = 0, sum2 = 0;
  for (float v : img.data) {
    sum += v;
    sum2 += double(v) * v;
  }
  const double n = img.data.size(), mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  CHECK(mean == Approx(0.2).margin(1e-4));
  CHECK(sd == Approx(std::sqrt(4009.0) / 20000).epsilon(0.01));
}

TEST_CASE("No noise leaves values exact, clipping at full scale, sRGB encoding matches the colour core") {
  ss::ImageF img(4, 1, 3);
  const float v[4] = {0.0f, 0.001f, 0.18f, 1.7f};
  for (int i = 0; i < 4; ++i)
    for (int c = 0; c < 3; ++c) img.At(i, 0, c) = v[i];
  ss::CaptureOptions cap;
  cap.noise = ss::NoiseModel::FromString("none");
  cap.blur_px = 0;
  cap.encoding = ss::Encoding::kSrgb8;
  ss::Develop(&img, ss::Exposure{}, cap, 1);
  // Reference: color::SrgbEncode (IEC 61966-2-1); the table is within 1e-5.
  for (int i = 0; i < 4; ++i) CHECK(img.At(i, 0, 1) == Approx(sc::SrgbEncode(std::min(1.0f, v[i]))).margin(1e-5));
}

TEST_CASE("Noise and encoding names round-trip, bad names are rejected") {
  CHECK(ss::NoiseModel::FromString("realistic").kind == ss::NoiseModel::Kind::kRealistic);
  CHECK(ss::NoiseModel::FromString("none").kind == ss::NoiseModel::Kind::kNone);
  CHECK(ss::NoiseModel::FromString("0.01").sigma == 0.01);
  CHECK(ss::NoiseModel::FromString("0.01").ToString() == "0.01");
  CHECK_THROWS_WITH(ss::NoiseModel::FromString("loud"), Catch::Contains("expected realistic, none, or a sigma"));
  CHECK_THROWS(ss::NoiseModel::FromString("-1"));
  for (auto e : {ss::Encoding::kSrgb8, ss::Encoding::kLinear16, ss::Encoding::kLinear})
    CHECK(ss::EncodingFromString(ss::EncodingToString(e)) == e);
  CHECK_THROWS_WITH(ss::EncodingFromString("srgb16"), Catch::Contains("unknown encoding 'srgb16'"));
}

TEST_CASE("Random: one seed, one sequence, the distributions have the right moments") {
  // Reference: the moments of the standard normal and Poisson distributions.
  ss::Random a(42), b(42);
  for (int i = 0; i < 100; ++i) CHECK(a.Normal() == b.Normal());
  ss::Random u(1);
  double mean = 0, m2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double z = u.Normal();
    mean += z;
    m2 += z * z;
  }
  // Standard normal: mean within 0.01 (5 standard errors), variance within 2 %.
  CHECK(std::abs(mean / n) < 0.01);
  CHECK(m2 / n == Approx(1.0).epsilon(0.02));
  ss::Random p(3);
  double pm = 0;
  for (int i = 0; i < n; ++i) pm += p.Poisson(4.5);
  CHECK(pm / n == Approx(4.5).epsilon(0.01));  // exact Poisson branch, mean within 1 %
  CHECK(ss::Random::Derive(1, 1) != ss::Random::Derive(1, 2));
}

TEST_CASE("synth patches: the same exposure and white balance as the chart's truth") {
  // Reference: ChartTruth's camera_rgb of the same spectra (same camera, light, capture options);
  // exact to 1e-12 since both go through DevelopedLinear.
  const auto chart = shadecast::store::LoadChart("colorchecker24");
  const ss::CameraResponse r(shadecast::store::LoadCamera("gauss_shifted"), sc::CieIlluminant("LED-V2"));
  ss::ChartRenderOptions o;
  o.width = 200;
  o.height = 150;
  ss::CaptureOptions cap;
  const auto render = ss::RenderChart(chart, r, o, cap);
  cap.encoding = ss::Encoding::kLinear;
  cap.noise = ss::NoiseModel::FromString("none");
  const auto patches = ss::RenderPatches(ss::PatchSpectra(chart), r, cap, 1);
  for (int k = 0; k < 24; ++k)
    for (int c = 0; c < 3; ++c) {
      CHECK(patches.camera_rgb[k][c] == Approx(render.patch_camera_rgb[k][c]).epsilon(1e-12));
      CHECK(patches.rgb[k][c] == Approx(render.patch_camera_rgb[k][c]).epsilon(1e-6));  // float storage
    }
}
