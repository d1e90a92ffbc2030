// The skin and ink-dot optics (Monte Carlo tables + interpolant).
//   build/bin/optics_bench speed [seconds, default 2]
//     one core: full renders/s (skin + dot spectra, 36 bands, L*a*b* D50, the interpolant per band),
//     per-client renders/s (DotModel: the crossing classes precomputed once per skin, depth and dot;
//     a render is one polynomial in the ink's survival per band), skin fits/s.
//   build/bin/optics_bench accuracy [points, default 200] [photons, default 40000]
//     the interpolant against fresh Monte Carlo runs (synth::RenderDotMc: a new white run, exact
//     absorption per band, no table) at Sobol points of the tabulated range (melanin 0.01-0.45,
//     blood 0.002-0.05, scattering 0.5-2x, depth 0.05-0.3 mm, dot 0.2-1.2 mm, fill 0-1), and the
//     Monte Carlo's own noise (the same point, two seeds).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "blend/pigment_ks.h"
#include "color/ciede2000.h"
#include "optics/dot_model.h"
#include "optics/model.h"
#include "optics/skin_fit.h"
#include "optics/sobol.h"
#include "store/pigment_library.h"
#include "synth/dot_mc.h"

namespace op = shadecast::optics;
namespace sc = shadecast::color;

namespace {

op::PigmentKS SmpBlack() {
  return shadecast::blend::PigmentKsFromProto(
      shadecast::store::FindPigment(shadecast::store::LoadDefaultPigmentLibrary(), "smp_carbon_black", "bench"));
}

int Speed(double budget) {
  const op::PigmentKS black = SmpBlack();
  const op::ModelParams params;
  const op::BlendKS blend = op::MixBlend({{&black, 1.0}}, params);
  using clock = std::chrono::steady_clock;
  double sink = 0;

  long n = 0;
  auto t0 = clock::now();
  while (std::chrono::duration<double>(clock::now() - t0).count() < budget) {
    for (int i = 0; i < 100; ++i) {
      const op::SkinParams skin{0.01 + 0.0003 * (i % 100), 0.01, 1.0};
      sink += op::Render(skin, blend, 0.05 + 0.009 * i, params).contrast_de00;
    }
    n += 100;
  }
  const double renders = n / std::chrono::duration<double>(clock::now() - t0).count();

  // Per client: one DotModel (the precompute), then renders at many loads.
  long precomputes = 0;
  t0 = clock::now();
  while (std::chrono::duration<double>(clock::now() - t0).count() < budget / 4) {
    const op::DotModel dm({0.02 + 0.0001 * (precomputes % 100), 0.01, 1.0}, params);
    sink += dm.skin_reflectance()[10];
    ++precomputes;
  }
  const double precompute_rate = precomputes / std::chrono::duration<double>(clock::now() - t0).count();
  const op::DotModel dm({0.03, 0.01, 1.0}, params);
  const op::PigmentKS* pig[] = {&black};
  long m = 0;
  t0 = clock::now();
  while (std::chrono::duration<double>(clock::now() - t0).count() < budget) {
    for (int i = 0; i < 1000; ++i) {
      const double a[] = {0.02 + 0.0009 * i};
      sink += dm.Lab(a, pig, 1)[0];
    }
    m += 1000;
  }
  const double client_renders = m / std::chrono::duration<double>(clock::now() - t0).count();

  long fits = 0;
  t0 = clock::now();
  while (std::chrono::duration<double>(clock::now() - t0).count() < budget) {
    const op::SkinParams skin{0.01 + 0.002 * (fits % 100), 0.01, 1.0};
    sink += op::FitSkin(op::ReflectanceToLab(op::SkinReflectance(skin, params)), params).residual_de00;
    ++fits;
  }
  const double fit_rate = fits / std::chrono::duration<double>(clock::now() - t0).count();
  std::printf("full render (skin + dot, 36 bands, interpolant per band, Lab D50): %.0f renders/s, one core\n", renders);
  std::printf("per-client precompute (DotModel: crossing classes for one skin, depth, dot): %.0f /s\n", precompute_rate);
  std::printf("per-client render (one polynomial in the ink's survival per band, Lab D50): %.0f renders/s\n",
              client_renders);
  std::printf("skin inversion (Ceres, 4 starts, priors): %.0f fits/s, one core\n", fit_rate);
  std::printf("(checksum %.3f)\n", sink);
  return 0;
}

// A Sobol point in model inputs (the test's ranges, tests/optics/mc_tables_test.cpp).
void PointAt(const std::array<double, op::Sobol::kMaxDims>& u, const op::PigmentKS& black, op::SkinParams* skin,
             op::ModelParams* params, double* load) {
  *skin = {std::exp(std::log(0.01) + u[0] * std::log(45.0)), std::exp(std::log(0.002) + u[1] * std::log(25.0)),
           std::exp(std::log(0.5) + u[2] * std::log(4.0))};
  *params = op::ModelParams{};
  params->depth_mm = 0.05 + 0.25 * u[3];
  params->dot_diameter_mm = 0.2 + 1.0 * u[4];
  *load = -std::log(1.0 - 0.999 * u[5]) / black.sieve_k;
}

int Accuracy(int points, long photons) {
  const op::PigmentKS black = SmpBlack();
  op::Sobol sobol(6);
  for (int i = 0; i < 7; ++i) sobol.Next();  // as the test: skip the first, axis-aligned points
  std::vector<double> de;
  std::printf("point,melanin,blood,scattering,depth_mm,dot_mm,fill,model_L,model_a,model_b,mc_L,mc_a,mc_b,de00\n");
  for (int i = 0; i < points; ++i) {
    const auto u = sobol.Next();
    op::SkinParams skin;
    op::ModelParams params;
    double load;
    PointAt(u, black, &skin, &params, &load);
    const double fill = 0.999 * u[5];
    const op::BlendKS ink = op::MixBlend({{&black, 1.0}}, params);
    const auto model = op::Render(skin, ink, load, params);
    shadecast::synth::DotMcOptions mo;
    mo.photons = photons;
    mo.seed = 1000 + static_cast<uint64_t>(i);
    mo.extent_mm = 1e-6;
    const auto mc = shadecast::synth::RenderDotMc(skin, ink, load, params, mo);
    const auto mlab = op::ReflectanceToLab(mc.profile[0]);
    const double d = sc::DeltaE00(model.dot_lab, mlab);
    de.push_back(d);
    std::printf("%d,%.4f,%.4f,%.3f,%.3f,%.3f,%.3f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.3f\n", i, skin.melanin, skin.blood,
                skin.scattering_scale, params.depth_mm, params.dot_diameter_mm, fill, model.dot_lab[0],
                model.dot_lab[1], model.dot_lab[2], mlab[0], mlab[1], mlab[2], d);
    std::fflush(stdout);
  }
  // The Monte Carlo's own noise: the first 10 points again with another seed.
  std::vector<double> noise;
  sobol = op::Sobol(6);
  for (int i = 0; i < 7; ++i) sobol.Next();
  for (int i = 0; i < std::min(points, 10); ++i) {
    op::SkinParams skin;
    op::ModelParams params;
    double load;
    PointAt(sobol.Next(), black, &skin, &params, &load);
    const op::BlendKS ink = op::MixBlend({{&black, 1.0}}, params);
    shadecast::synth::DotMcOptions mo;
    mo.photons = photons;
    mo.extent_mm = 1e-6;
    mo.seed = 1000 + static_cast<uint64_t>(i);
    const auto a = shadecast::synth::RenderDotMc(skin, ink, load, params, mo);
    mo.seed = 5000 + static_cast<uint64_t>(i);
    const auto b = shadecast::synth::RenderDotMc(skin, ink, load, params, mo);
    noise.push_back(sc::DeltaE00(op::ReflectanceToLab(a.profile[0]), op::ReflectanceToLab(b.profile[0])) / std::sqrt(2.0));
  }
  std::sort(de.begin(), de.end());
  std::sort(noise.begin(), noise.end());
  auto pct = [](const std::vector<double>& v, double q) { return v[static_cast<size_t>(q * (v.size() - 1))]; };
  std::fprintf(stderr,
               "interpolant vs fresh Monte Carlo, %d Sobol points, %ld photons each: median %.3f, p95 %.3f, max %.3f "
               "dE00\nMonte Carlo noise per run (two seeds / sqrt 2, %zu points): median %.3f, max %.3f dE00\n",
               points, photons, pct(de, 0.5), pct(de, 0.95), de.back(), noise.size(), pct(noise, 0.5), noise.back());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "speed";
  if (std::strcmp(mode, "speed") == 0) return Speed(argc > 2 ? std::atof(argv[2]) : 2.0);
  if (std::strcmp(mode, "accuracy") == 0)
    return Accuracy(argc > 2 ? std::atoi(argv[2]) : 200, argc > 3 ? std::atol(argv[3]) : 40000);
  std::fprintf(stderr, "usage: optics_bench speed [seconds] | accuracy [points] [photons]\n");
  return 2;
}
