// GridStraddle (src/calib/grid_fit.cpp): how well a patch grid sits on a photographed chart.
// Ground truth: the synthesiser's exact card corners of a rendered ColorChecker (JPEG q 90).
#include "calib/grid_fit.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "color/colorimetry.h"
#include "image/chart_layout.h"
#include "store/image_io.h"
#include "store/shipped_data.h"
#include "synth/chart.h"

namespace cal = shadecast::calib;
namespace sc = shadecast::color;
namespace ss = shadecast::synth;
namespace st = shadecast::store;

TEST_CASE("GridStraddle is near 0 on the true grid and large a quarter patch off") {
  // Tolerances: <= 0.02 at the true corners (JPEG noise is far inside the 15 % tolerance; the
  // sampled 85 % of each patch stays clear of its edges); >= 0.08 with the grid moved by a quarter
  // pitch along the card (the outer 10 % of the sampled square then reads the gap: 0.1-0.2).
  const auto chart = st::LoadChart("colorchecker24");
  const ss::CameraResponse resp(st::LoadCamera("canon_eos_5d_mark_ii"), sc::CieIlluminant("D65"));
  ss::ChartRenderOptions ro;
  ro.seed = 5;
  const ss::ChartRender r = ss::RenderChart(chart, resp, ro, ss::CaptureOptions{});
  const auto img = st::DecodeImage(st::EncodeImage(r.image, st::ImageFormat::kJpeg, {8, 90}), "chart.jpg");
  cal::Corners truth;
  for (int k = 0; k < 4; ++k) truth[k] = {r.corners[k].x, r.corners[k].y};
  const double at_truth = cal::GridStraddle(img, chart, truth);
  INFO("at the true corners " << at_truth);
  CHECK(at_truth <= 0.02);
  const auto l = shadecast::LayoutOf(chart);
  // A quarter pitch along the card's top edge, in pixels.
  const double f = 0.25 * l.pitch_x_mm / l.width_mm;
  const double dx = f * (truth[1].x - truth[0].x), dy = f * (truth[1].y - truth[0].y);
  cal::Corners moved = truth;
  for (auto& c : moved) c.x += dx, c.y += dy;
  const double off = cal::GridStraddle(img, chart, moved);
  INFO("a quarter pitch off " << off);
  CHECK(off >= 0.08);
  // Off the image entirely: every point counts.
  cal::Corners away = truth;
  for (auto& c : away) c.x += 1e5;
  CHECK(cal::GridStraddle(img, chart, away) == Approx(1.0));
}
