#pragma once
// Measurement inputs shared by `measure` and `consult`: profile, chart, thresholds and options
// loaded once from flags; one photo measured; the detection overlay drawn.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/common.h"
#include "measure/measure.h"
#include "shadecast/camera_profile.pb.h"
#include "shadecast/chart.pb.h"
#include "image/image.h"

namespace shadecast::cli {

// Help texts of the colour-model flags (measure and consult).
inline constexpr const char* kSkinModelHelp =
    "colour model of the skin with --chart-in-frame: spectral (default; the optics model's skins weigh 16x the "
    "chart), rootpoly2, linear or auto";
inline constexpr const char* kChartModelHelp =
    "colour model of the follicle and dot cores with --chart-in-frame: spectral (default; camera sensitivities "
    "fitted to the chart and the optics model's spectra), rootpoly2, linear or auto";

struct MeasureCliOptions {
  std::string image, images, profile, chart = "colorchecker24_nano", corners, reference, target = "follicles";
  std::string roi, overlay, csv, thresholds;
  std::string skin_model = "spectral";   // colour model of the skin with the chart in the frame
  std::string chart_model = "spectral";  // ... and of the follicle and dot cores
  bool chart_in_frame = false, json = false, no_blur_correction = false;
  double px_per_mm = 0;
  int jobs = 2;
};

// Everything a measurement needs besides the photo, loaded once.
struct MeasureSetup {
  pb::CameraProfile profile;
  bool has_profile = false;
  pb::ChartDefinition chart;
  bool has_chart = false;
  std::vector<color::Lab> reference;
  std::optional<calib::Corners> corners;
  measure::UndertoneThresholds thresholds;
  measure::MeasureOptions options;
  std::shared_ptr<calib::TrainingSet> training;  // for the spectral skin model (chart in frame)
};

// Throws InputError naming the flag at fault.
MeasureSetup LoadMeasureSetup(const MeasureCliOptions& o);
// A photo as read for measuring: its bytes, pixels, bit depth and, for a JPEG, the quality of its
// chroma tables (0 otherwise). Throws InputError naming the file.
struct Photo {
  std::string bytes;
  ImageF image;
  int bits = 8;
  int jpeg_quality = 0;
};
Photo ReadPhoto(const std::string& path);
// ChartNotFoundError (exit 3) when the chart was needed and not found; InputError for unusable data.
measure::MeasureResult MeasureOne(const MeasureSetup& s, const Photo& photo);
// The photo with accepted blobs (green), rejected ones (red: elongated, yellow: glare), the skin
// sample (orange) and the chart outline, scaled so its longer side is at most `max_side` pixels.
ImageF DrawOverlay(const ImageF& img, const measure::MeasureResult& r, int max_side = 0);

}  // namespace shadecast::cli
