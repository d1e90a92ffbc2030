#pragma once
// Public entry points of the skin-pigment optics model (double precision). The templated model
// lives in optics/model_impl.h for the autodiff fits.
#include <string>
#include <vector>

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
// The dot's radial profile at fixed radii for one skin and dot (depth, diameter): the tables'
// crossing classes at each radius and band are looked up once, so the profile of any ink costs one
// survival and a polynomial per band and radius (the recipe's inner loop).
class DotProfileModel {
 public:
  // Radii as fractions of the dot's radius, from 0 to 3 (the tables' profile extent).
  static const std::vector<double>& RelativeRadii();
  // Throws std::invalid_argument when the tables carry no profile or the parameters are invalid.
  DotProfileModel(const SkinParams& skin, const ModelParams& params);
  const std::vector<double>& rho_mm() const { return rho_mm_; }
  const color::Spectral36& skin() const { return skin_; }
  // Reflectance at each radius of rho_mm() for `blend` at `load`.
  std::vector<color::Spectral36> Profile(const BlendKS& blend, double load) const;

 private:
  ModelParams params_;
  std::vector<double> rho_mm_;
  std::vector<double> classes_;  // [radius][band][bins + 1]
  int bins_ = 0;
  color::Spectral36 skin_{};
};

// Per-crossing survival of light at each band for `blend` at `load` (1 = no ink, 0 = opaque).
color::Spectral36 InkSurvival(const BlendKS& blend, double load, const ModelParams& params);

// L*a*b* D50 of a 36-band reflectance (computed D50 white).
color::Lab ReflectanceToLab(const color::Spectral36& r);
// L*a*b* of a 36-band reflectance seen under `light` and adapted (Bradford) to D50.
color::Lab ReflectanceToLabUnder(const color::Spectral36& r, const color::Colorimeter& light);

}  // namespace shadecast::optics
