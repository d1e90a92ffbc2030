#include "optics/model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "color/adapt.h"
#include "color/ciede2000.h"
#include "optics/model_impl.h"
#include "optics/table_model.h"

namespace shadecast::optics {

BlendKS MixBlend(const Blend& blend, const ModelParams& params) {
  BlendKS out;
  for (const BlendComponent& c : blend) {
    if (!c.pigment) throw std::invalid_argument("blend component without a pigment");
    const double w = c.fraction * params.PigmentScale(c.pigment->id);
    out.sieve += w * c.pigment->sieve_k;
    for (int k = 0; k < color::kBands; ++k) {
      out.k[k] += w * c.pigment->k[k];
      out.s[k] += w * c.pigment->s[k];
      out.weighted[k] += w * c.pigment->sieve_k * c.pigment->cluster_absorptance[k];
    }
  }
  return out;
}

namespace {
void CheckParams(const ModelParams& params) {
  std::string why;
  if (!params.IsValid(&why)) throw std::invalid_argument("optics parameters: " + why);
}
}  // namespace

double InkFill(const BlendKS& blend, double load, const ModelParams& params) {
  return impl::Fill(load * params.sieve_scale * blend.sieve);
}

color::Spectral36 InkSurvival(const BlendKS& blend, double load, const ModelParams& params) {
  color::Spectral36 out{};
  const double x = load * params.sieve_scale;
  for (int k = 0; k < color::kBands; ++k) out[k] = impl::Survival(x * blend.sieve, x * blend.weighted[k]);
  return out;
}

color::Spectral36 DotProfileReflectance(const SkinParams& skin, const BlendKS& blend, double load,
                                        const ModelParams& params, double rho_mm) {
  CheckParams(params);
  const TableModel& tm = TableModel::Shipped();
  if (!tm.has_profile()) throw std::invalid_argument("the Monte Carlo tables carry no radial profile (regenerate them)");
  const auto m = impl::ModelT<double>::From(params);
  const auto s = impl::SkinT<double>::From(skin);
  const color::Spectral36 surv = InkSurvival(blend, load, params);
  const double rho_rel = std::abs(rho_mm) / (0.5 * params.dot_diameter_mm);
  color::Spectral36 out{};
  double h[65];
  for (int k = 0; k < color::kBands; ++k) {
    const auto b = impl::Band(s, m, k);
    tm.ProfileClasses(b.mus, b.mua_e, b.mua_d, params.depth_mm, params.dot_diameter_mm, rho_rel, h);
    out[k] = impl::Polynomial(h, tm.bins(), surv[k]);
  }
  return out;
}

const std::vector<double>& DotProfileModel::RelativeRadii() {
  static const std::vector<double> r = {0, 0.25, 0.5, 0.7, 0.85, 1.0, 1.15, 1.3, 1.5, 1.8, 2.2, 2.6, 3.0};
  return r;
}

DotProfileModel::DotProfileModel(const SkinParams& skin, const ModelParams& params) : params_(params) {
  CheckParams(params);
  const TableModel& tm = TableModel::Shipped();
  if (!tm.has_profile()) throw std::invalid_argument("the Monte Carlo tables carry no radial profile (regenerate them)");
  const auto m = impl::ModelT<double>::From(params);
  const auto s = impl::SkinT<double>::From(skin);
  bins_ = tm.bins();
  const auto& rel = RelativeRadii();
  classes_.resize(rel.size() * color::kBands * (bins_ + 1));
  double h[65];
  for (size_t r = 0; r < rel.size(); ++r) {
    rho_mm_.push_back(rel[r] * 0.5 * params.dot_diameter_mm);
    for (int k = 0; k < color::kBands; ++k) {
      const auto b = impl::Band(s, m, k);
      tm.ProfileClasses(b.mus, b.mua_e, b.mua_d, params.depth_mm, params.dot_diameter_mm, rel[r], h);
      std::copy(h, h + bins_ + 1, classes_.begin() + (r * color::kBands + k) * (bins_ + 1));
    }
  }
  skin_ = SkinReflectance(skin, params);
}

std::vector<color::Spectral36> DotProfileModel::Profile(const BlendKS& blend, double load) const {
  const color::Spectral36 surv = InkSurvival(blend, load, params_);
  std::vector<color::Spectral36> out(rho_mm_.size());
  for (size_t r = 0; r < rho_mm_.size(); ++r)
    for (int k = 0; k < color::kBands; ++k)
      out[r][k] = impl::Polynomial(&classes_[(r * color::kBands + k) * (bins_ + 1)], bins_, surv[k]);
  return out;
}

BandInputs SkinBandInputs(const SkinParams& skin, const ModelParams& params) {
  const auto m = impl::ModelT<double>::From(params);
  const auto s = impl::SkinT<double>::From(skin);
  BandInputs out;
  for (int k = 0; k < color::kBands; ++k) {
    const auto b = impl::Band(s, m, k);
    out.mus[k] = b.mus;
    out.mua_epidermis[k] = b.mua_e;
    out.mua_dermis[k] = b.mua_d;
  }
  return out;
}

RenderResult Render(const SkinParams& skin, const BlendKS& blend, double load, const ModelParams& params) {
  CheckParams(params);
  const auto m = impl::ModelT<double>::From(params);
  const auto s = impl::SkinT<double>::From(skin);
  RenderResult r;
  const double x = load * params.sieve_scale;
  color::Spectral36 weighted{};
  for (int k = 0; k < color::kBands; ++k) weighted[k] = x * blend.weighted[k];
  impl::Reflectances(s, m, x * blend.sieve, weighted.data(), r.skin_reflectance.data(), r.dot_reflectance.data());
  r.skin_lab = ReflectanceToLab(r.skin_reflectance);
  r.dot_lab = ReflectanceToLab(r.dot_reflectance);
  r.contrast_de00 = color::DeltaE00(r.dot_lab, r.skin_lab);
  r.coverage = impl::Fill(x * blend.sieve);
  const TableModel& tm = TableModel::Shipped();
  for (int k = 0; k < color::kBands; ++k) {
    const auto b = impl::Band(s, m, k);
    if (!tm.InRange(b.mus, b.mua_e, b.mua_d)) r.in_range = false;
  }
  return r;
}

color::Spectral36 SkinReflectance(const SkinParams& skin, const ModelParams& params) {
  color::Spectral36 out{};
  const auto m = impl::ModelT<double>::From(params);
  impl::Reflectances(impl::SkinT<double>::From(skin), m, 0.0, static_cast<const double*>(nullptr), out.data(),
                     static_cast<double*>(nullptr));
  return out;
}

color::Lab ReflectanceToLab(const color::Spectral36& r) { return impl::LabD50(r.data()); }

color::Lab ReflectanceToLabUnder(const color::Spectral36& r, const color::Colorimeter& light) {
  const color::Colorimeter& d50 = color::D50Colorimeter();
  const color::Xyz xyz = color::BradfordAdapt(light.Xyz36(r.data()), light.white(), d50.white());
  return color::XyzToLab(xyz, d50.white());
}

}  // namespace shadecast::optics
