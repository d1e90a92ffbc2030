// Measurement of a scalp photo (measure.h): colour, scale, blobs, cores, skin, undertone, flags.
#include "measure/measure.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "color/ciede2000.h"
#include "color/skin_tone.h"
#include "image/region.h"
#include "measure/look.h"
#include "measure/quality.h"
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

using namespace internal;

namespace {

// Uneven light over the skin samples (u, v in a w x h plane, l their L*): the range of the medians of
// a 3x3 grid, and the radial pattern of vignetting or a spot light; either raises `uneven_light`.
template <typename Sample>
void CheckUnevenLight(const std::vector<Sample>& used, int w, int h, const MeasureOptions& o, pb::Quality* q) {
  char buf[512];
  std::vector<double> cell[9];
  for (const auto& s : used) cell[std::min(2, 3 * s.v / h) * 3 + std::min(2, 3 * s.u / w)].push_back(s.l);
  double lo = 1e9, hi = -1e9, med[9];
  bool ok[9];
  for (int i = 0; i < 9; ++i) {
    ok[i] = cell[i].size() >= 50;
    if (!ok[i]) continue;
    med[i] = Median(cell[i]);
    lo = std::min(lo, med[i]);
    hi = std::max(hi, med[i]);
  }
  const double range = hi > lo ? hi - lo : 0;
  q->set_uneven_light_l(range);
  // The radial pattern of vignetting or a spot light: a line through the cells' L* against their
  // squared distance from the frame's centre (0 centre, 1 edges, 2 corners, in cells), reported as
  // the fall-off from the centre to the corners (the chart often hides some cells).
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int i = 0; i < 9; ++i) {
    if (!ok[i]) continue;
    const double r2 = (i / 3 - 1) * (i / 3 - 1) + (i % 3 - 1) * (i % 3 - 1);
    sw += 1;
    sx += r2;
    sy += med[i];
    sxx += r2 * r2;
    sxy += r2 * med[i];
  }
  const double den = sw * sxx - sx * sx;
  const double falloff = sw >= 4 && den > 1e-9 ? -2.0 * (sw * sxy - sx * sy) / den : 0.0;
  q->set_light_falloff_l(falloff);
  if (range > o.uneven_light_flag_l) {
    std::snprintf(buf, sizeof buf,
                  "uneven light: the skin's L* varies by %.1f over the frame (more than %.1f); use diffuse light", range,
                  o.uneven_light_flag_l);
    q->add_flags("uneven_light");
    q->add_messages(buf);
  } else if (falloff > o.light_falloff_flag_l) {
    std::snprintf(buf, sizeof buf,
                  "uneven light: the skin is %.1f L* darker at the corners than in the middle (vignetting or a spot "
                  "light; more than %.1f): use even, diffuse light or measure a smaller region in the middle",
                  falloff, o.light_falloff_flag_l);
    q->add_flags("uneven_light");
    q->add_messages(buf);
  }
}

}  // namespace

MeasureResult Measure(const ImageF& rgb, const ColorSource& src, const UndertoneThresholds& thresholds,
                      const MeasureOptions& o) {
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
  auto flag = [&](const std::string& f, const std::string& msg) {
    q->add_flags(f);
    q->add_messages(msg);
  };
  char buf[512];

  // ---- ROI and clipping -------------------------------------------------------------------------
  const Roi roi = FrameRoi(rgb, o.roi);
  const double n_roi = CheckClipping(rgb, roi, ClipOptions::From(o), q).pixels;

  // ---- colour: chart and profile; scale -------------------------------------------------------------
  auto t0 = Clock::now();
  const ChartStepResult colour = ChartStep(rgb, src, ChartStepOptions::From(o), &m);
  const ChartFound& chart = colour.chart;
  const pb::CameraProfile* profile = &colour.profile();
  const pb::CameraProfile& skin_fitted = colour.skin_fitted;
  const double ppm = colour.px_per_mm;
  res.times.chart_s = Since(t0);
  if (chart.found) res.chart_corners = chart.corners;

  // ---- convert ------------------------------------------------------------------------------------
  t0 = Clock::now();
  const LabConverter conv(*profile, src.input_levels);
  const Planes P = MakePlanes(rgb, roi, conv);
  res.times.convert_s = Since(t0);

  const Quad card = src.chart ? CardQuad(chart, *src.chart, o.chart_margin_mm, roi.x, roi.y) : Quad{};
  auto device_clipped = [&](int u, int v) {
    const float* px = rgb.data.data() + (static_cast<size_t>(roi.y + v) * rgb.width + roi.x + u) * 3;
    return px[0] >= o.glare_clip_level || px[1] >= o.glare_clip_level || px[2] >= o.glare_clip_level;
  };

  // Rough skin L* (median on a coarse grid outside the card) for the glare test.
  double skin_l_rough;
  {
    std::vector<double> ls;
    const int st = std::max(1, static_cast<int>(std::sqrt(n_roi / 20000.0)));
    for (int v = 0; v < P.h; v += st)
      for (int u = 0; u < P.w; u += st)
        if (!card.Contains(u, v)) ls.push_back(P.l[static_cast<size_t>(v) * P.w + u]);
    if (ls.empty()) throw MeasureError("no skin in the ROI: it lies on the chart; choose an ROI on the scalp");
    skin_l_rough = Median(ls);
  }

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
  const FitInputs fit_in{.rgb = &rgb, .roi = roi, .planes = &P, .stats = &cores.stats, .profile = profile,
                         .src = &src, .chart = &chart, .px_per_mm = ppm, .dmax = det.dmax};
  const FitOptions fit_o = FitOptions::From(o);
  const FollicleFitResult follicle_fits = FitFollicleCores(fit_in, fit_o, &blur, &m);
  res.times.blur_search_s = follicle_fits.blur_search_s;
  const DotFitResult dot_fits = FitDotCores(fit_in, fit_o, &blur, &m);
  const AggregateInputs agg_in{.cores = &cores, .follicles = &follicle_fits, .dots = &dot_fits, .blur = blur,
                               .dmin = det.dmin, .dmax = det.dmax, .jpeg_quality = src.jpeg_quality};
  pb::BlobSet* set = AggregateCores(agg_in, AggregateOptions::From(o), &res.blobs, &m);
  res.times.cores_s = Since(t0);

  const bool dots = o.target == Target::kDots;
  const int st = det.st;
  const std::vector<Candidate>& cands = det.cands;
  const ScaleSpace& ss = det.ss;
  // ---- skin ---------------------------------------------------------------------------------------
  t0 = Clock::now();
  // Pixels near blobs and near every dark structure the detector saw (hair shafts, faint blobs) are
  // not skin; the mask is kept on the sample grid only (every st-th pixel).
  const int gw = (P.w + st - 1) / st, gh = (P.h + st - 1) / st;
  std::vector<uint8_t> excl(static_cast<size_t>(gw) * gh, 0);
  auto exclude = [&](double x, double y, int r) {
    const int cx = static_cast<int>(std::lround(x)), cy = static_cast<int>(std::lround(y));
    const double r2 = (r + 0.5) * (r + 0.5);
    for (int gv = std::max(0, (cy - r + st - 1) / st); gv <= std::min(gh - 1, (cy + r) / st); ++gv)
      for (int gu = std::max(0, (cx - r + st - 1) / st); gu <= std::min(gw - 1, (cx + r) / st); ++gu) {
        const double dx = gu * st - cx, dy = gv * st - cy;
        if (dx * dx + dy * dy <= r2) excl[static_cast<size_t>(gv) * gw + gu] = 1;
      }
  };
  for (const auto& b : res.blobs) exclude(b.x - roi.x, b.y - roi.y, static_cast<int>(std::ceil(2.5 * b.radius_px + 2)));
  for (const auto& c : cands)
    exclude(c.x, c.y, static_cast<int>(std::ceil(2.0 * std::sqrt(2.0) * ss.levels[c.level].sigma + 1)));
  const float struct_thr = static_cast<float>(0.15 * o.min_contrast_l);
  struct Sample {
    int u, v;
    float l;
  };
  std::vector<Sample> samples;
  for (int v = 0; v < P.h; v += st)
    for (int u = 0; u < P.w; u += st) {
      if (excl[static_cast<size_t>(v / st) * gw + u / st] || card.Contains(u, v) || device_clipped(u, v)) continue;
      bool dark = false;
      for (int j = 0; j < static_cast<int>(ss.levels.size()); ++j) {
        if (ss.levels[j].sigma < 0.9) continue;
        if (ss.ResponseAt(j, u, v) > struct_thr) {
          dark = true;
          break;
        }
      }
      if (!dark) samples.push_back({u, v, P.l[static_cast<size_t>(v) * P.w + u]});
    }
  std::vector<double> ls;
  for (const auto& s : samples) ls.push_back(s.l);
  const double lmed = Median(ls);
  std::vector<double> dev;
  for (double l : ls) dev.push_back(std::abs(l - lmed));
  const double sig = std::max(0.5, 1.4826 * Median(dev));
  color::Xyz acc{0, 0, 0};
  std::vector<Sample> used;
  std::optional<LabConverter> skin_conv;
  if (skin_fitted.has_fit()) skin_conv.emplace(skin_fitted, src.input_levels);
  for (const auto& s : samples) {
    if (std::abs(s.l - lmed) > o.skin_trim_mad * sig) continue;
    color::Xyz x;
    if (skin_conv) {
      const float* px = rgb.data.data() + (static_cast<size_t>(roi.y + s.v) * rgb.width + roi.x + s.u) * 3;
      x = LabToXyzD50(skin_conv->ToLab({px[0], px[1], px[2]}));
    } else {
      x = conv.PixelToXyz(rgb.data.data() + (static_cast<size_t>(roi.y + s.v) * rgb.width + roi.x + s.u) * 3);
    }
    for (int k = 0; k < 3; ++k) acc[k] += x[k];
    used.push_back(s);
  }
  if (used.size() < 200) {
    std::snprintf(buf, sizeof buf,
                  "no skin in the ROI: only %zu usable skin pixels away from blobs, hairs, the chart and highlights; "
                  "choose an ROI on the scalp",
                  used.size());
    throw MeasureError(buf);
  }
  for (int k = 0; k < 3; ++k) acc[k] /= used.size();
  const color::Lab skin = XyzToLabD50(acc);
  *m.mutable_skin() = ToPb(skin);
  m.set_skin_samples(static_cast<int>(used.size()));
  {
    std::vector<double> d;
    const size_t step = std::max<size_t>(1, used.size() / 2000);
    for (size_t i = 0; i < used.size(); i += step) d.push_back(color::DeltaE00(P.At(used[i].u, used[i].v), skin));
    m.set_skin_spread_de00(Median(d));
    const size_t ostep = std::max<size_t>(1, used.size() / 4000);
    for (size_t i = 0; i < used.size(); i += ostep) res.skin_px.push_back({used[i].u + roi.x, used[i].v + roi.y});
  }
  CheckUnevenLight(used, P.w, P.h, o, q);
  *m.mutable_skin_d65() = ToPb(color::D50ToD65Lab(skin));
  *m.mutable_undertone() = Undertone(skin, thresholds);
  res.times.skin_s = Since(t0);

  // ---- the look at viewing distance (measure/look.h): what the recipe matches ----------------------
  t0 = Clock::now();
  {
    LookContext lc;
    lc.rgb = &rgb;
    if (skin_conv) {
      const LabConverter* sc = &*skin_conv;
      lc.to_xyz = [sc](const float* px) { return LabToXyzD50(sc->ToLab({px[0], px[1], px[2]})); };
    } else {
      lc.to_xyz = [&conv](const float* px) { return conv.PixelToXyz(px); };
    }
    lc.roi = {roi.x, roi.y, roi.width, roi.height};
    if (res.chart_corners) {
      std::array<std::array<double, 2>, 4> c;
      for (int k = 0; k < 4; ++k) c[k] = {(*res.chart_corners)[k].x, (*res.chart_corners)[k].y};
      lc.chart_box = BoundingBox(c, o.chart_margin_mm * ppm + 2);
    }
    lc.skin = acc;
    lc.px_per_mm = ppm;
    // The camera's blur for the eye's residual kernel: measured on the chart's patch edges when the
    // chart is in the frame (the blobs' own estimate is tuned for the core fit and reads sharp photos
    // as blurred: 0.5 px read ~2.5 in the matrix bench), else the blobs' estimate.
    double cam = NAN;
    if (chart.found && src.chart) cam = calib::EstimateBlurFromChart(rgb, *src.chart, chart.corners, calib::ProfileTransform(*profile));
    lc.camera_sigma_px = std::isfinite(cam) ? cam : (set->blur_sigma_px() > 0 ? set->blur_sigma_px() : 1.0);
    q->set_camera_blur_px(lc.camera_sigma_px);
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
      flag("blur", buf);
    }
    const LookStepResult look = AddLook(lc, res.blobs, o.look, set);
    QualityInputs qi;
    qi.has_look = look.features > 0;
    qi.presmoothed_too_much = look.look.presmoothed_too_much;
    qi.camera_sigma_mm = lc.camera_sigma_px / ppm;
    qi.replaced_share = look.replaced_share;
    for (const Blob& b : res.blobs)
      if (b.accepted) qi.contrast_l.push_back(b.contrast_l);
    qi.min_contrast_l = o.min_contrast_l;
    qi.dots = dots;
    FinishQuality(qi, o.quality, q);
  }
  res.times.look_s = Since(t0);
  res.times.total_s = Since(t_start);
  return res;
}

}  // namespace shadecast::measure

