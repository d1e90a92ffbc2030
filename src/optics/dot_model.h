#pragma once
// A dot on one fixed skin, depth and diameter, precomputed for fast repeated evaluation (recipe
// search, fade tables): the Monte Carlo crossing classes are interpolated once per band, so a call
// costs one polynomial in the ink's per-crossing survival per band. Templated on the scalar for Ceres; internal header
// (include only from .cpp files).
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "color/colorimetry.h"
#include "optics/model_impl.h"

namespace shadecast::optics {

class DotModel {
 public:
  static constexpr int kMaxPigments = 8;

  // The Monte Carlo shares at one depth and dot diameter (TableModel::SharesAt), shared by the
  // DotModels of many skins with those params (a client's visits): each then costs a sixteenth.
  class Shares {
   public:
    explicit Shares(const ModelParams& params)
        : params_(params), at_(TableModel::Shipped().SharesAt(params.depth_mm, params.dot_diameter_mm)) {}
    const ModelParams& params() const { return params_; }

   private:
    friend class DotModel;
    ModelParams params_;
    std::vector<double> at_;
  };

  // Precomputes, per band, the dot-centre crossing classes of the Monte Carlo tables for this skin,
  // depth and diameter: afterwards a dot is a polynomial in the per-crossing survival per band.
  DotModel(const SkinParams& skin, const ModelParams& params) : params_(params) { Build(skin, nullptr); }
  // The same from shares precomputed for these params (shares.params()).
  DotModel(const SkinParams& skin, const Shares& shares) : params_(shares.params()) { Build(skin, &shares); }

  // Dot-core reflectance for pigment amounts a_i (load x share) of pigments (library).
  template <typename T>
  void Reflectance(const T* amounts, const PigmentKS* const* pigments, int n, T* out) const {
    if (n > kMaxPigments) throw std::invalid_argument("DotModel: at most 8 pigments in one dot");
    double scales[kMaxPigments];
    for (int i = 0; i < n; ++i) scales[i] = params_.PigmentScale(pigments[i]->id);
    const auto m = impl::ModelT<T>::From(params_);
    T sieve;
    T weighted[color::kBands];
    impl::InkTerms(pigments, amounts, scales, n, m, &sieve, weighted);
    for (int band = 0; band < color::kBands; ++band) {
      const T surv = impl::Survival(sieve, weighted[band]);
      const double* h = &h_[static_cast<size_t>(band) * (bins_ + 1)];
      T r(h[bins_]);
      for (int k = bins_ - 1; k >= 0; --k) r = r * surv + h[k];
      out[band] = r;
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
  void Build(const SkinParams& skin, const Shares* shares) {
    std::string why;
    if (!params_.IsValid(&why)) throw std::invalid_argument("optics parameters: " + why);
    const auto m = impl::ModelT<double>::From(params_);
    const auto s = impl::SkinT<double>::From(skin);
    const TableModel& tm = TableModel::Shipped();
    bins_ = tm.bins();
    h_.resize(static_cast<size_t>(color::kBands) * (bins_ + 1));
    for (int band = 0; band < color::kBands; ++band) {
      const auto b = impl::Band(s, m, band);
      double* h = &h_[static_cast<size_t>(band) * (bins_ + 1)];
      if (shares)
        tm.ClassesAt(shares->at_, b.mus, b.mua_e, b.mua_d, h);
      else
        tm.Classes(b.mus, b.mua_e, b.mua_d, params_.depth_mm, params_.dot_diameter_mm, h);
      double total = 0;
      for (int n = 0; n <= bins_; ++n) total += h[n];
      skin_r_[band] = total;
    }
  }

  ModelParams params_;
  int bins_ = 0;
  std::vector<double> h_;  // [band][n]
  color::Spectral36 skin_r_{};
};

}  // namespace shadecast::optics
