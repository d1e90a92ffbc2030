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
// L*a*b* D50 of a 36-band reflectance (computed D50 white).
color::Lab ReflectanceToLab(const color::Spectral36& r);
// L*a*b* of a 36-band reflectance seen under `light` and adapted (Bradford) to D50.
color::Lab ReflectanceToLabUnder(const color::Spectral36& r, const color::Colorimeter& light);

}  // namespace shadecast::optics
