#pragma once
// The measurement's last step: the flags that need the whole result (the look, hair shafts, the
// blobs' contrast) and the confidence. Every flag lowers `quality.confidence` (1 = nothing found
// wrong) by its penalty below, floored at 0; a clinic reads >= 0.8 as usable without a second look.
#include <string>
#include <vector>

#include "shadecast/measurement.pb.h"

namespace shadecast::measure {

// Penalty of a flag (docs/measure.md lists them): 0.5 for flags that make the shade or look
// unusable (too_few_*, no_look), 0.3 for those that bias it by more than the look's tolerance
// (blur, blur_out_of_range, chart_fit, chart_drift, too_many_hairs), 0.2 for the rest.
double FlagPenalty(const std::string& flag);

struct QualityInputs {
  bool has_look = false;            // the look step found a region and blobs in it
  bool presmoothed_too_much = false;  // the photo is blurrier than the eye at the near distance
  double camera_sigma_mm = 0;       // the blur the look took off
  double replaced_share = 0;        // share of the look's region that was hair shafts
  std::vector<double> contrast_l;   // accepted blobs' ring-minus-centre L*
  double min_contrast_l = 3;        // the detector's threshold
  bool dots = false;
};

struct QualityOptions {
  double max_camera_sigma_mm = 0.1;     // 3 px at 30 px/mm: the range the look is checked over
  double max_hair_share = 0.02;         // hair shafts over this share of the region's skin
  double low_contrast_ratio = 1.6;      // median blob contrast below this x the threshold
};

void FinishQuality(const QualityInputs& in, const QualityOptions& options, pb::Quality* q);

}  // namespace shadecast::measure
