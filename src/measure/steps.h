#pragma once
// The steps of Measure (measure.cpp), one file each (internal header; the public API is measure.h):
//   clipping.cpp    the ROI and the clipped share
//   chart_step.cpp  the chart in the frame, the colour (profile given or fitted to it) and the scale
//   planes.cpp      the ROI's L* plane
//   (detection, cores, skin and the look are still in measure.cpp)
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "color/lab.h"
#include "measure/measure.h"

namespace shadecast::measure::internal {

// ---- shared helpers -----------------------------------------------------------------------------
using Clock = std::chrono::steady_clock;
inline double Since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// A float plane in memory the kernel may back with transparent huge pages (madvise): at 12 MP a
// plane is 48 MB, and faulting it in by 4 KiB pages took longer than the filter that fills it
// (on the bench's machine, about 0.1 s per plane).
std::shared_ptr<float> HugePlane(size_t n);
// A cv::Mat over a HugePlane; `owner` keeps the memory.
cv::Mat HugeMat(int rows, int cols, std::vector<std::shared_ptr<float>>* owner);

inline pb::Lab ToPb(const color::Lab& l) {
  pb::Lab p;
  p.set_l(l[0]);
  p.set_a(l[1]);
  p.set_b(l[2]);
  return p;
}

// The median; reorders *v.
inline double MedianInPlace(std::vector<double>* v) {
  if (v->empty()) return 0;
  const size_t k = v->size() / 2;
  std::nth_element(v->begin(), v->begin() + k, v->end());
  double m = (*v)[k];
  if (v->size() % 2 == 0) m = 0.5 * (m + *std::max_element(v->begin(), v->begin() + k));
  return m;
}
inline double Median(std::vector<double> v) { return MedianInPlace(&v); }

inline color::Xyz LabToXyzD50(const color::Lab& l) { return color::LabToXyz(l, color::kIccD50White); }
inline color::Lab XyzToLabD50(const color::Xyz& x) { return color::XyzToLab(x, color::kIccD50White); }

// A quality flag and its message.
inline void AddFlag(pb::Quality* q, const std::string& flag, const std::string& message) {
  q->add_flags(flag);
  q->add_messages(message);
}

// A convex quadrilateral in ROI pixel coordinates (the card plus a margin).
struct Quad {
  bool valid = false;
  std::array<cv::Point2d, 4> p;
  bool Contains(double x, double y) const {
    if (!valid) return false;
    int sign = 0;
    for (int i = 0; i < 4; ++i) {
      const cv::Point2d& a = p[i];
      const cv::Point2d& b = p[(i + 1) % 4];
      const double c = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
      const int s = c > 0 ? 1 : (c < 0 ? -1 : 0);
      if (s == 0) continue;
      if (sign == 0) sign = s;
      else if (s != sign) return false;
    }
    return true;
  }
};

// The ROI's L* plane (all that detection and the skin's selection read); a* and b* are converted
// where they are needed (blob windows, skin samples): at 12 MP the two planes cost more to fill than
// every use of them.
struct Planes {
  int w = 0, h = 0;
  std::shared_ptr<float> memory;  // HugePlane
  float* l = nullptr;
  const ImageF* rgb = nullptr;
  int x0 = 0, y0 = 0;  // the ROI in the photo
  const LabConverter* conv = nullptr;
  // The photo's device pixel at ROI pixel (x, y).
  const float* Device(int x, int y) const {
    return rgb->data.data() + (static_cast<size_t>(y0 + y) * rgb->width + x0 + x) * 3;
  }
  color::Lab At(int x, int y) const { return conv->PixelToLab(Device(x, y)); }
  // A device value of ROI pixel (x, y) at or above `level`.
  bool Clipped(int x, int y, double level) const {
    const float* px = Device(x, y);
    return px[0] >= level || px[1] >= level || px[2] >= level;
  }
};

// ---- ROI and clipping (clipping.cpp) ------------------------------------------------------------
// The ROI in photo pixels (the whole photo for an empty one); throws MeasureError when it does not fit
// or is smaller than 16x16 px.
Roi FrameRoi(const ImageF& rgb, const Roi& requested);

struct ClipOptions {
  double share_flag = 0, share_fail = 0;  // MeasureOptions::clip_share_flag, clip_share_fail
  static ClipOptions From(const MeasureOptions& o);
};
struct ClipResult {
  size_t top = 0, bottom = 0;  // ROI pixels at the top (>= 0.995) and the bottom (<= 0.005) of the range
  double pixels = 0;           // ROI pixels
};
// Sets quality.clipped_share and raises `clipping`; throws MeasureError for a clipped or black photo.
ClipResult CheckClipping(const ImageF& rgb, const Roi& roi, const ClipOptions& o, pb::Quality* q);

// ---- colour and scale (chart_step.cpp) ----------------------------------------------------------
struct ChartFound {
  bool found = false;
  calib::Corners corners{};
  std::vector<calib::PatchObservation> patches;
  double px_per_mm = 0;
  cv::Matx33d mm_to_px;
};
// The card outline grown by `margin_mm`, in ROI coordinates.
Quad CardQuad(const ChartFound& f, const pb::ChartDefinition& chart, double margin_mm, int x0, int y0);

struct ChartStepOptions {
  int detect_pixels = 0;  // MeasureOptions::chart_detect_pixels
  calib::Model chart_model = calib::Model::kSpectral, skin_model = calib::Model::kSpectral;
  double skin_training_share = 0;
  double drift_mean_flag_de00 = 0, drift_patch_flag_de00 = 0;
  double px_per_mm = 0;  // given scale (0: from the chart)
  static ChartStepOptions From(const MeasureOptions& o);
};
struct ChartStepResult {
  ChartFound chart;
  const pb::CameraProfile* given = nullptr;  // ColorSource::profile
  pb::CameraProfile fitted;                  // without a given profile: fitted to the chart in the frame
  pb::CameraProfile skin_fitted;             // ... and the skin's own model (empty: the chart model serves)
  double px_per_mm = 0;
  const pb::CameraProfile& profile() const { return given ? *given : fitted; }
};
// Fills color_source, color_model, skin_color_model, px_per_mm(_source), quality.chart_fit_de00 and
// chart_drift_de00, raises `chart_fit` and `chart_drift`. Throws ChartNotFound (colour from a chart
// not found) or MeasureError (an unusable chart, no scale).
ChartStepResult ChartStep(const ImageF& rgb, const ColorSource& src, const ChartStepOptions& o, pb::Measurement* m);

// ---- the L* plane (planes.cpp) ------------------------------------------------------------------
// The ROI's L* through `conv` (borrowed by the result, as is `rgb`).
Planes MakePlanes(const ImageF& rgb, const Roi& roi, const LabConverter& conv);

}  // namespace shadecast::measure::internal
