// Adding-doubling radiative transfer for plane-parallel layered slabs: an independent,
// deterministic cross-check of the Monte Carlo photon transport (optics/mc.h) for total reflectance
// and transmittance.
//
// Method (Prahl 1995, "The adding-doubling method", in Welch & van Gemert (eds.), Optical-Thermal
// Response of Laser-Irradiated Tissue, ch. 5; van de Hulst 1980, Multiple Light Scattering, vol.
// 1):
//  - The azimuthally averaged radiance is sampled at N polar angles inside the tissue: Radau
//  quadrature
//    on [0,1] (its fixed node is mu = 1, so normal collimated incidence is a quadrature direction);
//    with an index mismatch, Gauss on [0, mu_c] and Radau on [mu_c, 1], mu_c the critical angle's
//    cosine.
//  - Henyey-Greenstein scattering through its Legendre expansion truncated at N terms with
//  Wiscombe's
//    delta-M scaling (f = g^N: albedo a(1-f)/(1-af), optical thickness tau(1-af)).
//  - Each layer: a thin starting layer (tau <= smallest mu) by diamond initialisation (Wiscombe
//  1976),
//    doubled until the layer's thickness is reached (or, for a semi-infinite layer, until its
//    reflection no longer changes). Layers are stacked with the adding equations.
//  - Boundaries: Fresnel reflection (unpolarised, with total internal reflection) at the top
//  surface
//    against n_above, and at the bottom against n_below (or an index-matched bottom), optionally
//    over a Lambertian reflector Rb placed in the medium below (Rb = 0: an ideal black absorber).
// Accuracy with the default 24 points: ~0.1 % against van de Hulst's and Giovanelli's tables (see
// tests/optics/adding_doubling_test.cpp). A solve costs well under a millisecond.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace shadecast::optics::ad {

// One homogeneous layer; layers are listed top (illuminated side) to bottom.
struct Layer {
  double mua_per_mm = 0.0;  // absorption coefficient, >= 0
  double mus_per_mm = 0.0;  // scattering coefficient, >= 0
  double g = 0.0;           // Henyey-Greenstein anisotropy, in (-1, 1)
  double thickness_mm =
      0.0;  // >= 0; std::numeric_limits<double>::infinity() only for the last layer
};

struct Options {
  int quadrature_points = 24;  // N polar angles per hemisphere: even, 4..128
  double n_tissue = 1.4;       // refractive index of every layer
  double n_above = 1.0;  // medium above the top surface (air); == n_tissue means index matched
  // Medium below the bottom surface; std::nullopt means index matched (no Fresnel reflection there,
  // e.g. an opaque black sheet in optical contact). Ignored when the last layer is semi-infinite.
  std::optional<double> n_below = std::nullopt;
  // Lambertian reflector in the medium below the bottom surface; 0 = ideal black absorber.
  double bottom_reflectance = 0.0;

  // True when every field is usable; otherwise false and, if why != nullptr, a message naming the
  // field.
  bool IsValid(std::string* why) const;
};

// All quantities are fractions of the incident power.
struct Result {
  // Collimated, normally incident beam from above.
  double specular_reflectance = 0.0;  // Fresnel reflection at the top surface
  double diffuse_reflectance = 0.0;   // everything else leaving the top surface
  double total_transmittance = 0.0;   // net power through the bottom surface, unscattered included
  double unscattered_transmittance = 0.0;  // part of total_transmittance never scattered
  double absorbed = 0.0;  // in the layers: 1 - the three above (excluding unscattered)
  // Uniform diffuse (Lambertian) illumination from above.
  double diffuse_incidence_reflectance = 0.0;    // total, including the surface's own reflection
  double diffuse_incidence_transmittance = 0.0;  // net power through the bottom surface
  int quadrature_points = 0;                     // N used
};

// Solves the stack. Throws std::invalid_argument naming the field for an empty stack, a bad layer
// (negative coefficient or thickness, g outside (-1, 1), infinite thickness other than last) or
// invalid Options.
Result Solve(const std::vector<Layer>& layers, const Options& options = {});

// The project's use-case: epidermis over dermis (common mus, g; n = options.n_tissue), an opaque
// ideal black sheet at depth black_sheet_depth_mm below the surface (infinity: a semi-infinite
// dermis). If the sheet lies inside the epidermis, the dermis is absent.
struct SkinStack {
  double mua_epidermis_per_mm = 0.0;
  double epidermis_thickness_mm = 0.0;
  double mua_dermis_per_mm = 0.0;
  double mus_per_mm = 0.0;
  double g = 0.0;
};
// The black sheet is index matched and absorbs everything (options.n_below and bottom_reflectance
// are overridden).
Result SolveSkinOverBlackSheet(const SkinStack& skin, double black_sheet_depth_mm,
                               const Options& options = {});

}  // namespace shadecast::optics::ad
