// Measurement of a scalp photo (measure.h): the pipeline of steps (steps.h, a file each): ROI and
// clipping, colour and scale, the L* plane, detection, cores, disc fits, skin, the look and quality.
#include "measure/measure.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "measure/steps.h"

namespace shadecast::measure {

bool MeasureOptions::IsValid(std::string* message) const {
  auto fail = [&](const std::string& m) {
    if (message) *message = m;
    return false;
  };
  if (roi.width < 0 || roi.height < 0 || roi.x < 0 || roi.y < 0) return fail("roi: x, y >= 0 and width, height >= 0");
  if (px_per_mm < 0 || !std::isfinite(px_per_mm)) return fail("px_per_mm must be >= 0 (0: from the chart)");
  if (min_diameter_mm < 0 || max_diameter_mm < 0 || (max_diameter_mm > 0 && max_diameter_mm <= min_diameter_mm))
    return fail("blob diameters: 0 <= min_diameter_mm < max_diameter_mm (0: by target)");
  if (!(min_contrast_l > 0)) return fail("min_contrast_l must be > 0");
  if (!(max_hessian_ratio >= 1)) return fail("max_hessian_ratio must be >= 1");
  if (!(glare_l_above_skin > 0) || !(glare_clip_level > 0 && glare_clip_level <= 1))
    return fail("glare_l_above_skin > 0 and 0 < glare_clip_level <= 1");
  if (min_blobs < 0) return fail("min_blobs must be >= 0");
  if (min_jpeg_quality < 0 || min_jpeg_quality > 100) return fail("min_jpeg_quality must be 0-100");
  if (!(clip_share_flag > 0 && clip_share_flag <= clip_share_fail && clip_share_fail <= 1))
    return fail("0 < clip_share_flag <= clip_share_fail <= 1");
  if (!(skin_trim_mad > 0)) return fail("skin_trim_mad must be > 0");
  if (max_skin_samples < 1000) return fail("max_skin_samples must be >= 1000");
  if (!(chart_margin_mm >= 0)) return fail("chart_margin_mm must be >= 0");
  return true;
}

std::string MeasureResult::BriefReport() const {
  const auto& m = measurement;
  const bool dots = m.dots().count() > 0 && m.follicle().count() == 0;
  const auto& b = dots ? m.dots() : m.follicle();
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s: %d, L*a*b* (%.1f, %.1f, %.1f), spread %.2f dE00; skin (%.1f, %.1f, %.1f); undertone %s, "
                "ITA %.1f (%s), Monk %d; %.2f px/mm; flags: %d",
                dots ? "dots" : "follicles", b.count(), b.lab().l(), b.lab().a(), b.lab().b(), b.spread_de00(),
                m.skin().l(), m.skin().a(), m.skin().b(), m.undertone().class_().c_str(), m.undertone().ita_deg(),
                m.undertone().ita_category().c_str(), m.undertone().monk(), m.px_per_mm(), m.quality().flags_size());
  return buf;
}

MeasureResult Measure(const ImageF& rgb, const ColorSource& src, const UndertoneThresholds& thresholds,
                      const MeasureOptions& o) {
  using namespace internal;
  std::string why;
  if (!o.IsValid(&why)) throw std::invalid_argument("measure options: " + why);
  if (rgb.channels != 3 || rgb.width < 16 || rgb.height < 16) throw MeasureError("the photo must be RGB and at least 16x16 px");
  if (!src.profile && !src.chart) throw std::invalid_argument("measure: give a camera profile or a chart");
  const auto t_start = Clock::now();
  MeasureResult res;
  pb::Measurement& m = res.measurement;
  pb::Quality* q = m.mutable_quality();
  q->set_chart_drift_de00(-1);
  q->set_chart_fit_de00(-1);

  // ---- ROI and clipping -------------------------------------------------------------------------
  const Roi roi = FrameRoi(rgb, o.roi);
  CheckClipping(rgb, roi, ClipOptions::From(o), q);

  // ---- colour: chart and profile; scale -------------------------------------------------------------
  auto t0 = Clock::now();
  const ChartStepResult colour = ChartStep(rgb, src, ChartStepOptions::From(o), &m);
  const pb::CameraProfile& profile = colour.profile();
  const double ppm = colour.px_per_mm;
  res.times.chart_s = Since(t0);
  if (colour.chart.found) res.chart_corners = colour.chart.corners;

  // ---- convert ------------------------------------------------------------------------------------
  t0 = Clock::now();
  const LabConverter conv(profile, src.input_levels);
  const Planes P = MakePlanes(rgb, roi, conv);
  res.times.convert_s = Since(t0);

  const Quad card = src.chart ? CardQuad(colour.chart, *src.chart, o.chart_margin_mm, roi.x, roi.y) : Quad{};
  const double skin_l_rough = RoughSkinL(P, card);

  // ---- detection ----------------------------------------------------------------------------------
  t0 = Clock::now();
  const DetectResult det = DetectStep(P, card, ppm, BlobDetectOptions::From(o));
  res.times.detect_s = Since(t0);

  // ---- cores ---------------------------------------------------------------------------------------
  t0 = Clock::now();
  const CoreInputs core_in{.planes = &P, .detect = &det, .px_per_mm = ppm, .skin_l_rough = skin_l_rough};
  const CoreSet cores = AcceptCores(core_in, CoreOptions::From(o), &res.blobs);
  res.times.candidates_s = Since(t0);
  double blur = BlurFromCores(cores.stats, o.blur_px);
  m.mutable_follicle()->set_blur_sigma_px(blur < 0 ? 0 : blur);
  const FitInputs fit_in{.rgb = &rgb, .roi = roi, .planes = &P, .stats = &cores.stats, .profile = &profile,
                         .src = &src, .chart = &colour.chart, .px_per_mm = ppm, .dmax = det.dmax};
  const FitOptions fit_o = FitOptions::From(o);
  const FollicleFitResult follicle_fits = FitFollicleCores(fit_in, fit_o, &blur, &m);
  res.times.blur_search_s = follicle_fits.blur_search_s;
  const DotFitResult dot_fits = FitDotCores(fit_in, fit_o, &blur, &m);
  const AggregateInputs agg_in{.cores = &cores, .follicles = &follicle_fits, .dots = &dot_fits, .blur = blur,
                               .dmin = det.dmin, .dmax = det.dmax, .jpeg_quality = src.jpeg_quality};
  pb::BlobSet* set = AggregateCores(agg_in, AggregateOptions::From(o), &res.blobs, &m);
  res.times.cores_s = Since(t0);

  // ---- skin ---------------------------------------------------------------------------------------
  t0 = Clock::now();
  const SkinInputs skin_in{.planes = &P, .card = &card, .detect = &det, .blobs = &res.blobs,
                           .skin_fitted = &colour.skin_fitted, .input_levels = src.input_levels,
                           .thresholds = &thresholds};
  SkinResult skin = SkinStep(skin_in, SkinOptions::From(o), &m);
  res.skin_px = std::move(skin.skin_px);
  res.times.skin_s = Since(t0);

  // ---- the look at viewing distance (measure/look.h): what the recipe matches; quality -------------
  t0 = Clock::now();
  const LookQualityInputs look_in{.rgb = &rgb, .roi = roi, .conv = &conv,
                                  .skin_conv = skin.skin_conv ? &*skin.skin_conv : nullptr,
                                  .chart_corners = &res.chart_corners, .chart = &colour.chart, .chart_def = src.chart,
                                  .profile = &profile, .skin = skin.xyz, .px_per_mm = ppm, .blobs = &res.blobs};
  LookAndQuality(look_in, LookQualityOptions::From(o), set, q);
  res.times.look_s = Since(t0);
  res.times.total_s = Since(t_start);
  return res;
}

}  // namespace shadecast::measure
