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

// The blend's K and S at load 1 in library units: sum_i fraction_i * scale_i * (K_i, S_i).
struct BlendKS {
  color::Spectral36 k{};
  color::Spectral36 s{};
};
BlendKS MixBlend(const Blend& blend, const ModelParams& params);

struct RenderResult {
  color::Spectral36 skin_reflectance{};  // camera-side (after Saunderson), fraction
  color::Spectral36 dot_reflectance{};   // the dot's core
  color::Lab skin_lab{};                 // D50
  color::Lab dot_lab{};
  double contrast_de00 = 0;              // dot vs skin
  double coverage = 0;                   // effective coverage of the dot core (0-1)
};

// Bare skin and a dot of `blend` at `load` (relative; params.load is the undiluted default).
RenderResult Render(const SkinParams& skin, const BlendKS& blend, double load, const ModelParams& params);
// Bare skin only.
color::Spectral36 SkinReflectance(const SkinParams& skin, const ModelParams& params);
// A laterally infinite pigment sheet (no finite-dot lightening): for tests and diagnostics.
color::Spectral36 SheetReflectance(const SkinParams& skin, const BlendKS& blend, double load,
                                   const ModelParams& params);
// The finite-dot lateral spread (see model_impl.h Coverage): standard deviation of the Gaussian
// point-spread in mm, sigma^2 = (l*^2 + z^2) / 4.
double LateralSigmaMm(const ModelParams& params);
// Share of the sheet's darkening seen at distance rho_mm from the dot's centre: the dot's disk
// (diameter params.dot_diameter_mm) convolved with that Gaussian. DotProfile(0) equals the
// coverage of the dot core (RenderResult::coverage). A scene renderer draws a dot as
// R(rho) = mix(R_skin, R_sheet, DotProfile(rho)) (Yule-Nielsen mixing as the core).
double DotProfile(double rho_mm, const ModelParams& params);
// The mixing rule of the dot core applied at any coverage (Yule-Nielsen n of params).
double MixReflectance(double r_skin, double r_sheet, double coverage, const ModelParams& params);

// L*a*b* D50 of a 36-band reflectance (computed D50 white).
color::Lab ReflectanceToLab(const color::Spectral36& r);
// L*a*b* of a 36-band reflectance seen under `light` and adapted (Bradford) to D50.
color::Lab ReflectanceToLabUnder(const color::Spectral36& r, const color::Colorimeter& light);

}  // namespace shadecast::optics
