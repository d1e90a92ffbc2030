// The rendered chart is found by OpenCV's mcc detector (the calibrate stage's detector).
#include <catch2/catch.hpp>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/mcc.hpp>

#include "color/colorimetry.h"
#include "store/image_io.h"
#include "store/shipped_data.h"
#include "synth/chart.h"

namespace sc = shadecast::color;
namespace ss = shadecast::synth;
namespace st = shadecast::store;

namespace {

// True when mcc finds an MCC24 chart whose centre is within one patch pitch of the true centre.
bool Detected(const ss::ChartRender& r, const std::string& encoded_png) {
  const cv::Mat raw(1, static_cast<int>(encoded_png.size()), CV_8U, const_cast<char*>(encoded_png.data()));
  const cv::Mat bgr = cv::imdecode(raw, cv::IMREAD_COLOR);
  auto detector = cv::mcc::CCheckerDetector::create();
  if (!detector->process(bgr, cv::mcc::MCC24, 1)) return false;
  const auto checkers = detector->getListColorChecker();
  if (checkers.empty()) return false;
  double tx = 0, ty = 0;
  for (const auto& p : r.patch_centers) {
    tx += p.x / r.patch_centers.size();
    ty += p.y / r.patch_centers.size();
  }
  const double pitch = std::hypot(r.patch_centers[1].x - r.patch_centers[0].x, r.patch_centers[1].y - r.patch_centers[0].y);
  const cv::Point2f c = checkers.front()->getCenter();
  return std::hypot(c.x - tx, c.y - ty) < pitch;
}

}  // namespace

TEST_CASE("mcc finds the chart in seeded renders with default perspective, realistic noise, 1.5 px blur") {
  // Acceptance (issue 4): >= 95 % of 40 renders (bench/synth_detect_bench.cpp runs the 40). Here 6
  // renders over three cameras and lights must all be found (at a 95 % rate, 6 of 6 happens 74 % of
  // the time; every failure so far has been a real regression).
  const auto chart = st::LoadChart("colorchecker24");
  const std::pair<const char*, const char*> setups[] = {
      {"canon_eos_5d_mark_ii", "D65"}, {"gauss_broad", "A"}, {"gauss_narrow", "LED-B4"}};
  int found = 0, total = 0;
  for (int i = 0; i < 6; ++i) {
    const auto& [cam, light] = setups[i % 3];
    const ss::CameraResponse response(st::LoadCamera(cam), sc::CieIlluminant(light));
    ss::ChartRenderOptions o;  // default 2048x1536, perspective 0.10
    o.seed = 100 + i;
    ss::CaptureOptions cap;  // realistic noise, srgb8
    cap.blur_px = 1.5;
    const ss::ChartRender r = ss::RenderChart(chart, response, o, cap);
    const bool ok = Detected(r, st::EncodeImage(r.image, st::ImageFormat::kPng, {}));
    INFO("seed " << o.seed << " " << cam << " under " << light);
    CHECK(ok);
    found += ok;
    ++total;
  }
  WARN("detected " << found << " of " << total);
}
