#pragma once
// A dot on one fixed skin, precomputed for fast repeated evaluation (recipe search, fade tables):
// everything above and below the pigment layer is evaluated once per band in double precision, so a
// call costs one pigment-layer solve per band. Templated on the scalar for Ceres; internal header
// (include only from .cpp files).
#include <array>
#include <cmath>
#include <stdexcept>

#include "color/colorimetry.h"
#include "optics/model_impl.h"

namespace shadecast::optics {

class DotModel {
 public:
  static constexpr int kMaxPigments = 8;

  DotModel(const SkinParams& skin, const ModelParams& params) : params_(params) {
    const auto m = impl::ModelT<double>::From(params);
    const auto s = impl::SkinT<double>::From(skin);
    coverage_ = impl::Coverage(m);
    for (int band = 0; band < color::kBands; ++band) {
      const auto b = impl::Coefficients(s, m, band);
      const auto epi = km::Layer(b.k_epi, b.s_epi, m.epidermis_mm);
      top_[band] = km::Stack(epi, km::Layer(b.k_derm, b.s_derm, m.depth_mm - m.epidermis_mm));
      deep_r_[band] = km::RInfinity(b.k_derm, b.s_derm);
      k_derm_[band] = b.k_derm;
      s_derm_[band] = b.s_derm;
      skin_r_[band] = km::Saunderson(impl::SkinInternal(b, m), m.k1, m.k2);
    }
  }

  // Dot-core reflectance for pigment amounts a_i (load x share) of pigments k_i, s_i (library units).
  template <typename T>
  void Reflectance(const T* amounts, const PigmentKS* const* pigments, int n, T* out) const {
    // Amount in mm^-1 per library unit, the per-pigment scale looked up once per call.
    if (n > kMaxPigments) throw std::invalid_argument("DotModel: at most 8 pigments in one dot");
    T phi[kMaxPigments];
    for (int i = 0; i < n; ++i)
      phi[i] = amounts[i] * (params_.pigment_unit_per_mm * params_.PigmentScale(pigments[i]->id));
    for (int band = 0; band < color::kBands; ++band) {
      T k(k_derm_[band]), s(s_derm_[band]);
      for (int i = 0; i < n; ++i) {
        k += phi[i] * pigments[i]->k[band];
        s += phi[i] * pigments[i]->s[band];
      }
      const km::Slab<T> pig = km::Layer(k, s, T(params_.pigment_layer_mm));
      const km::Slab<T> deep{T(deep_r_[band]), T(deep_r_[band]), T(0.0)};
      const km::Slab<T> top{T(top_[band].r_top), T(top_[band].r_bottom), T(top_[band].t)};
      const T internal = km::Stack(top, km::Stack(pig, deep)).r_top;
      const T sheet = km::Saunderson(internal, T(params_.saunderson_k1), T(params_.saunderson_k2));
      out[band] = impl::MixDot(T(skin_r_[band]), sheet, T(coverage_), T(params_.yule_nielsen_n));
    }
  }

  // L*a*b* D50 of the dot core.
  template <typename T>
  color::Triple<T> Lab(const T* amounts, const PigmentKS* const* pigments, int n) const {
    T r[color::kBands];
    Reflectance(amounts, pigments, n, r);
    return impl::LabD50(r);
  }

  // XYZ D50 (Y of the perfect white = 100) of the dot core: linear in the reflectance, so a
  // first-order model of it in the amounts stays accurate further than one of L*a*b*.
  color::Xyz Xyz(const double* amounts, const PigmentKS* const* pigments, int n) const {
    double r[color::kBands];
    Reflectance(amounts, pigments, n, r);
    return color::D50Colorimeter().Xyz36(r);
  }

  const color::Spectral36& skin_reflectance() const { return skin_r_; }
  // L*a*b* D50 of the bare skin (the dot at zero load).
  color::Lab skin_lab() const { return impl::LabD50(skin_r_.data()); }
  const ModelParams& params() const { return params_; }

 private:
  ModelParams params_;
  double coverage_ = 0;
  std::array<km::Slab<double>, color::kBands> top_{};
  color::Spectral36 deep_r_{}, k_derm_{}, s_derm_{}, skin_r_{};
};

}  // namespace shadecast::optics
