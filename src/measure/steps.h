#pragma once
// The steps of Measure (measure.cpp), one file each (internal header; the public API is measure.h):
//   clipping.cpp    the ROI and the clipped share
//   chart_step.cpp  the chart in the frame, the colour (profile given or fitted to it) and the scale
//   planes.cpp      the ROI's L* plane
//   detect.cpp      multi-scale DoG blob detection and the non-maximum suppression
//   cores.cpp       blob cores, the acceptance tests, the blobs' blur, the cores' aggregation
//   disc_fit.cpp    the follicles' soft-disc model fit and the dots' disc fit
//   skin.cpp        skin sampling, its colour and spread, uneven light, undertone
//   look_step.cpp   the look at viewing distance and the quality step
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

// ---- detection (detect.cpp) ---------------------------------------------------------------------
// Difference of Gaussians with k = 2: D = G(2 s) - G(s) ~ 3 s^2 LoG. A dark blob gives D > 0; the
// response (D / 3) is about half the contrast of a Gaussian blob at its own scale.
struct DogLevel {
  double sigma = 0;  // full-resolution pixels
  int octave = 0;    // computed at 1 / 2^octave resolution
  cv::Mat d;         // response (D / 3), at that resolution
};

struct ScaleSpace {
  std::vector<cv::Mat> pyramid;  // L* at 1, 1/2, 1/4 ...
  std::vector<DogLevel> levels;  // octave 0 levels have no plane (computed in strips)
  std::vector<std::shared_ptr<float>> memory;  // the planes' (HugePlane)
  // Octave-0 levels' responses at the skin sample grid (every st-th pixel, gw per row), by level.
  int st = 1, gw = 0;
  std::vector<std::vector<float>> probe;
  // The response of level j at full-resolution pixel (u, v) on the sample grid.
  float ResponseAt(int j, int u, int v) const {
    const DogLevel& lv = levels[j];
    if (lv.octave == 0) return probe[j][static_cast<size_t>(v / st) * gw + u / st];
    const double f = 1 << lv.octave;
    const int cu = std::min(lv.d.cols - 1, static_cast<int>((u + 0.5) / f)), cv_ = std::min(lv.d.rows - 1, static_cast<int>((v + 0.5) / f));
    return lv.d.at<float>(cv_, cu);
  }
};

struct Candidate {
  double x, y, response;
  int level;
};

struct BlobDetectOptions {
  bool dots = false;                          // MeasureOptions::target is kDots
  double min_diameter_mm = 0, max_diameter_mm = 0;
  double min_contrast_l = 0, detect_response_fraction = 0;
  int max_skin_samples = 0;
  static BlobDetectOptions From(const MeasureOptions& o);
};
struct DetectResult {
  double dmin = 0, dmax = 0;       // blob diameters accepted, mm (by target where not given)
  int st = 1;                      // the skin's sample grid: every st-th pixel
  std::vector<Candidate> cands;    // every maximum, by response (strongest first)
  std::vector<Candidate> kept;     // one per place (non-maximum suppression), off the card
  ScaleSpace ss;
};
DetectResult DetectStep(const Planes& p, const Quad& card, double px_per_mm, const BlobDetectOptions& o);

// ---- cores (cores.cpp) --------------------------------------------------------------------------
// Per-blob measurements for the core and the blur model (Y contrast against the local ring).
struct CoreStats {
  bool ok = false;
  color::Xyz bg{}, obs{};  // ring (local skin) and centre, XYZ D50 (Y = 1 white)
  double ring_l = 0, centre_l = 0;
  double volume = 0;       // sum of the Y contrast over the window, px
  double m2 = 0;           // second moment of the Y contrast per axis, px^2
  double rho = 1;          // radius of the centre disc, px
  double x = 0, y = 0;     // refined centre
  double r_half = 0;       // radius of the area darker than half the centre contrast (blur-robust size)
  bool colour = false;     // bg and obs filled (not a faint blob)
};

struct CoreOptions {
  double min_contrast_l = 0, max_hessian_ratio = 0, glare_l_above_skin = 0, glare_clip_level = 0;
  static CoreOptions From(const MeasureOptions& o);
};
struct CoreInputs {
  const Planes* planes = nullptr;
  const DetectResult* detect = nullptr;
  double px_per_mm = 0;
  double skin_l_rough = 0;  // the glare test's skin L* (RoughSkinL)
};
struct CoreSet {
  std::vector<CoreStats> stats;  // accepted blobs
  std::vector<int> idx;          // blob index of each accepted core
  int n_elong = 0, n_glare = 0;
};
// Every kept candidate becomes a Blob (in photo pixels) appended to `blobs`, accepted or rejected
// (faint, size, elongated, glare).
CoreSet AcceptCores(const CoreInputs& in, const CoreOptions& o, std::vector<Blob>* blobs);
// Blur: the blob's second moment is that of the disc (R^2 / 4 per axis, R ~ the half-contrast
// radius) plus the blur's sigma^2; the median over blobs. `blur_px` >= 0 (given) or no blobs: it.
double BlurFromCores(const std::vector<CoreStats>& stats, double blur_px);

// ---- disc fits (disc_fit.cpp) -------------------------------------------------------------------
struct DiscFit {
  bool ok = false;
  double r = 0, sse = 0, f0 = 0;  // radius, residual (Y), blurred centre fraction
  color::Xyz skin{}, amp{};       // skin at the centre, core - skin
  double sx = 0, sy = 0;          // skin plane slope in Y
  color::Xyz px_ = {0, 0, 0}, py_ = {0, 0, 0};  // skin plane slopes per channel
  size_t ti = 0;                  // index of the radius in the grid
  color::Xyz core_xyz{};          // the recovered core, XYZ D50
  bool dark = false;
  int n = 0;
};

struct FitInputs {
  const ImageF* rgb = nullptr;
  Roi roi;
  const Planes* planes = nullptr;
  const std::vector<CoreStats>* stats = nullptr;  // accepted blobs
  const pb::CameraProfile* profile = nullptr;
  const ColorSource* src = nullptr;
  const ChartFound* chart = nullptr;
  double px_per_mm = 0, dmax = 0;
};
struct FitOptions {
  bool dots = false, blur_correction = false, dot_disc_fit = false;
  double blur_px = 0;
  static FitOptions From(const MeasureOptions& o);
};
struct FollicleFitResult {
  bool model_fit = false;         // the follicles' cores come from the model (fits, in_shade)
  std::vector<DiscFit> fits;      // per accepted blob
  std::vector<uint8_t> in_shade;  // per accepted blob: its core is part of the shade (ShadeSet)
  double blur_search_s = 0;       // time of the blur search (0 without one)
};
// Follicles: the forward model (a soft disc blurred by a Gaussian) inverted per blob; `blur` becomes
// the blur fitted (follicle.blur_sigma_px too).
FollicleFitResult FitFollicleCores(const FitInputs& in, const FitOptions& o, double* blur, pb::Measurement* m);
struct DotFitResult {
  std::vector<color::Xyz> core;  // per accepted blob
  std::vector<bool> ok;
};
// Dots with dot_disc_fit and the chart in the frame: the disc fitted with the chart's camera blur,
// which `blur` becomes (follicle.blur_sigma_px too).
DotFitResult FitDotCores(const FitInputs& in, const FitOptions& o, double* blur, pb::Measurement* m);

// ---- aggregation (cores.cpp) --------------------------------------------------------------------
struct AggregateOptions {
  bool dots = false, blur_correction = false;
  double blur_gain = 0, blur_flag_px = 0, min_contrast_l = 0;
  int min_blobs = 0, min_jpeg_quality = 0;
  static AggregateOptions From(const MeasureOptions& o);
};
struct AggregateInputs {
  const CoreSet* cores = nullptr;
  const FollicleFitResult* follicles = nullptr;
  const DotFitResult* dots = nullptr;
  double blur = 0;
  double dmin = 0, dmax = 0;
  int jpeg_quality = 0;  // ColorSource::jpeg_quality
};
// The accepted blobs' cores (Blob::core, in_shade) and the BlobSet (follicle or dots: lab, spread,
// count, centres; the flags too_few_*, blur, jpeg_compression). Returns the set filled.
pb::BlobSet* AggregateCores(const AggregateInputs& in, const AggregateOptions& o, std::vector<Blob>* blobs,
                            pb::Measurement* m);

// ---- skin (skin.cpp) ----------------------------------------------------------------------------
// Rough skin L* (median on a coarse grid outside the card) for the glare test; throws MeasureError when
// the card covers the ROI.
double RoughSkinL(const Planes& p, const Quad& card);

struct SkinOptions {
  double min_contrast_l = 0, skin_trim_mad = 0, glare_clip_level = 0;
  double uneven_light_flag_l = 0, light_falloff_flag_l = 0;
  static SkinOptions From(const MeasureOptions& o);
};
struct SkinInputs {
  const Planes* planes = nullptr;
  const Quad* card = nullptr;
  const DetectResult* detect = nullptr;
  const std::vector<Blob>* blobs = nullptr;
  const pb::CameraProfile* skin_fitted = nullptr;  // has_fit(): the skin's own model
  int input_levels = 255;
  const UndertoneThresholds* thresholds = nullptr;
};
struct SkinResult {
  color::Xyz xyz{};                       // the skin's mean, XYZ D50
  std::optional<LabConverter> skin_conv;  // the skin's own model, when fitted
  std::vector<std::array<int, 2>> skin_px;  // a thinned set of the pixels used, photo pixels
};
// Fills skin, skin_samples, skin_spread_de00, skin_d65, undertone and the light's quality (uneven_light);
// throws MeasureError with too few skin pixels.
SkinResult SkinStep(const SkinInputs& in, const SkinOptions& o, pb::Measurement* m);

// ---- the look and the quality step (look_step.cpp) ----------------------------------------------
struct LookQualityOptions {
  bool dots = false;
  double chart_margin_mm = 0, blur_flag_px = 0, min_contrast_l = 0;
  LookStepOptions look;
  QualityOptions quality;
  static LookQualityOptions From(const MeasureOptions& o);
};
struct LookQualityInputs {
  const ImageF* rgb = nullptr;
  Roi roi;
  const LabConverter* conv = nullptr;
  const LabConverter* skin_conv = nullptr;  // the skin's own model, or null
  const std::optional<calib::Corners>* chart_corners = nullptr;
  const ChartFound* chart = nullptr;
  const pb::ChartDefinition* chart_def = nullptr;  // ColorSource::chart
  const pb::CameraProfile* profile = nullptr;
  color::Xyz skin{};
  double px_per_mm = 0;
  const std::vector<Blob>* blobs = nullptr;
};
// The camera blur (quality.camera_blur_px; the `blur` flag dropped or raised by the chart's edges),
// the look into `set` (AddLook) and the quality step (FinishQuality).
LookStepResult LookAndQuality(const LookQualityInputs& in, const LookQualityOptions& o, pb::BlobSet* set,
                              pb::Quality* q);

}  // namespace shadecast::measure::internal
