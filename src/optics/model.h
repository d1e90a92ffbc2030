#pragma once
// Public entry points of the skin-pigment optics model (double precision). The templated model
// lives in optics/model_impl.h for the autodiff fits.
#include <string>

#include "color/spectrum.h"
#include "color/triple.h"
#include "optics/params.h"

namespace shadecast::color {
class Colorimeter;
}

namespace shadecast::optics {

// A blend at load 1: the drawdown K and S in library units, sum_i fraction_i scale_i (K_i, S_i), and
// its ink-cluster terms (optics/model_impl.h): sieve = sum_i fraction_i scale_i k_i and
// weighted = sum_i fraction_i scale_i k_i alpha_i(lambda).
struct BlendKS {
  color::Spectral36 k{};
  color::Spectral36 s{};
  double sieve = 0;
  color::Spectral36 weighted{};
};
BlendKS MixBlend(const Blend& blend, const ModelParams& params);

struct RenderResult {
  color::Spectral36 skin_reflectance{};  // camera-side (after Saunderson), fraction
  color::Spectral36 dot_reflectance{};   // the dot's core
  color::Lab skin_lab{};                 // D50
  color::Lab dot_lab{};
  double contrast_de00 = 0;              // dot vs skin
  double coverage = 0;                   // areal fill of the ink clusters (0-1)
  bool in_range = true;                  // every band's skin optics inside the tables
};

// Bare skin and a dot of `blend` at `load` (relative; params.load is the undiluted default).
RenderResult Render(const SkinParams& skin, const BlendKS& blend, double load, const ModelParams& params);
// Bare skin only.
color::Spectral36 SkinReflectance(const SkinParams& skin, const ModelParams& params);
// Areal fill of the ink clusters of `blend` at `load` (1 - exp(-load sieve_scale sieve)).
double InkFill(const BlendKS& blend, double load, const ModelParams& params);
// The skin's optics at each band as the Monte Carlo tables see them (mus, mua of epidermis and
// dermis, per mm): for the synthesiser's own Monte Carlo runs and diagnostics.
struct BandInputs {
  color::Spectral36 mus{}, mua_epidermis{}, mua_dermis{};
};
BandInputs SkinBandInputs(const SkinParams& skin, const ModelParams& params);
// The dot's radial profile from the tables: reflectance at rho_mm from the dot's centre (the bare
// skin beyond 3 dot radii). Throws std::invalid_argument when the tables carry no profile.
color::Spectral36 DotProfileReflectance(const SkinParams& skin, const BlendKS& blend, double load,
                                        const ModelParams& params, double rho_mm);
// Per-crossing survival of light at each band for `blend` at `load` (1 = no ink, 0 = opaque).
color::Spectral36 InkSurvival(const BlendKS& blend, double load, const ModelParams& params);

// L*a*b* D50 of a 36-band reflectance (computed D50 white).
color::Lab ReflectanceToLab(const color::Spectral36& r);
// L*a*b* of a 36-band reflectance seen under `light` and adapted (Bradford) to D50.
color::Lab ReflectanceToLabUnder(const color::Spectral36& r, const color::Colorimeter& light);

}  // namespace shadecast::optics
