#include "optics/model.h"

#include <stdexcept>

#include "color/adapt.h"
#include "color/ciede2000.h"
#include "optics/model_impl.h"

namespace shadecast::optics {

BlendKS MixBlend(const Blend& blend, const ModelParams& params) {
  BlendKS out;
  for (const BlendComponent& c : blend) {
    if (!c.pigment) throw std::invalid_argument("blend component without a pigment");
    const double w = c.fraction * params.PigmentScale(c.pigment->id);
    for (int k = 0; k < color::kBands; ++k) {
      out.k[k] += w * c.pigment->k[k];
      out.s[k] += w * c.pigment->s[k];
    }
  }
  return out;
}

RenderResult Render(const SkinParams& skin, const BlendKS& blend, double load, const ModelParams& params) {
  std::string why;
  if (!params.IsValid(&why)) throw std::invalid_argument("optics parameters: " + why);
  const auto m = impl::ModelT<double>::From(params);
  const auto s = impl::SkinT<double>::From(skin);
  RenderResult r;
  impl::Reflectances(s, m, blend.k.data(), blend.s.data(), load, r.skin_reflectance.data(), r.dot_reflectance.data());
  r.skin_lab = ReflectanceToLab(r.skin_reflectance);
  r.dot_lab = ReflectanceToLab(r.dot_reflectance);
  r.contrast_de00 = color::DeltaE00(r.dot_lab, r.skin_lab);
  r.coverage = impl::Coverage(m);
  return r;
}

color::Spectral36 SkinReflectance(const SkinParams& skin, const ModelParams& params) {
  color::Spectral36 out{};
  const auto m = impl::ModelT<double>::From(params);
  impl::Reflectances(impl::SkinT<double>::From(skin), m, static_cast<const double*>(nullptr),
                     static_cast<const double*>(nullptr), 0.0, out.data(), static_cast<double*>(nullptr));
  return out;
}

color::Spectral36 SheetReflectance(const SkinParams& skin, const BlendKS& blend, double load,
                                   const ModelParams& params) {
  const auto m = impl::ModelT<double>::From(params);
  const auto s = impl::SkinT<double>::From(skin);
  color::Spectral36 out{};
  for (int band = 0; band < color::kBands; ++band) {
    const auto b = impl::Coefficients(s, m, band);
    out[band] = km::Saunderson(impl::SheetInternal(b, m, blend.k[band], blend.s[band], load), m.k1, m.k2);
  }
  return out;
}

color::Lab ReflectanceToLab(const color::Spectral36& r) { return impl::LabD50(r.data()); }

color::Lab ReflectanceToLabUnder(const color::Spectral36& r, const color::Colorimeter& light) {
  const color::Colorimeter& d50 = color::D50Colorimeter();
  const color::Xyz xyz = color::BradfordAdapt(light.Xyz36(r.data()), light.white(), d50.white());
  return color::XyzToLab(xyz, d50.white());
}

}  // namespace shadecast::optics
