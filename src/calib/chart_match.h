#pragma once
// Is the photographed patch set this chart at all? A camera- and light-independent check run
// before any fit (issue 20: a different 24-patch card was accepted with LOO 24 and a profile
// written). Two least-squares agreements (R^2) over the usable patches between what the camera saw
// and what the chart definition says, each invariant to exposure, white balance and (to first
// order) the camera's primaries:
//   - brightness: log reference Y on 1, log R, log G, log B of the linearised camera values;
//   - colour: the reference's chromaticities (x, z of XYZ over its sum) on 1 and the camera's (r,
//     b over r + g + b); a linear camera's are a projective image of the reference's, close to
//     affine over a chart's gamut.
// A ColorChecker through every shipped camera under four lights, with a 30 % light fall-off across
// it, scores >= 0.9 on both (tests/calib/chart_match_test.cpp); the same 24 patches in another
// layout score ~0.1-0.3. No I/O.
#include <string>

#include "calib/calibration.h"

namespace shadecast::calib {

struct ChartMatch {
  double luminance = 0;  // R^2, 0..1
  double chroma = 0;     // R^2, 0..1
  int patches = 0;            // usable patches compared
  bool matches = false;       // both agreements >= kChartMatchMin
  std::string reason;         // plain words when !matches
};

// Agreements below this say the photo is not of the chart definition's card.
inline constexpr double kChartMatchMin = 0.6;

// `lin` linearises the device values (gamma and curve, whose parameters are fitted later, are read
// as sRGB here). Patches flagged clipped or non-uniform are left out.
ChartMatch MatchChart(const CalibrationInput& input, Linearization lin);

}  // namespace shadecast::calib
