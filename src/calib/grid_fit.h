#pragma once
// How well a patch grid sits on the photographed chart, without knowing where the chart is: the
// share of sampled points that read something other than their patch (the gaps, the frame, the
// next patch). DetectChart uses it to choose between mcc's box and the refined grid (issue 20:
// on real photos of cards whose geometry is not quite the definition's, the refinement sometimes
// moved a good box by a quarter patch).
#include "calib/detect.h"

namespace shadecast::calib {

// Each patch sampled on a 12 x 12 grid covering `fraction` of its side; a point "straddles" when
// its mean channel value differs from the patch's median by more than 15 % of it plus 0.02. The
// mean share over the patches: ~0 for a grid on the patches (a flat print, JPEG noise well
// inside the tolerance), ~0.2 for a grid a quarter patch off at fraction 0.85. Points outside the
// image count as straddling.
double GridStraddle(const ImageF& rgb, const pb::ChartDefinition& chart, const Corners& corners,
                    double fraction = 0.85);

}  // namespace shadecast::calib
