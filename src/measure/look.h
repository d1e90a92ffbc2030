#pragma once
// The measurement's look at viewing distance (color/appearance.h): what the recipe matches. The
// photo's region beside the chart (at most ViewingOptions::max_region_side_mm a side, centred) is
// converted to XYZ D50, hair shafts lying on the skin (dark pixels away from every accepted blob)
// are replaced by the skin, and the region is filtered with the eye's kernel less the camera's
// blur (sigma_eye^2 - sigma_camera^2) at the accepted blobs' centres.
#include <array>
#include <functional>
#include <optional>
#include <vector>

#include "color/appearance.h"
#include "image/image.h"
#include "image/region.h"
#include "shadecast/measurement.pb.h"

namespace shadecast::measure {

struct LookStepOptions {
  color::ViewingOptions viewing;
  // A pixel this much darker (L*) than the skin and farther than `blob_clearance` radii (+ 2 px)
  // from every accepted blob is a hair shaft (or other dark structure) and is replaced by the skin.
  double hair_delta_l = 12;
  double blob_clearance = 1.6;
};

struct LookStepInputs {
  const ImageF* rgb = nullptr;                       // the photo (device values)
  std::function<color::Xyz(const float*)> to_xyz;    // device pixel -> XYZ D50, Y = 1 white
  RectI roi;                                         // frame pixels measured
  std::optional<RectI> exclude;                      // the chart's box, frame pixels
  std::vector<std::array<double, 2>> centres;        // accepted blobs, frame pixels
  std::vector<double> radii_px;                      // their radii (detection scale)
  color::Xyz skin{};                                 // the measured bare skin
  double camera_sigma_px = 0;                        // blur the photo carries
  double px_per_mm = 0;
};

struct LookStepResult {
  color::Appearance look;
  RectI region;                     // frame pixels the look was computed on
  int features = 0;                 // accepted blobs inside it
  double density_per_cm2 = 0;       // in the ROI less the chart's box
  std::array<double, 3> diameter_mm_quantiles{};  // 10th, 50th, 90th percentile (detection scale)
  double regional_uncertainty_de00 = 0;  // from the spread of the region's four quarters
  double replaced_share = 0;        // share of the region's pixels replaced by skin (hair shafts)
};

// Throws std::invalid_argument when there is no region (the chart fills the ROI) or no scale.
LookStepResult MeasureLook(const LookStepInputs& in, const LookStepOptions& options);

// The look step of Measure: from the accepted blobs of `blobs` and the measured skin, fills `set`'s
// near, regional, density_per_cm2, diameter_mm_quantiles and look_region. A region too small for a
// look leaves them empty (the flag is the quality step's).
struct LookContext {
  const ImageF* rgb = nullptr;
  std::function<color::Xyz(const float*)> to_xyz;
  RectI roi;
  std::optional<RectI> chart_box;
  color::Xyz skin{};
  double px_per_mm = 0;
  double camera_sigma_px = 0;
};
struct Blob;
LookStepResult AddLook(const LookContext& c, const std::vector<Blob>& blobs, const LookStepOptions& options,
                       pb::BlobSet* set);

}  // namespace shadecast::measure
