// Time to render a synthetic scalp photo (spectral scene -> developed image, no file encoding):
//   build-scalp/bin/synth_scalp_bench [WIDTHxHEIGHT=4000x3000] [repeats=3]
// A close-up at 30 px/mm (4000x3000 = 133 x 100 mm) with the default follicle density scaled to the
// frame (300 per 2048x1536 -> 1146), 400 smp_carbon_black dots, 80 hairs and a ColorChecker Nano in the
// frame; Canon EOS 5D Mark II under D65; default capture (realistic noise, 1 px blur, sRGB).
// Prints the median wall time of RenderScalp, the same scene without noise and blur (scene cost),
// and the PNG / JPEG encoding times. One thread: run under `taskset -c 0`.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "blend/pigment_ks.h"
#include "color/colorimetry.h"
#include "store/image_io.h"
#include "store/pigment_library.h"
#include "store/shipped_data.h"
#include "synth/scalp.h"

namespace ss = shadecast::synth;
namespace st = shadecast::store;

int main(int argc, char** argv) {
  int w = 4000, h = 3000, repeats = 3;
  if (argc > 1 && std::sscanf(argv[1], "%dx%d", &w, &h) != 2) {
    std::fprintf(stderr, "usage: %s [WIDTHxHEIGHT] [repeats]\n", argv[0]);
    return 2;
  }
  if (argc > 2) repeats = std::max(1, std::atoi(argv[2]));
  const auto chart = st::LoadChart("colorchecker24_nano");
  const ss::CameraResponse response(st::LoadCamera("canon_eos_5d_mark_ii"), shadecast::color::CieIlluminant("D65"));
  const auto library = st::LoadDefaultPigmentLibrary();
  const shadecast::optics::PigmentKS black =
      shadecast::blend::PigmentKsFromProto(st::FindPigment(library, "smp_carbon_black", "bench"));

  ss::ScalpOptions o;
  o.width = w;
  o.height = h;
  o.follicles = static_cast<int>(300.0 * w * h / (2048.0 * 1536.0));
  o.dots = 400;
  o.dot_blend = {{&black, 1.0}};
  o.dot_recipe = "smp_carbon_black:1";
  o.hairs = 80;
  o.chart = &chart;
  ss::CaptureOptions cap;
  ss::CaptureOptions clean = cap;
  clean.noise.kind = ss::NoiseModel::Kind::kNone;
  clean.blur_px = 0;

  using clock = std::chrono::steady_clock;
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  // Wall time, and the process's CPU time (what the render costs when other work shares the core).
  std::vector<double> full_s, scene_s, full_cpu;
  ss::ScalpRender r;
  for (int i = 0; i < repeats; ++i) {
    o.seed = 1 + i;
    auto t0 = clock::now();
    r = ss::RenderScalp(o, response, clean);
    scene_s.push_back(std::chrono::duration<double>(clock::now() - t0).count());
    t0 = clock::now();
    const std::clock_t c0 = std::clock();
    r = ss::RenderScalp(o, response, cap);
    full_cpu.push_back(double(std::clock() - c0) / CLOCKS_PER_SEC);
    full_s.push_back(std::chrono::duration<double>(clock::now() - t0).count());
  }
  full_s = median(full_s);
  scene_s = median(scene_s);
  full_cpu = median(full_cpu);
  auto t0 = clock::now();
  const auto png = st::EncodeImage(r.image, st::ImageFormat::kPng, {});
  const double png_s = std::chrono::duration<double>(clock::now() - t0).count();
  t0 = clock::now();
  const auto jpg = st::EncodeImage(r.image, st::ImageFormat::kJpeg, {8, 95});
  const double jpg_s = std::chrono::duration<double>(clock::now() - t0).count();
  std::printf("synth scalp render %dx%d (%.1f MP, %d follicles, %d dots, %d hairs, Nano chart)\n", w, h,
              w * double(h) / 1e6, o.follicles, o.dots, o.hairs);
  std::printf("  default capture: median %.3f s over %d (min %.3f, max %.3f)\n", full_s[full_s.size() / 2], repeats,
              full_s.front(), full_s.back());
  std::printf("  default capture, CPU time: median %.3f s (min %.3f, max %.3f)\n", full_cpu[full_cpu.size() / 2],
              full_cpu.front(), full_cpu.back());
  std::printf("  scene only (no noise, no blur): median %.3f s (min %.3f, max %.3f)\n", scene_s[scene_s.size() / 2],
              scene_s.front(), scene_s.back());
  std::printf("encode PNG 8-bit %.3f s (%zu bytes), JPEG q95 %.3f s (%zu bytes)\n", png_s, png.size(), jpg_s,
              jpg.size());
  return 0;
}
