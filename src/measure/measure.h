#pragma once
// Measurement (design.md section 4): a scalp photo -> follicle (or dot) shade, skin colour and
// undertone, with quality flags. Works on an in-memory image (ImageF, device RGB 0-1 in the
// capture's encoding); decoding, files and data lookup are the caller's (store/, cli/).
//
// Steps: colour (camera profile, or a profile fitted to a chart found in the frame) -> L*a*b* D50
// planes; scale (px/mm from the chart's patch pitch, else given); multi-scale DoG blob detection on
// L* with a Hessian-ratio test against hair shafts and a glare test; blob cores with a blur
// correction; skin from pixels away from blobs and dark structures, highlights and shadows trimmed;
// undertone; quality flags.
//
// No OpenCV, Ceres or lcms2 in this header.
#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "calib/calibration.h"
#include "calib/detect.h"
#include "color/triple.h"
#include "shadecast/camera_profile.pb.h"
#include "shadecast/chart.pb.h"
#include "shadecast/measurement.pb.h"
#include "image/image.h"
#include "measure/look.h"
#include "measure/quality.h"

namespace shadecast::measure {

// --- enums spelled the same in flags, JSON and files ------------------------------------------
enum class Target { kFollicles, kDots };
std::string TargetToString(Target t);  // "follicles" | "dots"
// Throws std::invalid_argument listing the names.
Target TargetFromString(const std::string& s);

// Bad data that makes a measurement impossible (no skin in the ROI, a fully clipped photo, no
// chart where one was required ...). The message says what was wrong and what to do.
struct MeasureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The chart was required (colour or scale from the chart) and not found.
struct ChartNotFound : MeasureError {
  using MeasureError::MeasureError;
};

struct Roi {
  int x = 0, y = 0, width = 0, height = 0;  // width or height 0: the whole image
  bool empty() const { return width <= 0 || height <= 0; }
};

struct MeasureOptions {
  Target target = Target::kFollicles;
  LookStepOptions look;             // the look at viewing distance (measure/look.h)
  QualityOptions quality;           // the flags of the last step and the confidence (measure/quality.h)
  Roi roi;                          // region measured (the chart is excluded wherever it lies)
  double px_per_mm = 0;             // > 0: use this scale; 0: from the chart's patch pitch (needs the chart)
  // Blob diameters accepted (2 x the half-contrast radius), mm; 0: by target (follicles 0.05-0.3, dots 0.3-1.5).
  double min_diameter_mm = 0, max_diameter_mm = 0;
  double min_contrast_l = 3.0;      // a blob's centre must be at least this much darker (L*) than its ring
  double max_hessian_ratio = 3.0;   // principal curvature ratio above which a blob is a stroke (hair shaft)
  double glare_l_above_skin = 12.0; // pixels this much lighter than the skin's median L* are glare
  double glare_clip_level = 0.99;   // ... and so are device values at or above this
  bool blur_correction = true;      // undo the optical blur's lightening of small cores
  // Dots: fit a disc whose edge is a Gaussian lateral spread (the retired two-flux model's dot) and
  // report its centre. Off: healed dots rendered by photon transport have no such edge and the fit
  // over-corrects them (8.8 dE00 vs 0.8 as seen on the test's photo); the cores are reported as seen.
  bool dot_disc_fit = false;
  // Follicles: the cores are recovered by fitting the blurred soft-disc model (docs/measure.md).
  // Dots: empirical factor on the blur in the centre-fraction correction, fitted on synthetic photos
  // whose truth is known (seeds apart from the bench's).
  double blur_gain = 1.3;
  double blur_px = -1;              // Gaussian blur sigma (px) of the photo; < 0: estimate from the blobs
  int min_blobs = 20;               // fewer accepted blobs: flag too_few_follicles (too_few_dots)
  double clip_share_flag = 0.01;    // share of clipped ROI pixels that raises `clipping`
  double clip_share_fail = 0.95;    // ... and that makes the photo unusable
  double uneven_light_flag_l = 8.0; // range of the skin L* over a 3x3 grid that raises `uneven_light`
  // Centre-to-corner fall-off of the skin L* (3x3 grid) that raises `uneven_light`: vignetting or a
  // spot light. 2.0: synthetic vignetting 0.3 falls off 3.2 L* and moves the skin ~2 dE00; clean
  // photos fall off < 0.6 (docs/measure.md).
  double light_falloff_flag_l = 2.0;
  double blur_flag_px = 2.5;        // estimated blur above this raises `blur`
  // A JPEG whose chroma tables are coarser than this quality raises `jpeg_compression` for follicles:
  // a follicle core is a few pixels, and coarser chroma quantisation moves its colour towards the
  // skin's (bench, 24 photos, median follicle dE00 at q95 / 92 / 90: 0.88 / 1.42 / 2.95; at 88 / 85,
  // before the sixth session's sub-pixel fix, 3.66 / 6.33). 0 turns the flag off.
  int min_jpeg_quality = 92;
  double skin_trim_mad = 3.0;       // skin pixels further than this many robust sigmas in L* are dropped
  // Skin pixels sampled on a regular grid, at most. The mean of 100,000 pixels leaves a noise of
  // ~0.01 L*; more only cost time (12 MP: 0.11 s at ~330,000).
  int max_skin_samples = 100'000;
  // Chart in frame: the model fitted to it converts follicles and dots (and, without a separate skin
  // model, skin). Spectral: camera sensitivities fitted to the chart and the training set's spectra
  // (needs ColorSource::training; without one rootpoly2 is used and Measurement.color_model says so).
  // With JPEGs decoded in floating point it beat rootpoly2 on follicles: tuning seeds mean 1.58 ->
  // 1.20 dE00, max 3.38 -> 2.23 (median 1.23 / 1.25); rootpoly2's error for dark hair under
  // illuminant A was 1.9-2.3 dE00 from the model alone, spectral's 0.4-0.7 (docs/benchmarks.md,
  // "sixth session"). Before that, JPEG's chroma offsets hid the difference (2.68 -> 3.07).
  calib::Model chart_model = calib::Model::kSpectral;
  // The skin's colour, with the chart in the frame and a training set given, comes from a second
  // model fitted to the same chart: the spectral one with the optics model's skins weighted
  // skin_training_share (on the bench's 24 photos: median skin error 1.54 -> 0.64 dE00, undertone class
  // 12 -> 24 of 24, share 16, with 8-bit JPEG decoding). Fitted separately whenever it differs from
  // chart_model in model or training share; set skin_model = chart_model and skin_training_share = 1
  // for one model for everything.
  calib::Model skin_model = calib::Model::kSpectral;
  // The skin model is for skin only, so its training set (the optics model's skins and dots) weighs 16x
  // the chart: held-out skins (other optics parameters; calibration_bench --training-share) improve
  // from 1.01 / 0.49 / 1.82 dE00 (share 1) to 0.79 / 0.36 / 0.95 under D65 / LED-B3 / A (Canon).
  double skin_training_share = 16.0;
  double drift_mean_flag_de00 = 2.0;  // mean drift of the in-frame chart vs the profile that raises chart_drift
  double drift_patch_flag_de00 = 5.0;
  double chart_margin_mm = 1.0;     // skin and blobs are not taken this close to the card
  // The chart detector's image size. The Nano is small in a scalp frame: at calib's default 1 MP the
  // refinement can lock onto the wrong patch corners (seen on synthetic 2048x1536 photos), at 4 MP not.
  int chart_detect_pixels = 4'000'000;
  // Candidates need a DoG response of this fraction of min_contrast_l (a blurred 3-6 px disc gives a
  // response of ~0.1 of its contrast); the contrast itself is then checked on the pixels.
  double detect_response_fraction = 0.06;

  bool IsValid(std::string* message) const;
};

// Cool / neutral / warm / olive rules (data/undertone/thresholds.textproto).
struct UndertoneRule {
  std::string name;
  double hue_min_deg = 0, hue_max_deg = 360;  // [min, max)
  double chroma_min = 0, chroma_max = 0;      // chroma_max 0: no upper limit
};
struct UndertoneThresholds {
  std::vector<UndertoneRule> rules;  // first match wins
  std::string default_class = "neutral";
  double on_threshold_margin_deg = 2.0;
  // Throws std::invalid_argument naming what is wrong (no rules, hue outside 0-360, empty name).
  static UndertoneThresholds FromProto(const pb::UndertoneThresholds& p);
};
std::string UndertoneClass(const color::Lab& skin_d50, const UndertoneThresholds& t);
// True when the hue (or chroma) lies within the margin of a rule boundary: a class there is a guess.
bool OnUndertoneThreshold(const color::Lab& skin_d50, const UndertoneThresholds& t);

// Monk Skin Tone scale (Monk 2019), sRGB swatches as listed in design.md section 4.
const std::array<color::Lab, 10>& MonkSwatchesLab();  // L*a*b* D50 (ICC white)
int NearestMonk(const color::Lab& skin_d50);           // 1-10 by CIEDE2000

// Fills undertone.* from a skin colour (ITA from the D65-adapted values).
pb::Undertone Undertone(const color::Lab& skin_d50, const UndertoneThresholds& t);

// Where the colour comes from. At least one of profile / chart. With both, the profile converts and
// the chart (when found) is only checked for drift; with the chart alone, a profile is fitted to it.
struct ColorSource {
  const pb::CameraProfile* profile = nullptr;  // borrowed
  const pb::ChartDefinition* chart = nullptr;  // borrowed; the chart expected in the frame
  std::vector<color::Lab> chart_reference;     // per patch; empty: the chart's published values
  std::optional<calib::Corners> chart_corners; // given corners instead of detection
  bool linear_input = false;                   // pixels are linear (16-bit linear TIFF)
  // Borrowed; the spectral chart model (MeasureOptions::chart_model) trains on it as well as on the
  // chart (calib::SkinTrainingSet: skins and dots from the optics model).
  const calib::TrainingSet* training = nullptr;
  int input_levels = 255;                      // code values of the photo: 255 (8-bit) or 65535 (16-bit)
  // For a JPEG photo: the quality its chroma tables correspond to (store::JpegChromaQuality); 0 for
  // other files or when unknown.
  int jpeg_quality = 0;
};

// One detected (or rejected) blob.
struct Blob {
  double x = 0, y = 0;          // full-resolution pixels
  double radius_px = 0;         // from the detection scale (sqrt(2) sigma)
  double response = 0;         // DoG response, ~ half the L* contrast
  double hessian_ratio = 0;     // 0 where not computed (faint, or outside the size range)
  double contrast_l = 0;        // ring median L* - centre L*
  bool accepted = false;
  std::string rejected;         // "faint" | "size" | "elongated" | "glare" | "" (accepted)
  color::Lab core{};            // after the blur correction (accepted blobs)
  color::Lab core_observed{};   // mean of the centre pixels as seen
  bool in_shade = false;        // its core is one of those the shade is the median of
};

struct StepTimes {
  double chart_s = 0, convert_s = 0, detect_s = 0, cores_s = 0, skin_s = 0, look_s = 0, total_s = 0;
  // Parts of cores_s: candidates' rings, centres and tests; the follicles' blur search.
  double candidates_s = 0, blur_search_s = 0;
};

struct MeasureResult {
  pb::Measurement measurement;
  std::vector<Blob> blobs;                   // accepted and rejected candidates
  std::vector<std::array<int, 2>> skin_px;   // a thinned set of the skin pixels used (overlay)
  std::optional<calib::Corners> chart_corners;
  StepTimes times;
  std::string BriefReport() const;
};

// Throws MeasureError (ChartNotFound) for unusable data, std::invalid_argument for invalid options.
MeasureResult Measure(const ImageF& rgb, const ColorSource& source, const UndertoneThresholds& thresholds,
                      const MeasureOptions& options);

// --- the pixel conversion, public for the bench -------------------------------------------------
// Device RGB -> L*a*b* D50 planes with per-channel tables (linearisation, exposure, square roots of
// the root-polynomial terms) and a tabulated cube root, exact to < 0.01 L*a*b* units against
// calib::ProfileTransform::ToLab for values on the table grid.
class LabConverter {
 public:
  // `levels`: input quantisation (255 for 8-bit photos, 65535 for 16-bit); values are rounded to it.
  LabConverter(const pb::CameraProfile& profile, int levels);
  // The rectangle (x0, y0, w, h) of `rgb` -> planar output, each plane w*h floats, row-major.
  void Convert(const ImageF& rgb, int x0, int y0, int w, int h, float* l, float* a, float* b) const;
  // L* alone (detection and the skin's selection need no more): one row of the model and one root.
  void ConvertL(const ImageF& rgb, int x0, int y0, int w, int h, float* l) const;
  color::Lab ToLab(const calib::Rgb& device) const;
  color::Lab PixelToLab(const float* device_rgb) const;  // one pixel, the same tables as Convert
  color::Xyz PixelToXyz(const float* device_rgb) const;  // XYZ D50, Y = 1 for the white
  // Linear, exposure-normalised RGB from the tables (calib::ProfileTransform::Normalised, quantised).
  calib::Rgb Normalised(const float* device_rgb) const;
  // Tests: ConvertL without its pair tables (8-bit input), term by term as PixelToLab.
  void DisablePairTables() { pair_tables_off_ = true; }

 private:
  struct Kernel;
  Kernel MakeKernel() const;
  int levels_;
  int n_terms_;
  std::vector<float> coef_;              // 3 x n_terms
  std::vector<float> lin_[3], sqrt_[3];  // per channel, levels_ + 1 entries
  std::vector<float> cbrt_;              // f(t) on [0, kCbrtMax]
  std::vector<float> pair_[3];           // 8-bit input: Y's terms by (r, g), (g, b), (r, b) codes
  bool pair_tables_off_ = false;
};

}  // namespace shadecast::measure
