// The look at viewing distance (measure/look.h), what the recipe matches, wired into the measurement
// with the camera's blur, then the quality step (measure/quality.h) (steps.h).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "image/region.h"
#include "measure/steps.h"

namespace shadecast::measure::internal {

LookQualityOptions LookQualityOptions::From(const MeasureOptions& o) {
  LookQualityOptions l;
  l.dots = o.target == Target::kDots;
  l.chart_margin_mm = o.chart_margin_mm;
  l.blur_flag_px = o.blur_flag_px;
  l.min_contrast_l = o.min_contrast_l;
  l.look = o.look;
  l.quality = o.quality;
  return l;
}

namespace {

// The camera's blur for the eye's residual kernel: measured on the chart's patch edges when the
// chart is in the frame (the blobs' own estimate is tuned for the core fit and reads sharp photos
// as blurred: 0.5 px read ~2.5 in the matrix bench), else the blobs' estimate (`set`'s). Sets
// quality.camera_blur_px; the chart's edges drop the blobs' `blur` flag, or raise their own.
double CameraBlur(const LookQualityInputs& in, const LookQualityOptions& o, const pb::BlobSet& set, pb::Quality* q) {
  char buf[512];
  const ChartFound& chart = *in.chart;
  const bool dots = o.dots;
  double cam = NAN;
  if (chart.found && in.chart_def)
    cam = calib::EstimateBlurFromChart(*in.rgb, *in.chart_def, chart.corners, calib::ProfileTransform(*in.profile));
  const double camera_sigma_px = std::isfinite(cam) ? cam : (set.blur_sigma_px() > 0 ? set.blur_sigma_px() : 1.0);
  q->set_camera_blur_px(camera_sigma_px);
  if (std::isfinite(cam) && cam <= o.blur_flag_px) {
    // The chart's edges are the better witness: the blobs' estimate (which raised `blur` above)
    // reads sharp photos as blurred. The flag goes.
    for (int i = 0; i < q->flags_size(); ++i)
      if (q->flags(i) == "blur") {
        q->mutable_flags()->erase(q->mutable_flags()->begin() + i);
        q->mutable_messages()->erase(q->mutable_messages()->begin() + i);
        break;
      }
  }
  if (std::isfinite(cam) && cam > o.blur_flag_px &&
      std::find(q->flags().begin(), q->flags().end(), "blur") == q->flags().end()) {
    std::snprintf(buf, sizeof buf,
                  "the photo looks blurred (sigma about %.1f px on the chart's edges): small %s are missed and read "
                  "too light; focus on the skin and retake",
                  cam, dots ? "dots" : "follicles");
    AddFlag(q, "blur", buf);
  }
  return camera_sigma_px;
}

}  // namespace

LookStepResult LookAndQuality(const LookQualityInputs& in, const LookQualityOptions& o, pb::BlobSet* set,
                              pb::Quality* q) {
  const ImageF& rgb = *in.rgb;
  const Roi& roi = in.roi;
  const LabConverter& conv = *in.conv;
  const double ppm = in.px_per_mm;
  LookContext lc;
  lc.rgb = &rgb;
  if (in.skin_conv) {
    const LabConverter* sc = in.skin_conv;
    lc.to_xyz = [sc](const float* px) { return LabToXyzD50(sc->ToLab({px[0], px[1], px[2]})); };
  } else {
    lc.to_xyz = [&conv](const float* px) { return conv.PixelToXyz(px); };
  }
  lc.roi = {roi.x, roi.y, roi.width, roi.height};
  if (*in.chart_corners) {
    std::array<std::array<double, 2>, 4> c;
    for (int k = 0; k < 4; ++k) c[k] = {(**in.chart_corners)[k].x, (**in.chart_corners)[k].y};
    lc.chart_box = BoundingBox(c, o.chart_margin_mm * ppm + 2);
  }
  lc.skin = in.skin;
  lc.px_per_mm = ppm;
  lc.camera_sigma_px = CameraBlur(in, o, *set, q);
  const LookStepResult look = AddLook(lc, *in.blobs, o.look, set);
  QualityInputs qi;
  qi.has_look = look.features > 0;
  qi.presmoothed_too_much = look.look.presmoothed_too_much;
  qi.camera_sigma_mm = lc.camera_sigma_px / ppm;
  qi.replaced_share = look.replaced_share;
  for (const Blob& b : *in.blobs)
    if (b.accepted) qi.contrast_l.push_back(b.contrast_l);
  qi.min_contrast_l = o.min_contrast_l;
  qi.dots = o.dots;
  FinishQuality(qi, o.quality, q);
  return look;
}

}  // namespace shadecast::measure::internal
