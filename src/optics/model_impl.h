#pragma once
// The layered skin-pigment model, templated on the scalar so Ceres can differentiate it.
// Included by the optics .cpp files and the autodiff cost functions only (not a public header).
//
// Layers, top to bottom (design.md section 5):
//   epidermis (epidermis_mm): melanin + baseline absorption, dermal-like scattering;
//   upper dermis (depth_mm - epidermis_mm): blood + baseline, reduced scattering a (lambda/500)^-b;
//   pigment layer (pigment_layer_mm): the dermis plus load * unit * sum_i c_i (K_i, S_i);
//   deep dermis: semi-infinite.
// K = 2 mu_a and S = 0.75 mu_s' (diffuse light, mu_a << mu_s'; Thennadil 2008): effective
// quantities, inaccurate in the Soret band and in dark epidermis. Saunderson turns the internal
// reflectance into what the camera sees. The dot's finite size mixes the sheet's reflectance with
// the skin's by an effective coverage (see Coverage).
#include <cmath>

#include "color/colorimetry.h"
#include "color/lab.h"
#include "optics/chromophores.h"
#include "optics/km.h"
#include "optics/params.h"

namespace shadecast::optics::impl {

template <typename T>
struct ModelT {
  T epidermis_mm, scat_a_per_mm, scat_b, epi_scat, epi_abs, k1, k2, depth_mm, layer_mm, unit_per_mm, mfp_mm, dot_diameter_mm,
      yule_nielsen_n, oxygen_saturation, pheomelanin_fraction;

  static ModelT From(const ModelParams& m) {
    return {T(m.epidermis_mm),         T(m.scattering_a_per_cm / 10.0), T(m.scattering_b), T(m.epidermis_scattering_factor), T(m.epidermis_absorption_factor),
            T(m.saunderson_k1),        T(m.saunderson_k2),              T(m.depth_mm),
            T(m.pigment_layer_mm),     T(m.pigment_unit_per_mm),        T(m.transport_mfp_mm),
            T(m.dot_diameter_mm),      T(m.yule_nielsen_n),             T(m.oxygen_saturation),
            T(m.pheomelanin_fraction)};
  }
};

template <typename T>
struct SkinT {
  T melanin, blood, scattering_scale;
  static SkinT From(const SkinParams& s) { return {T(s.melanin), T(s.blood), T(s.scattering_scale)}; }
};

// Per-band KM coefficients of the epidermis and the dermis (mm^-1).
template <typename T>
struct BandCoefficients {
  T k_epi, s_epi, k_derm, s_derm;
};

template <typename T>
BandCoefficients<T> Coefficients(const SkinT<T>& skin, const ModelT<T>& m, int band) {
  using std::pow;
  const Chromophores& c = GetChromophores();
  const T mel = (T(1.0) - m.pheomelanin_fraction) * c.eumelanin[band] + m.pheomelanin_fraction * c.pheomelanin[band];
  const T mua_epi = skin.melanin * mel + (T(1.0) - skin.melanin) * c.baseline[band];
  const T hb = m.oxygen_saturation * c.blood_oxy[band] + (T(1.0) - m.oxygen_saturation) * c.blood_deoxy[band];
  const T mua_derm = skin.blood * hb + (T(1.0) - skin.blood) * c.baseline[band];
  const T mus_prime = skin.scattering_scale * m.scat_a_per_mm * pow(T(color::BandNm(band) / 500.0), -m.scat_b);
  const T s = T(0.75) * mus_prime;
  return {m.epi_abs * mua_epi, m.epi_scat * s, T(2.0) * mua_derm, s};
}

// Internal reflectance of bare skin at one band (epidermis over semi-infinite dermis).
template <typename T>
T SkinInternal(const BandCoefficients<T>& b, const ModelT<T>& m) {
  return km::Stack(km::Layer(b.k_epi, b.s_epi, m.epidermis_mm), km::SemiInfinite(b.k_derm, b.s_derm)).r_top;
}

// Internal reflectance with a laterally infinite pigment sheet; pig_k, pig_s are the blend's K, S
// in library units at load 1, `load` the relative load.
template <typename T>
T SheetInternal(const BandCoefficients<T>& b, const ModelT<T>& m, const T& pig_k, const T& pig_s, const T& load) {
  const km::Slab<T> epi = km::Layer(b.k_epi, b.s_epi, m.epidermis_mm);
  const km::Slab<T> upper = km::Layer(b.k_derm, b.s_derm, m.depth_mm - m.epidermis_mm);
  const T phi = load * m.unit_per_mm;
  const km::Slab<T> pig = km::Layer(b.k_derm + phi * pig_k, b.s_derm + phi * pig_s, m.layer_mm);
  const km::Slab<T> deep = km::SemiInfinite(b.k_derm, b.s_derm);
  return km::Stack(epi, km::Stack(upper, km::Stack(pig, deep))).r_top;
}

// Effective coverage of a dot of diameter D whose pigment centre lies at depth z: light that meets
// the pigment spreads sideways on its way in and out, which a Gaussian point-spread of
// sigma^2 = (l*^2 + z^2) / 4 approximates (l* the transport mean free path); the fraction of the
// spread that falls on the dot at its centre is 1 - exp(-r^2 / (2 sigma^2)), r = D / 2. An
// effective model (fitted through transport_mfp_mm), not a diffusion solution.
template <typename T>
T Coverage(const ModelT<T>& m) {
  using std::exp;
  const T z = m.depth_mm + T(0.5) * m.layer_mm;
  const T sigma2 = (m.mfp_mm * m.mfp_mm + z * z) / T(4.0);
  const T r = T(0.5) * m.dot_diameter_mm;
  return T(1.0) - exp(-r * r / (T(2.0) * sigma2));
}

// Mixes the dot core with the surrounding skin (Yule-Nielsen with factor n; n = 1 is linear).
template <typename T>
T MixDot(const T& r_skin, const T& r_sheet, const T& coverage, const T& n) {
  using std::pow;
  if (n == T(1.0)) return (T(1.0) - coverage) * r_skin + coverage * r_sheet;
  const T inv = T(1.0) / n;
  return pow((T(1.0) - coverage) * pow(r_skin, inv) + coverage * pow(r_sheet, inv), n);
}

// Measured (camera-side) reflectance spectra of the bare skin and the dot core.
template <typename T>
void Reflectances(const SkinT<T>& skin, const ModelT<T>& m, const T* pig_k, const T* pig_s, const T& load,
                  T* skin_out, T* dot_out) {
  const T cov = Coverage(m);
  for (int band = 0; band < color::kBands; ++band) {
    const BandCoefficients<T> b = Coefficients(skin, m, band);
    const T rs = km::Saunderson(SkinInternal(b, m), m.k1, m.k2);
    skin_out[band] = rs;
    if (dot_out) {
      const T rd = km::Saunderson(SheetInternal(b, m, pig_k[band], pig_s[band], load), m.k1, m.k2);
      dot_out[band] = MixDot(rs, rd, cov, m.yule_nielsen_n);
    }
  }
}

// Reflectance on the 36-band grid -> L*a*b* D50 (computed D50 white; docs/conventions.md).
template <typename T>
color::Triple<T> LabD50(const T* r36) {
  const color::Colorimeter& d50 = color::D50Colorimeter();
  return color::XyzToLab(d50.Xyz36(r36), d50.white());
}

}  // namespace shadecast::optics::impl
