// The scalp renderer (src/synth/scalp.h): truth against the optics model, pixels against the truth,
// counts, determinism, the chart in the frame, option checks. Reference values come from the
// optics model (src/optics/model.h: Render, SkinReflectance) and the camera response
// (src/synth/camera.h) computed independently of the renderer.
#include <catch2/catch.hpp>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/mcc.hpp>

#include "blend/pigment_ks.h"
#include "color/ciede2000.h"
#include "color/colorimetry.h"
#include "optics/model.h"
#include "store/image_io.h"
#include "store/pigment_library.h"
#include "store/shipped_data.h"
#include "synth/scalp.h"
#include "synth/truth.h"

namespace sc = shadecast::color;
namespace so = shadecast::optics;
namespace ss = shadecast::synth;
namespace st = shadecast::store;

namespace {

const so::PigmentKS& CarbonBlack() {
  static const so::PigmentKS ks = shadecast::blend::PigmentKsFromProto(
      st::FindPigment(st::LoadDefaultPigmentLibrary(), "smp_carbon_black", "test"));
  return ks;
}

const ss::CameraResponse& Canon() {
  static const ss::CameraResponse r(st::LoadCamera("canon_eos_5d_mark_ii"), sc::CieIlluminant("D65"));
  return r;
}

// A small frame (34 x 25 mm at 30 px/mm) with follicles, dots and hairs.
ss::ScalpOptions Small(uint64_t seed = 3) {
  ss::ScalpOptions o;
  o.width = 1024;
  o.height = 768;
  o.follicles = 120;
  o.dots = 30;
  o.dot_blend = {{&CarbonBlack(), 1.0}};
  o.dot_recipe = "smp_carbon_black:1";
  o.hairs = 10;
  o.seed = seed;
  return o;
}

// Noise-free, unblurred, linear (the ImageF holds unquantised developed linear values).
ss::CaptureOptions Clean() {
  ss::CaptureOptions c;
  c.noise.kind = ss::NoiseModel::Kind::kNone;
  c.blur_px = 0;
  c.encoding = ss::Encoding::kLinear16;
  return c;
}

ss::Rgb PixelAt(const ss::ImageF& img, const ss::Point& p) {
  const int x = static_cast<int>(std::lround(p.x)), y = static_cast<int>(std::lround(p.y));
  return {img.At(x, y, 0), img.At(x, y, 1), img.At(x, y, 2)};
}

double MaxRelDiff(const ss::Rgb& a, const ss::Rgb& b) {
  double m = 0;
  for (int c = 0; c < 3; ++c) m = std::max(m, std::abs(a[c] - b[c]) / std::abs(b[c]));
  return m;
}

double SegmentDistance(const ss::Point& p, const ss::Point& a, const ss::Point& b) {
  const double vx = b.x - a.x, vy = b.y - a.y, l2 = vx * vx + vy * vy;
  const double t = l2 > 0 ? std::clamp(((p.x - a.x) * vx + (p.y - a.y) * vy) / l2, 0.0, 1.0) : 0.0;
  return std::hypot(p.x - a.x - t * vx, p.y - a.y - t * vy);
}

}  // namespace

TEST_CASE("scalp truth: the skin is the optics model's, the dot the Monte Carlo's") {
  // Reference: optics::Render for the nominal skin (the skin field is the model's), the synthesiser's
  // own Monte Carlo (RenderDotMc, same options and seed) for the dot; and, independently, the engine's
  // table interpolant agrees with that Monte Carlo dot within 1.5 dE00 (the worst case).
  ss::ScalpOptions o = Small();
  o.params.depth_mm = 0.15;
  o.params.dot_diameter_mm = 0.6;
  const so::RenderResult model =
      so::Render(o.skin, so::MixBlend(o.dot_blend, o.params), o.dot_load, o.params);
  const ss::DotProfileMc mcdot =
      ss::RenderDotMc(o.skin, so::MixBlend(o.dot_blend, o.params), o.dot_load, o.params, o.dot_mc);
  so::RenderResult ref = model;
  sc::Spectral36 dot_r;
  for (int k = 0; k < sc::kBands; ++k) dot_r[k] = model.skin_reflectance[k] * mcdot.profile[0][k] / mcdot.skin[k];
  ref.dot_lab = so::ReflectanceToLab(dot_r);
  INFO("engine dot " << model.dot_lab[0] << "," << model.dot_lab[1] << "," << model.dot_lab[2] << " Monte Carlo "
                     << ref.dot_lab[0] << "," << ref.dot_lab[1] << "," << ref.dot_lab[2]);
  CHECK(sc::DeltaE00(model.dot_lab, ref.dot_lab) < 1.5);
  CHECK(sc::DeltaE00(so::ReflectanceToLab(mcdot.skin), model.skin_lab) < 0.5);

  SECTION("without spatial variation the skin is the model's skin (node spectra stored as float: 1e-3 dE00)") {
    o.skin_variation = 0;
    const ss::ScalpRender r = ss::RenderScalp(o, Canon(), Clean());
    CHECK(sc::DeltaE00(r.skin_lab, ref.skin_lab) < 1e-3);
    CHECK(sc::DeltaE00(r.dot_model.dot_lab, ref.dot_lab) < 1e-9);
    CHECK(r.dot_model.coverage == Approx(model.coverage).epsilon(1e-12));
    for (const auto& d : r.dots) CHECK(sc::DeltaE00(d.lab, ref.dot_lab) < 1e-3);
  }
  SECTION("with the default mild variation the mean skin stays within 1 dE00 of the nominal skin") {
    const ss::ScalpRender r = ss::RenderScalp(o, Canon(), Clean());
    INFO("skin " << r.skin_lab[0] << " " << r.skin_lab[1] << " " << r.skin_lab[2]);
    CHECK(sc::DeltaE00(r.skin_lab, ref.skin_lab) < 1.0);
    CHECK(sc::DeltaE00(r.skin_lab, ref.skin_lab) > 0.0);
    CHECK(sc::DeltaE00(r.dot_model.dot_lab, ref.dot_lab) < 1e-9);
    for (const auto& d : r.dots) CHECK(sc::DeltaE00(d.lab, ref.dot_lab) < 2.0);
  }
}

TEST_CASE("scalp noise-free linear render: skin pixels match the camera applied to the truth skin spectrum") {
  // Reference: CameraResponse::Raw36 of the truth's mean skin reflectance, developed by the exposure
  // rule (pipeline.h). Skin pixels: more than 1 mm from every dot, 0.3 mm from every follicle and hair.
  const ss::ScalpOptions o = Small(5);
  const ss::ScalpRender r = ss::RenderScalp(o, Canon(), Clean());
  const ss::Rgb ref = ss::DevelopedLinear(Canon().Raw36(r.skin_mean), r.exposure);
  const double ppm = o.px_per_mm;
  double sum[3] = {0, 0, 0};
  long n = 0;
  for (int y = 0; y < o.height; y += 3)
    for (int x = 0; x < o.width; x += 3) {
      const ss::Point p{double(x), double(y)};
      bool near = false;
      for (const auto& d : r.dots) near = near || std::hypot(p.x - d.center.x, p.y - d.center.y) < 1.0 * ppm;
      for (const auto& f : r.follicles) near = near || std::hypot(p.x - f.center.x, p.y - f.center.y) < 0.3 * ppm;
      for (const auto& h : r.hairs)
        for (size_t k = 0; k + 1 < h.points.size() && !near; ++k)
          near = SegmentDistance(p, h.points[k], h.points[k + 1]) < 0.3 * ppm;
      if (near) continue;
      for (int c = 0; c < 3; ++c) sum[c] += r.image.At(x, y, c);
      ++n;
    }
  REQUIRE(n > 10000);
  const ss::Rgb mean{sum[0] / n, sum[1] / n, sum[2] / n};
  INFO("mean " << mean[0] << " " << mean[1] << " " << mean[2] << " ref " << ref[0] << " " << ref[1] << " " << ref[2]);
  CHECK(MaxRelDiff(mean, ref) < 0.005);
  CHECK(MaxRelDiff(r.skin_camera_rgb, ref) < 1e-12);
}

TEST_CASE("scalp core pixels: dots are the Monte Carlo's dot, follicles the truth's core") {
  // Reference: the synthesiser's Monte Carlo profile (RenderDotMc) as a ratio to its skin, times the
  // model skin, at the pixel's own distance from the dot centre (linear in the 0.02 mm profile
  // steps: 1e-4); the nearest pixel to a centre (<= 0.71 px off) is within 1.5 % of the core at the
  // default 0.5 mm dot and 30 px/mm. Follicle cores are flat inside (1 - edge/2) of the radius: float
  // precision (1e-5).
  ss::ScalpOptions o = Small(7);
  o.skin_variation = 0;
  const ss::ScalpRender r = ss::RenderScalp(o, Canon(), Clean());
  const so::BlendKS ks = so::MixBlend(o.dot_blend, o.params);
  const so::RenderResult ref = so::Render(o.skin, ks, o.dot_load, o.params);
  const ss::DotProfileMc mcdot = ss::RenderDotMc(o.skin, ks, o.dot_load, o.params, o.dot_mc);
  auto expected = [&](double rho_mm) {
    sc::Spectral36 m;
    const double f = rho_mm / mcdot.step_mm;
    const size_t i = static_cast<size_t>(f);
    for (int k = 0; k < sc::kBands; ++k) {
      const double q0 = mcdot.profile[i][k] / mcdot.skin[k], q1 = mcdot.profile[i + 1][k] / mcdot.skin[k];
      m[k] = ref.skin_reflectance[k] * (q0 + (f - static_cast<double>(i)) * (q1 - q0));
    }
    return ss::DevelopedLinear(Canon().Raw36(m), r.exposure);
  };
  const ss::Rgb dot_ref = expected(0);
  int checked = 0;
  for (const auto& d : r.dots) {
    if (d.occluded) continue;
    INFO("dot at " << d.center.x << ", " << d.center.y);
    const double x = std::lround(d.center.x), y = std::lround(d.center.y);
    const double rho_mm = std::hypot(x - d.center.x, y - d.center.y) / o.px_per_mm;
    CHECK(MaxRelDiff(PixelAt(r.image, d.center), expected(rho_mm)) < 1e-4);
    CHECK(MaxRelDiff(PixelAt(r.image, d.center), dot_ref) < 0.015);
    ++checked;
  }
  CHECK(checked >= 20);
  const ss::Rgb fol_ref = ss::DevelopedLinear(Canon().Raw36(r.follicle_core), r.exposure);
  checked = 0;
  for (const auto& f : r.follicles) {
    if (f.occluded) continue;
    CHECK(MaxRelDiff(PixelAt(r.image, f.center), fol_ref) < 1e-5);
    ++checked;
  }
  CHECK(checked >= 100);
  // A hair shaft at its centre line is mostly hair: darker than half the skin in every channel.
  const ss::Rgb skin = r.skin_camera_rgb;
  for (const auto& h : r.hairs) {
    const ss::Point& p = h.points[h.points.size() / 2];
    if (p.x < 0 || p.y < 0 || p.x > o.width - 1 || p.y > o.height - 1) continue;
    const ss::Rgb v = PixelAt(r.image, p);
    for (int c = 0; c < 3; ++c) CHECK(v[c] < 0.5 * skin[c]);
  }
}

TEST_CASE("scalp counts in the truth equal what was drawn") {
  const ss::ScalpOptions o = Small(11);
  ss::CaptureOptions cap = Clean();
  const ss::ScalpRender r = ss::RenderScalp(o, Canon(), cap);
  CHECK(r.follicles.size() == 120);
  CHECK(r.dots.size() == 30);
  CHECK(r.hairs.size() == 10);
  // Every listed blob is in the frame and visibly darker than the skin at its centre.
  for (const auto* list : {&r.follicles, &r.dots})
    for (const auto& b : *list) {
      REQUIRE(b.center.x >= 0);
      REQUIRE(b.center.y >= 0);
      REQUIRE(b.center.x <= o.width - 1);
      REQUIRE(b.center.y <= o.height - 1);
      CHECK(PixelAt(r.image, b.center)[1] < 0.8 * r.skin_camera_rgb[1]);
    }
  // The truth message carries the same counts and one centre per blob.
  const shadecast::pb::Truth t = ss::ScalpTruth(r, o, cap, Canon());
  CHECK(t.follicle().count() == 120);
  CHECK(t.follicle().centers_px_size() == 120);
  CHECK(t.follicle().items_size() == 120);
  CHECK(t.dots().count() == 30);
  CHECK(t.dots().centers_px_size() == 30);
  CHECK(t.hairs().count() == 10);
  CHECK(t.hairs().strokes_size() == 10);
  CHECK(t.px_per_mm() == 30.0);
  CHECK(t.skin().lab_size() == 3);
  CHECK(t.dots().lab_size() == 3);
  CHECK(t.follicle().lab_size() == 3);
  CHECK(t.patches_size() == 0);
  // Dots only when asked: the default has none and no dot colour.
  ss::ScalpOptions plain;
  plain.width = 640;
  plain.height = 480;
  const ss::ScalpRender p = ss::RenderScalp(plain, Canon(), cap);
  CHECK(p.dots.empty());
  CHECK(p.follicles.size() == 300);
  CHECK(ss::ScalpTruth(p, plain, cap, Canon()).dots().lab_size() == 0);
}

TEST_CASE("scalp render is deterministic: same seed same values, another seed differs") {
  ss::ScalpOptions o = Small(21);
  o.width = 512;
  o.height = 384;
  o.follicles = 40;
  o.dots = 8;
  const ss::CaptureOptions cap;  // realistic noise, blur, sRGB
  const ss::ScalpRender a = ss::RenderScalp(o, Canon(), cap);
  const ss::ScalpRender b = ss::RenderScalp(o, Canon(), cap);
  CHECK(a.image.data == b.image.data);
  o.seed = 22;
  const ss::ScalpRender c = ss::RenderScalp(o, Canon(), cap);
  CHECK(a.image.data != c.image.data);
  CHECK(a.dots.front().center.x != c.dots.front().center.x);
}

TEST_CASE("scalp with a Nano chart: chart inside the frame, patches true, found by mcc") {
  // Reference: patch pixels against the chart truth's camera_rgb (noise-free: 1e-5); the detector
  // is OpenCV's mcc as in detect_test.cpp, on the 8-bit sRGB render with realistic noise.
  const auto chart = st::LoadChart("colorchecker24_nano");
  ss::ScalpOptions o = Small(31);
  o.width = 1600;
  o.height = 1200;
  o.px_per_mm = 25;
  o.chart = &chart;
  const ss::ScalpRender clean = ss::RenderScalp(o, Canon(), Clean());
  REQUIRE(clean.has_chart);
  for (const auto& c : clean.chart.corners) {
    CHECK(c.x >= 0);
    CHECK(c.y >= 0);
    CHECK(c.x <= o.width - 1);
    CHECK(c.y <= o.height - 1);
  }
  const double side = std::hypot(clean.chart.corners[1].x - clean.chart.corners[0].x,
                                 clean.chart.corners[1].y - clean.chart.corners[0].y);
  CHECK(side == Approx(40.0 * 25).epsilon(1e-9));  // the card's 40 mm at 25 px/mm
  REQUIRE(clean.chart.patch_centers.size() == 24);
  for (size_t k = 0; k < 24; ++k)
    CHECK(MaxRelDiff(PixelAt(clean.image, clean.chart.patch_centers[k]), clean.chart.patch_camera_rgb[k]) < 1e-5);
  // Nothing is drawn on the card: no blob within 1 mm of it.
  for (const auto* list : {&clean.follicles, &clean.dots})
    for (const auto& b : *list) {
      double cx = 0, cy = 0;
      for (const auto& c : clean.chart.corners) cx += c.x / 4, cy += c.y / 4;
      CHECK(std::hypot(b.center.x - cx, b.center.y - cy) > 0.5 * 25 * 25);  // outside the card's inscribed circle
    }

  ss::CaptureOptions cap;  // realistic noise, 1 px blur, sRGB
  const ss::ScalpRender r = ss::RenderScalp(o, Canon(), cap);
  const std::string png = st::EncodeImage(r.image, st::ImageFormat::kPng, {});
  const cv::Mat raw(1, static_cast<int>(png.size()), CV_8U, const_cast<char*>(png.data()));
  const cv::Mat bgr = cv::imdecode(raw, cv::IMREAD_COLOR);
  auto detector = cv::mcc::CCheckerDetector::create();
  REQUIRE(detector->process(bgr, cv::mcc::MCC24, 1));
  const auto checkers = detector->getListColorChecker();
  REQUIRE(!checkers.empty());
  double tx = 0, ty = 0;
  for (const auto& p : r.chart.patch_centers) tx += p.x / 24, ty += p.y / 24;
  const cv::Point2f c = checkers.front()->getCenter();
  CHECK(std::hypot(c.x - tx, c.y - ty) < 5.9 * 25);  // within one patch pitch
}

TEST_CASE("scalp options: bad values and impossible placements are reported") {
  std::string why;
  ss::ScalpOptions o = Small();
  o.dot_blend.clear();
  CHECK_FALSE(o.IsValid(&why));
  CHECK_THAT(why, Catch::Contains("recipe"));
  o = Small();
  o.px_per_mm = 0;
  CHECK_FALSE(o.IsValid(&why));
  CHECK_THAT(why, Catch::Contains("px/mm"));
  o = Small();
  o.skin_variation = 0.8;
  CHECK_FALSE(o.IsValid(&why));
  CHECK_THAT(why, Catch::Contains("variation"));
  o = Small();
  o.dots = 5000;  // 0.5 mm dots keeping 0.6 mm apart cannot fill a 34 x 25 mm frame 5000 times
  CHECK_THROWS_WITH(ss::RenderScalp(o, Canon(), Clean()), Catch::Contains("could place only"));
  const auto chart = st::LoadChart("colorchecker24_nano");
  o = Small();
  o.chart = &chart;  // 40 x 25 mm at 30 px/mm does not fit in 1024 x 768
  CHECK_THROWS_WITH(ss::RenderScalp(o, Canon(), Clean()), Catch::Contains("does not fit"));
}

TEST_CASE("hair shaft reflectance is dark, warm and monotone like eumelanin-pigmented hair") {
  // Reference: the documented target (docs/synth.md): L* about 20 with small positive a*, b*.
  const sc::Spectral36 r = ss::HairShaftReflectance({}, so::ModelParams{});
  const sc::Lab lab = ss::LabD50(r);
  CHECK(lab[0] == Approx(20).margin(3));
  CHECK(lab[1] > 0);
  CHECK(lab[2] > 0);
  for (int k = 1; k < sc::kBands; ++k) CHECK(r[k] >= r[k - 1]);
}

TEST_CASE("hair colours: black and dark brown shafts match their published fibre colours, the rest are refused") {
  // Reference: J. Cosmet. Sci. 51(5) (2000), "Measurement of hair luster", D65/10 deg, specular
  // excluded: black hair (18.00, 0.02, -0.91), dark brown (22.72, 3.35, 3.85). The shaft model
  // (melanin body + flat cuticle reflectance) reaches both within 1.2 dE00 (black: a flat surface term
  // cannot go bluish, measured 1.13; dark brown 0.92).
  for (ss::HairColor c : {ss::HairColor::kBlack, ss::HairColor::kDarkBrown}) {
    double residual = -1;
    const ss::HairOptics h = ss::HairOpticsFor(c, so::ModelParams{}, &residual);
    const sc::Lab lab = ss::LabD50(ss::HairShaftReflectance(h, so::ModelParams{}));
    INFO(ss::HairColorToString(c) << ": " << lab[0] << "," << lab[1] << "," << lab[2]);
    CHECK(sc::DeltaE00(lab, *ss::PublishedHairLab(c)) == Approx(residual).margin(1e-12));
    CHECK(residual < 1.2);
  }
  CHECK(ss::HairColorFromString("dark_brown") == ss::HairColor::kDarkBrown);
  CHECK_THROWS_WITH(ss::HairColorFromString("auburn"), Catch::Contains("black, dark_brown"));
  for (ss::HairColor c : {ss::HairColor::kBrown, ss::HairColor::kBlond, ss::HairColor::kGrey, ss::HairColor::kWhite}) {
    CHECK_FALSE(ss::PublishedHairLab(c).has_value());
    CHECK_THROWS_WITH(ss::HairOpticsFor(c, so::ModelParams{}), Catch::Contains("no published"));
  }
}
