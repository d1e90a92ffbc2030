#pragma once
// The synthesiser's own answer to "how does this scalp look from where people look": the same scene
// rendered clean (CIE 1931 observer under D50 as the camera, so pixels are XYZ D50; no blur, noise,
// vignetting, white balance or hair shafts lying on the skin; same seed, so the same follicles and
// dots in the same places), cropped to the largest rectangle clear of the chart, and filtered by the
// appearance model (color/appearance.h) at the features' true centres. Independent of everything the
// measurement does (detection, colour calibration, blur estimation, skin sampling).
#include <optional>

#include "color/appearance.h"
#include "image/region.h"
#include "synth/scalp.h"

namespace shadecast::synth {

struct FeatureLookTruth {
  color::Appearance look;
  double density_per_cm2 = 0;  // every feature of the frame over the frame less the chart's box
  int count = 0;                // features whose centres lie in the region
};

struct SceneLookTruth {
  RectI region;                              // pixels of the frame
  color::Xyz skin{};                         // the mean bare skin, XYZ D50 (Y = 1 white)
  std::optional<FeatureLookTruth> follicles;  // absent when the scene has none in the region
  std::optional<FeatureLookTruth> dots;
};

// Throws std::invalid_argument like RenderScalp.
SceneLookTruth ComputeSceneLookTruth(const ScalpOptions& options, const color::ViewingOptions& viewing = {});

}  // namespace shadecast::synth
