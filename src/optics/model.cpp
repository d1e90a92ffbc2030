#include "optics/model.h"

#include <algorithm>
#include <cmath>
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

double LateralSigmaMm(const ModelParams& params) {
  const double z = params.depth_mm + 0.5 * params.pigment_layer_mm;
  return std::sqrt((params.transport_mfp_mm * params.transport_mfp_mm + z * z) / 4.0);
}

double DotProfile(double rho_mm, const ModelParams& params) {
  // P(rho) = int_0^r (s / sigma^2) exp(-(s^2 + rho^2) / (2 sigma^2)) I0(s rho / sigma^2) ds, the
  // disk of radius r convolved with a unit 2-D Gaussian, by composite Simpson on 256 intervals;
  // I0 is taken in scaled form (I0(x) e^-x, large-x asymptotics) so nothing overflows.
  const double sigma2 = std::pow(LateralSigmaMm(params), 2);
  const double r = 0.5 * params.dot_diameter_mm;
  const double rho = std::abs(rho_mm);
  auto scaled_i0 = [](double x) {  // I0(x) * exp(-x)
    if (x < 30) return std::cyl_bessel_i(0.0, x) * std::exp(-x);
    return 1.0 / std::sqrt(2 * M_PI * x) * (1 + 1 / (8 * x) + 9 / (128 * x * x));
  };
  auto f = [&](double s) {
    const double x = s * rho / sigma2;
    return s / sigma2 * std::exp(-(s - rho) * (s - rho) / (2 * sigma2)) * scaled_i0(x);
  };
  constexpr int kN = 256;
  const double h = r / kN;
  double sum = f(0) + f(r);
  for (int i = 1; i < kN; ++i) sum += (i % 2 ? 4 : 2) * f(i * h);
  return std::clamp(sum * h / 3, 0.0, 1.0);
}

double MixReflectance(double r_skin, double r_sheet, double coverage, const ModelParams& params) {
  return impl::MixDot(r_skin, r_sheet, coverage, params.yule_nielsen_n);
}

color::Lab ReflectanceToLab(const color::Spectral36& r) { return impl::LabD50(r.data()); }

color::Lab ReflectanceToLabUnder(const color::Spectral36& r, const color::Colorimeter& light) {
  const color::Colorimeter& d50 = color::D50Colorimeter();
  const color::Xyz xyz = color::BradfordAdapt(light.Xyz36(r.data()), light.white(), d50.white());
  return color::XyzToLab(xyz, d50.white());
}

}  // namespace shadecast::optics
