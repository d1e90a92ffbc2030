// Time to render a synthetic chart photo (spectral scene -> developed image, no file encoding):
//   build-synth/bin/synth_chart_bench [WIDTHxHEIGHT=4000x3000] [repeats=3]
// Prints the median wall time of RenderChart for a 12 MP frame with the default capture (realistic
// noise, 1 px blur, sRGB), and separately the PNG and JPEG encoding times. One thread.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "color/colorimetry.h"
#include "store/image_io.h"
#include "store/shipped_data.h"
#include "synth/chart.h"

namespace ss = shadecast::synth;
namespace st = shadecast::store;

int main(int argc, char** argv) {
  int w = 4000, h = 3000, repeats = 3;
  if (argc > 1 && std::sscanf(argv[1], "%dx%d", &w, &h) != 2) {
    std::fprintf(stderr, "usage: %s [WIDTHxHEIGHT] [repeats]\n", argv[0]);
    return 2;
  }
  if (argc > 2) repeats = std::max(1, std::atoi(argv[2]));
  const auto chart = st::LoadChart("colorchecker24");
  const ss::CameraResponse response(st::LoadCamera("canon_eos_5d_mark_ii"), shadecast::color::CieIlluminant("D65"));
  ss::ChartRenderOptions o;
  o.width = w;
  o.height = h;
  ss::CaptureOptions cap;
  using clock = std::chrono::steady_clock;
  std::vector<double> render_s;
  ss::ChartRender r;
  for (int i = 0; i < repeats; ++i) {
    o.seed = 1 + i;
    const auto t0 = clock::now();
    r = ss::RenderChart(chart, response, o, cap);
    render_s.push_back(std::chrono::duration<double>(clock::now() - t0).count());
  }
  std::sort(render_s.begin(), render_s.end());
  auto t0 = clock::now();
  const auto png = st::EncodeImage(r.image, st::ImageFormat::kPng, {});
  const double png_s = std::chrono::duration<double>(clock::now() - t0).count();
  t0 = clock::now();
  const auto jpg = st::EncodeImage(r.image, st::ImageFormat::kJpeg, {8, 95});
  const double jpg_s = std::chrono::duration<double>(clock::now() - t0).count();
  std::printf("synth chart render %dx%d (%.1f MP): median %.3f s over %d (min %.3f, max %.3f)\n", w, h,
              w * double(h) / 1e6, render_s[render_s.size() / 2], repeats, render_s.front(), render_s.back());
  std::printf("encode PNG 8-bit %.3f s (%zu bytes), JPEG q95 %.3f s (%zu bytes)\n", png_s, png.size(), jpg_s,
              jpg.size());
  return 0;
}
