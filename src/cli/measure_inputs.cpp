#include "cli/measure_inputs.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <filesystem>

#include "cli/calib_inputs.h"
#include "store/data_paths.h"
#include "store/files.h"
#include "store/image_io.h"
#include "store/jpeg_float.h"
#include "store/message_io.h"
#include "store/shipped_data.h"

namespace shadecast::cli {
namespace fs = std::filesystem;

MeasureSetup LoadMeasureSetup(const MeasureCliOptions& o) {
  MeasureSetup s;
  if (o.profile.empty() && !o.chart_in_frame) throw InputError("give --profile PROFILE or --chart-in-frame");
  if (!o.profile.empty()) {
    try {
      store::ReadMessage(o.profile, &s.profile);
      calib::ProfileTransform check(s.profile);
    } catch (const std::exception& e) {
      throw InputError("--profile " + o.profile + ": " + e.what());
    }
    s.has_profile = true;
  }
  // The chart: for colour (--chart-in-frame), or to check drift / find the scale with a profile.
  const std::string& chart_id = o.chart;
  try {
    s.chart = store::LoadChart(chart_id);
    s.has_chart = true;
  } catch (const std::exception& e) {
    throw InputError("--chart " + chart_id + ": " + e.what());
  }
  if (!o.reference.empty()) s.reference = ReadReference(o.reference, s.chart.patches_size());
  if (!o.corners.empty()) s.corners = ParseCorners(o.corners);
  try {
    pb::UndertoneThresholds t;
    store::ReadMessage(o.thresholds.empty() ? store::DataFile("data/undertone/thresholds.textproto") : fs::path(o.thresholds),
                       &t);
    s.thresholds = measure::UndertoneThresholds::FromProto(t);
  } catch (const std::exception& e) {
    throw InputError(std::string("--thresholds: ") + e.what());
  }
  auto& mo = s.options;
  try {
    mo.target = measure::TargetFromString(o.target);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--target: ") + e.what());
  }
  // 0: from the chart. A photo of the scalp from 5-50 cm is 5-100 px/mm; 1e9 blurred with a sigma
  // of millions of pixels for hours (issue 23).
  if (o.px_per_mm != 0) CheckRange(o.px_per_mm, 1, 500, "--px-per-mm", "pixels per millimetre (0: from the chart)");
  mo.px_per_mm = o.px_per_mm;
  mo.blur_correction = !o.no_blur_correction;
  auto model = [](const std::string& flag, const std::string& value) {
    try {
      return calib::ModelFromString(value);
    } catch (const std::invalid_argument& e) {
      throw InputError(flag + ": " + e.what());
    }
  };
  mo.skin_model = model("--skin-model", o.skin_model);
  mo.chart_model = model("--chart-model", o.chart_model);
  if (o.chart_in_frame && o.profile.empty() &&
      (mo.skin_model == calib::Model::kSpectral || mo.chart_model == calib::Model::kSpectral))
    s.training = DefaultTrainingSet();
  if (!o.roi.empty()) {
    const auto v = ParseNumberList(o.roi, "--roi", 4);
    for (double x : v)
      if (x < 0 || x != std::floor(x)) throw InputError("--roi: expected x,y,w,h as whole pixels >= 0");
    mo.roi = {int(v[0]), int(v[1]), int(v[2]), int(v[3])};
    if (mo.roi.empty()) throw InputError("--roi: width and height must be > 0");
  }
  std::string why;
  if (!mo.IsValid(&why)) throw InputError(why);
  return s;
}

Photo ReadPhoto(const std::string& path) {
  Photo p;
  try {
    p.bytes = store::ReadFile(path);
    p.image = store::DecodeColourPhoto(p.bytes, path, &p.bits);
    p.jpeg_quality = store::JpegChromaQuality(p.bytes).value_or(0);
  } catch (const std::exception& e) {
    throw InputError(e.what());
  }
  return p;
}

measure::MeasureResult MeasureOne(const MeasureSetup& s, const Photo& photo) {
  const ImageF& img = photo.image;
  const int bits = photo.bits, jpeg_quality = photo.jpeg_quality;
  measure::ColorSource src;
  if (s.has_profile) src.profile = &s.profile;
  if (s.has_chart) src.chart = &s.chart;
  src.chart_reference = s.reference;
  src.chart_corners = s.corners;
  src.training = s.training.get();
  src.input_levels = bits == 16 ? 65535 : 255;
  src.jpeg_quality = jpeg_quality;
  // With a profile its linearisation says how the pixels are encoded; with only the chart in frame, the
  // convention `calibrate` uses: 16-bit images are linear, 8-bit ones sRGB (a linear 16-bit photo read
  // as sRGB put skin 16 L* off with only a "chart fits poorly" warning).
  src.linear_input = s.has_profile ? s.profile.linearization() == pb::NONE : bits == 16;
  try {
    return measure::Measure(img, src, s.thresholds, s.options);
  } catch (const measure::ChartNotFound& e) {
    throw ChartNotFoundError(e.what());
  } catch (const measure::MeasureError& e) {
    throw InputError(e.what());
  }
}

ImageF DrawOverlay(const ImageF& img, const measure::MeasureResult& r, int max_side) {
  cv::Mat m(img.height, img.width, CV_32FC3, const_cast<float*>(img.data.data()));
  cv::Mat out = m.clone();
  for (const auto& p : r.skin_px) cv::circle(out, {p[0], p[1]}, 1, cv::Scalar(0, 0.8, 1.0), cv::FILLED);
  for (const auto& b : r.blobs) {
    if (b.rejected == "faint" || b.rejected == "size") continue;
    const cv::Scalar col = b.accepted ? cv::Scalar(0, 1, 0) : (b.rejected == "glare" ? cv::Scalar(1, 1, 0) : cv::Scalar(1, 0, 0));
    cv::circle(out, {int(std::lround(b.x)), int(std::lround(b.y))}, std::max(3, int(std::lround(2 * b.radius_px))), col, 1,
               cv::LINE_AA);
  }
  if (r.chart_corners) {
    std::vector<cv::Point> q;
    for (const auto& c : *r.chart_corners) q.emplace_back(int(c.x), int(c.y));
    cv::polylines(out, q, true, cv::Scalar(1, 0, 1), 2);
  }
  if (max_side > 0 && std::max(out.cols, out.rows) > max_side) {
    const double f = double(max_side) / std::max(out.cols, out.rows);
    cv::resize(out, out, cv::Size(), f, f, cv::INTER_AREA);
  }
  ImageF o(out.cols, out.rows, 3);
  std::copy(out.ptr<float>(), out.ptr<float>() + o.data.size(), o.data.begin());
  return o;
}

}  // namespace shadecast::cli
