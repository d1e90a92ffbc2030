#pragma once
// The spectral mode (an experiment, design.md section 2): estimate the effective spectral
// sensitivities (camera x light) from the chart's reflectances and its normalised camera RGB with
// a smooth, non-negative, regularised basis; predict the camera RGB of a training set of
// reflectances that matter here (skin and pigment under skin, from the optics model); fit the
// mapping on training set + chart with the target their L*a*b* D50.
#include <array>
#include <string>
#include <vector>

#include "calib/calibration.h"
#include "optics/model.h"

namespace shadecast::calib {

struct SensitivityEstimate {
  std::array<color::Spectral36, 3> s{};  // normalised RGB = s . reflectance
  double lambda = 0;                      // chosen smoothness weight (leave-one-out in RGB)
  double rms_residual = 0;                // on the chart, normalised RGB units
};
// Non-negative combination of Gaussian bumps (25 nm apart) with a second-difference penalty;
// lambda from a small grid by leave-one-out over the patches. Needs >= 6 patches.
SensitivityEstimate EstimateSensitivities(const std::vector<color::Spectral36>& reflectance,
                                          const std::vector<Rgb>& rgb, const std::vector<double>& weight);

inline Rgb PredictRgb(const SensitivityEstimate& e, const color::Spectral36& r) {
  Rgb out{0, 0, 0};
  for (int c = 0; c < 3; ++c)
    for (int k = 0; k < color::kBands; ++k) out[c] += e.s[c][k] * r[k];
  return out;
}

// Skin over the optics model's range (melanin, blood, scattering) and dots of each pigment blend
// under a few of those skins at several loads, with their L*a*b* D50 (computed D50 white).
TrainingSet SkinTrainingSet(const optics::ModelParams& params, const std::vector<optics::BlendKS>& pigments);

}  // namespace shadecast::calib
