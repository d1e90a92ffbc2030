#pragma once
// The skin and ink-dot forward model, templated on the scalar so Ceres can differentiate it.
// Included by the optics .cpp files and the autodiff cost functions only (not a public header).
//
// Light transport is the Monte Carlo's (optics/mc.h), through its tables (optics/mc_tables.h) and
// their interpolant (optics/table_model.h); docs/optics.md. Per band:
//   mus    = scattering_scale x a (lambda / 500 nm)^-b / (1 - g)      (Jacques 2013; g from the tables)
//   mua_e  = f_mel [(1 - beta) mu_eu + beta mu_pheo] + (1 - f_mel) baseline      (epidermis)
//   mua_d  = f_blood [S mu_HbO2 + (1 - S) mu_Hb] + (1 - f_blood) baseline        (dermis)
// The ink is a disc of clusters at depth_mm, diameter dot_diameter_mm. Its areal fill follows a
// Poisson sieve of the pigment amounts a_i (load x share): X = sieve_scale sum_i k_i a_i,
// f = 1 - exp(-X); a crossing of the disc survives with s = 1 - f sum_i (k_i a_i / X) alpha_i(lambda),
// alpha_i the cluster absorptance of pigment i (1 for an opaque black). The dot centre is
// R = sum_n H_n s^n over the crossing classes of the tables.
#include <cmath>

#include "color/colorimetry.h"
#include "color/lab.h"
#include "optics/chromophores.h"
#include "optics/params.h"
#include "optics/table_model.h"

namespace shadecast::optics::impl {

template <typename T>
struct ModelT {
  T scat_a_per_mm, scat_b, depth_mm, dot_diameter_mm, oxygen_saturation, pheomelanin_fraction, sieve_scale,
      dermal_melanin_ratio;
  // Kept from the two-flux model so old parameter files and fits still carry them; unused.
  T k2, unit_per_mm, mfp_mm;
  double epidermis_mm;

  static ModelT From(const ModelParams& m) {
    return {T(m.scattering_a_per_cm / 10.0), T(m.scattering_b),       T(m.depth_mm),
            T(m.dot_diameter_mm),           T(m.oxygen_saturation),  T(m.pheomelanin_fraction),
            T(m.sieve_scale),               T(m.dermal_melanin_ratio), T(m.saunderson_k2),      T(m.pigment_unit_per_mm),
            T(m.transport_mfp_mm),          m.epidermis_mm};
  }
};

template <typename T>
struct SkinT {
  T melanin, blood, scattering_scale;
  T dermal_melanin = T(-1.0);  // < 0: the parameters' ratio x melanin
  static SkinT From(const SkinParams& s) {
    return {T(s.melanin), T(s.blood), T(s.scattering_scale), T(s.dermal_melanin)};
  }
};

// The Monte Carlo inputs of one band (per mm).
template <typename T>
struct BandOptics {
  T mus, mua_e, mua_d;
};

template <typename T>
BandOptics<T> Band(const SkinT<T>& skin, const ModelT<T>& m, int band) {
  using std::pow;
  const Chromophores& c = GetChromophores();
  const T mel = (T(1.0) - m.pheomelanin_fraction) * c.eumelanin[band] + m.pheomelanin_fraction * c.pheomelanin[band];
  const T mua_e = skin.melanin * mel + (T(1.0) - skin.melanin) * c.baseline[band];
  const T hb = m.oxygen_saturation * c.blood_oxy[band] + (T(1.0) - m.oxygen_saturation) * c.blood_deoxy[band];
  const T dermal = skin.dermal_melanin < T(0.0) ? m.dermal_melanin_ratio * skin.melanin : skin.dermal_melanin;
  const T mua_d = skin.blood * hb + (T(1.0) - skin.blood) * c.baseline[band] + dermal * mel;
  const T mus_prime = skin.scattering_scale * m.scat_a_per_mm * pow(T(color::BandNm(band) / 500.0), -m.scat_b);
  return {mus_prime / T(1.0 - TableModel::Shipped().g()), mua_e, mua_d};
}

// The blend's ink terms: sieve = sieve_scale sum_i k_i a_i and weighted[band] = sieve_scale sum_i
// k_i a_i alpha_i(band), for amounts a_i of pigments (k_i includes the per-pigment scale).
template <typename T>
void InkTerms(const PigmentKS* const* pigments, const T* amounts, const double* scales, int n, const ModelT<T>& m,
              T* sieve, T* weighted) {
  *sieve = T(0.0);
  for (int b = 0; b < color::kBands; ++b) weighted[b] = T(0.0);
  for (int i = 0; i < n; ++i) {
    const T x = m.sieve_scale * amounts[i] * T(pigments[i]->sieve_k * scales[i]);
    *sieve += x;
    for (int b = 0; b < color::kBands; ++b) weighted[b] += x * T(pigments[i]->cluster_absorptance[b]);
  }
}

// Areal fill of the sieve for X = sieve (1 - exp(-X)) and the per-crossing survival of one band.
template <typename T>
T Fill(const T& sieve) {
  using std::exp;
  return T(1.0) - exp(-sieve);
}
template <typename T>
T Survival(const T& sieve, const T& weighted) {
  using std::exp;
  // (1 - exp(-X)) / X -> 1 as X -> 0.
  const T g = sieve > T(1e-8) ? (T(1.0) - exp(-sieve)) / sieve : T(1.0) - T(0.5) * sieve;
  const T s = T(1.0) - g * weighted;
  return s < T(0.0) ? T(0.0) : s;
}

// sum_n h[n] s^n (Horner).
template <typename T>
T Polynomial(const T* h, int bins, const T& s) {
  T r = h[bins];
  for (int n = bins - 1; n >= 0; --n) r = r * s + h[n];
  return r;
}

// Camera-side (specular excluded) reflectance of bare skin and, if dot_out, of the dot's centre for
// ink terms (sieve, weighted) from InkTerms.
template <typename T>
void Reflectances(const SkinT<T>& skin, const ModelT<T>& m, const T& sieve, const T* weighted, T* skin_out,
                  T* dot_out) {
  const TableModel& tm = TableModel::Shipped();
  T h[65];
  for (int band = 0; band < color::kBands; ++band) {
    const BandOptics<T> o = Band(skin, m, band);
    if (!dot_out) {
      skin_out[band] = tm.Skin(o.mus, o.mua_e, o.mua_d);
      continue;
    }
    tm.Classes(o.mus, o.mua_e, o.mua_d, m.depth_mm, m.dot_diameter_mm, h);
    T total(0.0);
    for (int n = 0; n <= tm.bins(); ++n) total += h[n];
    skin_out[band] = total;
    dot_out[band] = Polynomial(h, tm.bins(), Survival(sieve, weighted[band]));
  }
}

// Reflectance on the 36-band grid -> L*a*b* D50 (computed D50 white; docs/conventions.md).
template <typename T>
color::Triple<T> LabD50(const T* r36) {
  const color::Colorimeter& d50 = color::D50Colorimeter();
  return color::XyzToLab(d50.Xyz36(r36), d50.white());
}

}  // namespace shadecast::optics::impl
