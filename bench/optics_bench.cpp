// Forward-model throughput of the skin-pigment optics (one core): full renders (skin + dot spectra,
// 36 bands, L*a*b* D50) per second, and skin-inversion fits per second.
// Usage: build/bin/optics_bench [seconds-per-measurement, default 2]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "optics/model.h"
#include "optics/skin_fit.h"

namespace op = shadecast::optics;

int main(int argc, char** argv) {
  const double budget = argc > 1 ? std::atof(argv[1]) : 2.0;
  op::PigmentKS black;
  black.id = "bench_black";
  black.k.fill(0.17);
  black.s.fill(0.018);
  const op::ModelParams params;
  const op::BlendKS blend = op::MixBlend({{&black, 1.0}}, params);
  using clock = std::chrono::steady_clock;

  long n = 0;
  double sink = 0;
  auto t0 = clock::now();
  while (std::chrono::duration<double>(clock::now() - t0).count() < budget) {
    for (int i = 0; i < 1000; ++i) {
      const op::SkinParams skin{0.01 + 0.0003 * (i % 100), 0.01, 1.0};
      sink += op::Render(skin, blend, 0.5 + 0.0005 * i, params).contrast_de00;
    }
    n += 1000;
  }
  const double renders = n / std::chrono::duration<double>(clock::now() - t0).count();

  long fits = 0;
  t0 = clock::now();
  while (std::chrono::duration<double>(clock::now() - t0).count() < budget) {
    const op::SkinParams skin{0.01 + 0.002 * (fits % 100), 0.01, 1.0};
    sink += op::FitSkin(op::ReflectanceToLab(op::SkinReflectance(skin, params)), params).residual_de00;
    ++fits;
  }
  const double fit_rate = fits / std::chrono::duration<double>(clock::now() - t0).count();
  std::printf("optics forward model: %.0f renders/s (skin + dot, 36 bands, Lab D50), one core\n", renders);
  std::printf("skin inversion:       %.0f fits/s (4 starts each), one core\n", fit_rate);
  std::printf("(checksum %.3f)\n", sink);
  return 0;
}
