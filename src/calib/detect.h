#pragma once
// Finding the chart in a photo and sampling its patches (design.md section 2). Works on an
// in-memory image (ImageF: RGB 0-1, interleaved); decoding is store/image_io.h's job.
//
// Detection runs OpenCV's mcc detector on a downscaled copy (the detector costs ~2.5 s at 24 MP),
// picks the orientation whose patch lightness order best matches the chart's, then refines the
// patch corners with sub-pixel corner search at full resolution and samples the patches there.
#include <array>
#include <string>
#include <vector>

#include "calib/calibration.h"
#include "shadecast/chart.pb.h"
#include "image/image.h"

namespace shadecast::calib {

struct Point {
  double x = 0, y = 0;
};
// Card corners in pixels (OpenCV convention: pixel (0, 0) is centred at (0, 0)): top-left (the
// corner nearest patch 1), top-right, bottom-right, bottom-left.
using Corners = std::array<Point, 4>;

struct DetectOptions {
  int max_detect_pixels = 1'000'000;  // the detector sees at most this many pixels
  bool refine = true;                 // sub-pixel refinement of the patch corners at full resolution
  bool linear_input = false;          // image values are linear: sRGB-encode them for the detector
};

struct ChartLocation {
  bool found = false;
  Corners corners{};
  bool refined = false;
  double refine_rms_px = 0;  // corner reprojection error after refinement (full resolution)
  int refined_corners = 0;   // patch corners that took part in the refined homography
  double downscale = 1;      // detector image / full image
  std::string message;
};

ChartLocation DetectChart(const ImageF& rgb, const pb::ChartDefinition& chart, const DetectOptions& options);
// OpenCV's one-time set-up that the first DetectChart in a process would otherwise pay for: mcc
// converts to L*a*b*, and OpenCV builds its colour-conversion tables on the first such call
// (~0.15 s of one core). A caller with a spare core can run this on another thread while the photo
// decodes; it must have returned before DetectChart starts (OpenCV's table set-up is not
// thread-safe). Calling it is optional and changes no result.
void WarmUpDetector();
// The user's four corners, optionally refined like a detection.
ChartLocation LocateWithCorners(const ImageF& rgb, const pb::ChartDefinition& chart, const Corners& corners,
                                const DetectOptions& options);

struct SampleOptions {
  double inner_fraction = 0.5;  // side of the sampled square / patch side
  int max_samples_per_side = 60;
  double clip_level = 0.995;    // a sample with any channel at or above this is clipped
  double clip_share = 0.02;     // a patch is clipped when more than this share of samples are
  double non_uniform_relative = 0.10;  // spread above this fraction of the value ...
  double non_uniform_absolute = 0.03;  // ... and above this (device units) flags a patch ("spread")
  // "shadow": the sampled square split in halves four ways (left / right, top / bottom, both
  // diagonals); a patch whose darker half's median brightness (mean of the channels) is below this
  // share of the brighter half's, and at least 0.02 below it, is part in shadow (or has a shadow edge
  // or the wrong place across it). Medians over hundreds of points: a JPEG re-save moves the ratio
  // by well under 0.01; a flat print under even light reads 0.95-1.
  double shadow_ratio = 0.8;
  // "glare": more than this share of the points brighter than 1.3 x the patch median + 0.03 (a
  // specular highlight on the print or its sleeve).
  double glare_share = 0.05;

  bool IsValid(std::string* message) const;
};
// One observation per chart patch (chart order).
std::vector<PatchObservation> SamplePatches(const ImageF& rgb, const pb::ChartDefinition& chart,
                                            const Corners& corners, const SampleOptions& options);

// The photo's Gaussian blur sigma (px) from the chart's patch edges: profiles across the top and
// bottom edges of the six lightest patches, each fitted (Ceres TinySolver) in linear G with
// lo + (hi - lo) Phi((t - t0) / s); the median s over the profiles that fit. NaN when fewer than 8
// do (chart too small in the frame, edges clipped). It includes the print's own edge sharpness and
// the sensor's pixel footprint (a 1 px box adds 0.29 px in quadrature).
struct EdgeBlurStats {
  int profiles = 0;
};
double EstimateBlurFromChart(const ImageF& rgb, const pb::ChartDefinition& chart, const Corners& corners,
                             const ProfileTransform& profile, EdgeBlurStats* stats = nullptr);

// Clipping flags for values read from a CSV (no pixels): a channel at or above `clip_level`.
void FlagClippedValues(std::vector<PatchObservation>* patches, double clip_level = 0.999);

}  // namespace shadecast::calib
