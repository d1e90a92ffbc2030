// Colour and scale (steps.h): the chart in the frame, the profile given (the chart then checked for
// drift) or fitted to the chart, and px/mm from the chart's patch pitch unless given.
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "image/chart_layout.h"
#include "measure/steps.h"

namespace shadecast::measure::internal {

ChartStepOptions ChartStepOptions::From(const MeasureOptions& o) {
  ChartStepOptions c;
  c.detect_pixels = o.chart_detect_pixels;
  c.chart_model = o.chart_model;
  c.skin_model = o.skin_model;
  c.skin_training_share = o.skin_training_share;
  c.drift_mean_flag_de00 = o.drift_mean_flag_de00;
  c.drift_patch_flag_de00 = o.drift_patch_flag_de00;
  c.px_per_mm = o.px_per_mm;
  return c;
}

namespace {

ChartFound FindChart(const ImageF& rgb, const ColorSource& src, int detect_pixels) {
  ChartFound f;
  calib::DetectOptions d;
  d.linear_input = src.linear_input;
  d.max_detect_pixels = detect_pixels;
  const calib::ChartLocation loc = src.chart_corners ? calib::LocateWithCorners(rgb, *src.chart, *src.chart_corners, d)
                                                     : calib::DetectChart(rgb, *src.chart, d);
  if (!loc.found) return f;
  f.found = true;
  f.corners = loc.corners;
  f.patches = calib::SamplePatches(rgb, *src.chart, loc.corners, calib::SampleOptions{});
  const ChartLayout layout = LayoutOf(*src.chart);
  const cv::Point2f mm[4] = {{0, 0},
                             {float(layout.width_mm), 0},
                             {float(layout.width_mm), float(layout.height_mm)},
                             {0, float(layout.height_mm)}};
  cv::Point2f px[4];
  for (int i = 0; i < 4; ++i) px[i] = {float(loc.corners[i].x), float(loc.corners[i].y)};
  const cv::Mat h = cv::getPerspectiveTransform(mm, px);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) f.mm_to_px(r, c) = h.at<double>(r, c);
  // Scale from the patch pitch: distance between neighbouring patch centres in pixels / pitch in mm.
  auto map = [&](const Point& q) {
    const cv::Vec3d v = f.mm_to_px * cv::Vec3d(q.x, q.y, 1.0);
    return cv::Point2d(v[0] / v[2], v[1] / v[2]);
  };
  double sx = 0, sy = 0;
  int nx = 0, ny = 0;
  for (int r = 0; r < layout.rows; ++r)
    for (int c = 0; c < layout.cols; ++c) {
      const cv::Point2d p = map(layout.centers_mm[r * layout.cols + c]);
      if (c + 1 < layout.cols) {
        sx += cv::norm(map(layout.centers_mm[r * layout.cols + c + 1]) - p) / layout.pitch_x_mm;
        ++nx;
      }
      if (r + 1 < layout.rows) {
        sy += cv::norm(map(layout.centers_mm[(r + 1) * layout.cols + c]) - p) / layout.pitch_y_mm;
        ++ny;
      }
    }
  f.px_per_mm = std::sqrt((sx / nx) * (sy / ny));
  return f;
}

// Without a profile: the profile fitted to the chart in the frame (r->fitted) and the skin's own
// model (r->skin_fitted).
void FitToChart(const ColorSource& src, const ChartStepOptions& o, ChartStepResult* r, pb::Measurement* m) {
  pb::Quality* q = m->mutable_quality();
  char buf[512];
  const ChartFound& chart = r->chart;
  pb::CameraProfile& fitted = r->fitted;
  pb::CameraProfile& skin_fitted = r->skin_fitted;
  if (!chart.found)
    throw ChartNotFound("no " + src.chart->id() +
                        " chart found in the photo: colour comes from the chart in the frame (--chart-in-frame), so "
                        "put the chart flat in the frame, give its corners, or use --profile");
  calib::CalibrationInput in;
  in.chart = *src.chart;
  in.reference = src.chart_reference;
  in.patches = chart.patches;
  in.training = src.training;
  calib::CalibrationOptions co;
  // The spectral model trains on the training set's spectra too: without one, rootpoly2 (said in
  // Measurement.color_model).
  co.model = o.chart_model == calib::Model::kSpectral && !src.training ? calib::Model::kRootPoly2 : o.chart_model;
  co.leave_one_out = false;
  co.linearization = src.linear_input ? calib::Linearization::kNone : calib::Linearization::kSrgb;
  try {
    fitted = calib::Calibrate(in, co).profile;
  } catch (const std::invalid_argument& e) {
    throw MeasureError(std::string("the chart in the frame cannot be used for colour: ") + e.what());
  }
  m->set_color_source("chart_in_frame");
  m->set_color_model(calib::ModelToString(co.model));
  m->set_skin_color_model(calib::ModelToString(co.model));
  const bool same = o.skin_model == co.model &&
                    (co.model != calib::Model::kSpectral || o.skin_training_share == co.training_share);
  if (!same && (o.skin_model != calib::Model::kSpectral || src.training)) {
    calib::CalibrationOptions sco = co;
    sco.model = o.skin_model;
    sco.training_share = o.skin_training_share;
    try {
      skin_fitted = calib::Calibrate(in, sco).profile;
      m->set_skin_color_model(calib::ModelToString(o.skin_model));
    } catch (const std::invalid_argument&) {
      skin_fitted.Clear();  // the chart model serves the skin too
    }
  }
  q->set_chart_fit_de00(fitted.fit().mean_de00());
  if (fitted.fit().mean_de00() > 3.0) {
    std::snprintf(buf, sizeof buf, "the in-frame chart fits poorly (mean %.1f dE00): check light and glare on the chart",
                  fitted.fit().mean_de00());
    AddFlag(q, "chart_fit", buf);
  }
}

// With a profile: the chart in the frame (when found) checked for drift.
void CheckChartDrift(const ChartStepOptions& o, const ChartStepResult& r, pb::Measurement* m) {
  pb::Quality* q = m->mutable_quality();
  char buf[512];
  const ChartFound& chart = r.chart;
  m->set_color_source("profile");
  if (chart.found) {
    calib::DriftOptions d;
    d.max_mean_drift_de00 = o.drift_mean_flag_de00;
    d.max_patch_drift_de00 = o.drift_patch_flag_de00;
    const calib::DriftReport dr = calib::CheckDrift(*r.given, chart.patches, d);
    q->set_chart_drift_de00(dr.drift.mean_de00());
    if (dr.recalibrate) {
      std::snprintf(buf, sizeof buf,
                    "the chart in the frame drifts from the profile (mean %.1f, max %.1f dE00): the profile does not "
                    "fit this camera, light or exposure; recalibrate (%s)",
                    dr.drift.mean_de00(), dr.drift.max_de00(), dr.reason.c_str());
      AddFlag(q, "chart_drift", buf);
    }
  }
}

// The scale: given, else the chart's.
double Scale(const ChartStepOptions& o, const ChartFound& chart, pb::Measurement* m) {
  double ppm = o.px_per_mm;
  if (ppm > 0) {
    m->set_px_per_mm_source("flag");
  } else if (chart.found) {
    ppm = chart.px_per_mm;
    m->set_px_per_mm_source("chart");
  } else {
    throw MeasureError("no scale: the chart was not found in the photo; give --px-per-mm");
  }
  m->set_px_per_mm(ppm);
  return ppm;
}

}  // namespace

// The card outline grown by `margin_mm`, in ROI coordinates.
Quad CardQuad(const ChartFound& f, const pb::ChartDefinition& chart, double margin_mm, int x0, int y0) {
  Quad q;
  if (!f.found) return q;
  const double w = chart.width_mm(), h = chart.height_mm(), m = margin_mm;
  const cv::Point2d mm[4] = {{-m, -m}, {w + m, -m}, {w + m, h + m}, {-m, h + m}};
  for (int i = 0; i < 4; ++i) {
    const cv::Vec3d v = f.mm_to_px * cv::Vec3d(mm[i].x, mm[i].y, 1.0);
    q.p[i] = {v[0] / v[2] - x0, v[1] / v[2] - y0};
  }
  q.valid = true;
  return q;
}

ChartStepResult ChartStep(const ImageF& rgb, const ColorSource& src, const ChartStepOptions& o, pb::Measurement* m) {
  ChartStepResult r;
  if (src.chart) r.chart = FindChart(rgb, src, o.detect_pixels);
  r.given = src.profile;
  if (!r.given)
    FitToChart(src, o, &r, m);
  else
    CheckChartDrift(o, r, m);
  r.px_per_mm = Scale(o, r.chart, m);
  return r;
}

}  // namespace shadecast::measure::internal
