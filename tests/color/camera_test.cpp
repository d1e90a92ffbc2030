// The Luther-condition distance of a camera (color/camera.h).
#include <catch2/catch.hpp>

#include "color/camera.h"
#include "color/colorimetry.h"

namespace sc = shadecast::color;

namespace {
// A camera whose sensitivities are given functions of wavelength on 380-780 nm at 5 nm.
template <typename F>
sc::CameraSensitivity MakeCamera(F f) {
  sc::CameraSensitivity c;
  c.name = "test";
  for (double nm = 380; nm <= 780; nm += 5) {
    c.wavelengths_nm.push_back(nm);
    const auto v = f(nm);
    for (int k = 0; k < 3; ++k) c.rgb[k].push_back(v[k]);
  }
  return c;
}
}  // namespace

TEST_CASE("LutherResidual: zero for a mix of the CIE observer, large for a narrow-band camera") {
  const auto& obs = sc::Cie1931();
  auto cmf = [&](double nm, int k) {
    const size_t i = static_cast<size_t>(nm - obs.nm.front());
    return k == 0 ? obs.xbar[i] : k == 1 ? obs.ybar[i] : obs.zbar[i];
  };
  const auto light = sc::CieIlluminant("D65");
  const sc::Colorimeter col(light);
  // A linear mix of the CMFs (sampled at 5 nm, interpolated like the observer is): within the
  // resampling error of 5 nm vs 1 nm sampling; tolerance 0.02 (the definition: exactly 0 in the limit).
  const auto mix = MakeCamera([&](double nm) {
    return std::array<double, 3>{cmf(nm, 0) + 0.2 * cmf(nm, 1), cmf(nm, 1), 0.5 * cmf(nm, 2) + 0.1 * cmf(nm, 0)};
  });
  for (double r : sc::LutherResidual(sc::CameraResponse(mix, light), col)) CHECK(r < 0.02);
  // Gaussians 10 nm wide at 450, 540, 610 nm: far from the observer (each channel > 0.3).
  auto g = [](double nm, double c) { return std::exp(-0.5 * (nm - c) * (nm - c) / 100.0); };
  const auto narrow = MakeCamera([&](double nm) { return std::array<double, 3>{g(nm, 610), g(nm, 540), g(nm, 450)}; });
  for (double r : sc::LutherResidual(sc::CameraResponse(narrow, light), col)) CHECK(r > 0.3);
}
