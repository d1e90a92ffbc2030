#pragma once
// The synthesiser's healed dot, rendered by the photon-transport Monte Carlo itself (optics/mc.h),
// never by the engine's table interpolant: one white run in transport units whose every path is
// reweighted at the 36 bands with the skin's exact absorption and the ink's per-crossing survival,
// scored at the dot's centre and along its radius (translated pencil-beam paths, uniform
// illumination). Cached by the caller per skin and recipe.
#include <cstdint>
#include <vector>

#include "color/spectrum.h"
#include "optics/model.h"
#include "optics/params.h"

namespace shadecast::synth {

struct DotProfileMc {
  double step_mm = 0;                        // radial step of `profile`
  std::vector<color::Spectral36> profile;    // reflectance at rho = i * step_mm from the centre
  color::Spectral36 skin{};                  // bare skin (no ink), same run
  double max_relative_se = 0;                // largest standard error / value over bands at the centre
  int64_t photons = 0;
};

struct DotMcOptions {
  // 80,000 photons keep the dot's own noise below 0.2 dE00 (10 points, two seeds: median 0.083, max
  // 0.116; 40,000: 0.149 / 0.263; docs/benchmarks.md).
  int64_t photons = 80000;
  uint64_t seed = 7;
  int threads = 0;
  double step_mm = 0.02;
  double extent_mm = 0;  // profile out to this radius; 0 = dot radius + 0.6 mm
};

// Skin, ink and geometry come from the optics inputs (chromophores, scattering law, the ink's sieve);
// light transport from the Monte Carlo.
DotProfileMc RenderDotMc(const optics::SkinParams& skin, const optics::BlendKS& blend, double load,
                         const optics::ModelParams& params, const DotMcOptions& options);

}  // namespace shadecast::synth
