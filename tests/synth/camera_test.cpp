// Cameras as data and the camera x light response (src/synth/camera.h).
#include "synth/camera.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "color/colorimetry.h"
#include "color/csv.h"
#include "store/shipped_data.h"
#include "support/test_support.h"

namespace sc = shadecast::color;
namespace ss = shadecast::synth;

TEST_CASE("A camera with the CIE 1931 CMFs as sensitivities gives XYZ up to one scale under D50") {
  // Acceptance (issue 4). Reference: the colour core's Colorimeter (1 nm CIE 018:2019 CMFs, CIE
  // D50 SPD); data/cameras/cie1931_cmf.csv copies those CMFs. Tolerance 1e-9 relative: the two
  // integrals are the same sums in a different order.
  const ss::CameraSensitivity cmf = shadecast::store::LoadCamera("cie1931_cmf");
  const sc::SampledSpectrum d50 = sc::CieIlluminant("D50");
  const ss::CameraResponse response(cmf, d50);
  const sc::Colorimeter& col = sc::D50Colorimeter();
  const auto chart = shadecast::store::LoadChart("colorchecker24");
  const double scale = col.white()[1] / response.white()[1];
  for (const auto& p : chart.patches()) {
    sc::SampledSpectrum s{p.name(), {p.reflectance().wavelengths_nm().begin(), p.reflectance().wavelengths_nm().end()},
                          {p.reflectance().values().begin(), p.reflectance().values().end()}};
    const sc::Spectral36 r = sc::ResampleTo36(s);
    const ss::Rgb rgb = response.Raw36(r);
    const sc::Xyz xyz = col.Xyz36(r.data());
    INFO(p.name());
    for (int c = 0; c < 3; ++c) CHECK(rgb[c] * scale == Approx(xyz[c]).epsilon(1e-9));
  }
  // The white too: the response is normalised to green = 1.
  CHECK(response.white()[1] == Approx(1.0).epsilon(1e-12));
  CHECK(response.white()[0] * scale == Approx(col.white()[0]).epsilon(1e-9));
  CHECK(response.white()[2] * scale == Approx(col.white()[2]).epsilon(1e-9));
}

TEST_CASE("Every shipped camera loads and responds under every CIE illuminant") {
  const auto names = shadecast::store::ShippedCameraNames();
  for (const char* want : {"canon_eos_5d_mark_ii", "cie1931_cmf", "gauss_broad", "gauss_narrow", "gauss_shifted"})
    CHECK(std::find(names.begin(), names.end(), want) != names.end());
  for (const auto& n : names) {
    const ss::CameraSensitivity cam = shadecast::store::LoadCamera(n);
    for (const auto& light : sc::CieIlluminantNames()) {
      INFO(n << " under " << light);
      const ss::CameraResponse r(cam, sc::CieIlluminant(light));
      for (int c = 0; c < 3; ++c) CHECK(r.white()[c] > 0);
    }
  }
}

TEST_CASE("Camera CSVs: columns by position, decimals, comments, bad grids are rejected with a clear message") {
  // Header names are not relied on; decimal wavelengths are fine.
  const auto ok = sc::ParseCsv("# a test camera\nfoo,bar,baz,qux\n390.5,0,0,1\n550.25,0,1,0\n710.0,1,0,0\n", "t.csv");
  const ss::CameraSensitivity cam = ss::CameraFromCsv(ok, "t");
  CHECK(cam.At(1, 550.25) == Approx(1.0));
  CHECK(cam.At(0, 800.0) == 0.0);  // zero outside the data

  const auto narrow = sc::ParseCsv("w,r,g,b\n500,1,1,1\n600,1,1,1\n", "narrow.csv");
  CHECK_THROWS_WITH(ss::CameraFromCsv(narrow, "n"), Catch::Contains("narrow.csv") && Catch::Contains("400-700 nm"));
  const auto ir = sc::ParseCsv("w,r,g,b\n800,1,1,1\n900,1,1,1\n", "ir.csv");
  CHECK_THROWS_WITH(ss::CameraFromCsv(ir, "ir"), Catch::Contains("do not cover the visible range"));
  const auto three = sc::ParseCsv("w,r,g\n400,1,1\n700,1,1\n", "three.csv");
  CHECK_THROWS_WITH(ss::CameraFromCsv(three, "x"), Catch::Contains("expected 4 columns"));
  const auto neg = sc::ParseCsv("w,r,g,b\n400,1,-1,1\n700,1,1,1\n", "neg.csv");
  CHECK_THROWS_WITH(ss::CameraFromCsv(neg, "x"), Catch::Contains("channel g"));
  const auto text = sc::ParseCsv("w,r,g,b\n400,1,x,1\n700,1,1,1\n", "text.csv");
  CHECK_THROWS_WITH(ss::CameraFromCsv(text, "x"), Catch::Contains("expected a number"));

  CHECK_THROWS_WITH(shadecast::store::LoadCamera("no_such_camera"),
                    Catch::Contains("unknown camera 'no_such_camera'") && Catch::Contains("canon_eos_5d_mark_ii"));
}

TEST_CASE("A light with no power where the camera is sensitive is rejected") {
  // Camera sensitive 380-700 nm only; the light is zero up to 700 nm and on beyond it.
  const auto csv = sc::ParseCsv("w,r,g,b\n380,1,1,1\n700,1,1,1\n", "vis.csv");
  const ss::CameraSensitivity cam = ss::CameraFromCsv(csv, "vis");
  const sc::SampledSpectrum far_red{"far_red", {380, 700, 701, 780}, {0, 0, 1, 1}};
  CHECK_THROWS_WITH(ss::CameraResponse(cam, far_red), Catch::Contains("receives no light from 'far_red'"));
}
