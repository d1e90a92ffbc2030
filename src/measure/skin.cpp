// The skin (steps.h): pixels away from blobs, dark structures, the card and highlights, trimmed in
// L* and averaged in XYZ; its spread, uneven light over the frame, and the undertone.
#include <cmath>
#include <cstdio>

#include "color/ciede2000.h"
#include "color/skin_tone.h"
#include "measure/steps.h"

namespace shadecast::measure::internal {

SkinOptions SkinOptions::From(const MeasureOptions& o) {
  SkinOptions s;
  s.min_contrast_l = o.min_contrast_l;
  s.skin_trim_mad = o.skin_trim_mad;
  s.glare_clip_level = o.glare_clip_level;
  s.uneven_light_flag_l = o.uneven_light_flag_l;
  s.light_falloff_flag_l = o.light_falloff_flag_l;
  return s;
}

double RoughSkinL(const Planes& P, const Quad& card) {
  const double n_roi = static_cast<double>(P.w) * P.h;
  std::vector<double> ls;
  const int st = std::max(1, static_cast<int>(std::sqrt(n_roi / 20000.0)));
  for (int v = 0; v < P.h; v += st)
    for (int u = 0; u < P.w; u += st)
      if (!card.Contains(u, v)) ls.push_back(P.l[static_cast<size_t>(v) * P.w + u]);
  if (ls.empty()) throw MeasureError("no skin in the ROI: it lies on the chart; choose an ROI on the scalp");
  return Median(ls);
}

namespace {

struct Sample {
  int u, v;
  float l;
};

// Uneven light over the skin samples (u, v in a w x h plane, l their L*): the range of the medians of
// a 3x3 grid, and the radial pattern of vignetting or a spot light; either raises `uneven_light`.
void CheckUnevenLight(const std::vector<Sample>& used, int w, int h, const SkinOptions& o, pb::Quality* q) {
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

// Pixels near blobs and near every dark structure the detector saw (hair shafts, faint blobs) are
// not skin; the mask is kept on the sample grid only (every st-th pixel). The samples left, off the
// card and away from clipped pixels.
std::vector<Sample> SkinSamples(const SkinInputs& in, const SkinOptions& o) {
  const Planes& P = *in.planes;
  const Quad& card = *in.card;
  const int st = in.detect->st;
  const ScaleSpace& ss = in.detect->ss;
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
  for (const auto& b : *in.blobs) exclude(b.x - P.x0, b.y - P.y0, static_cast<int>(std::ceil(2.5 * b.radius_px + 2)));
  for (const auto& c : in.detect->cands)
    exclude(c.x, c.y, static_cast<int>(std::ceil(2.0 * std::sqrt(2.0) * ss.levels[c.level].sigma + 1)));
  const float struct_thr = static_cast<float>(0.15 * o.min_contrast_l);
  std::vector<Sample> samples;
  for (int v = 0; v < P.h; v += st)
    for (int u = 0; u < P.w; u += st) {
      if (excl[static_cast<size_t>(v / st) * gw + u / st] || card.Contains(u, v) || P.Clipped(u, v, o.glare_clip_level))
        continue;
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
  return samples;
}

}  // namespace

SkinResult SkinStep(const SkinInputs& in, const SkinOptions& o, pb::Measurement* m) {
  const Planes& P = *in.planes;
  char buf[512];
  SkinResult r;
  const std::vector<Sample> samples = SkinSamples(in, o);
  std::vector<double> ls;
  for (const auto& s : samples) ls.push_back(s.l);
  const double lmed = Median(ls);
  std::vector<double> dev;
  for (double l : ls) dev.push_back(std::abs(l - lmed));
  const double sig = std::max(0.5, 1.4826 * Median(dev));
  color::Xyz& acc = r.xyz;
  acc = {0, 0, 0};
  std::vector<Sample> used;
  std::optional<LabConverter>& skin_conv = r.skin_conv;
  if (in.skin_fitted->has_fit()) skin_conv.emplace(*in.skin_fitted, in.input_levels);
  for (const auto& s : samples) {
    if (std::abs(s.l - lmed) > o.skin_trim_mad * sig) continue;
    color::Xyz x;
    if (skin_conv) {
      const float* px = P.Device(s.u, s.v);
      x = LabToXyzD50(skin_conv->ToLab({px[0], px[1], px[2]}));
    } else {
      x = P.conv->PixelToXyz(P.Device(s.u, s.v));
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
  *m->mutable_skin() = ToPb(skin);
  m->set_skin_samples(static_cast<int>(used.size()));
  {
    std::vector<double> d;
    const size_t step = std::max<size_t>(1, used.size() / 2000);
    for (size_t i = 0; i < used.size(); i += step) d.push_back(color::DeltaE00(P.At(used[i].u, used[i].v), skin));
    m->set_skin_spread_de00(Median(d));
    const size_t ostep = std::max<size_t>(1, used.size() / 4000);
    for (size_t i = 0; i < used.size(); i += ostep) r.skin_px.push_back({used[i].u + P.x0, used[i].v + P.y0});
  }
  CheckUnevenLight(used, P.w, P.h, o, m->mutable_quality());
  *m->mutable_skin_d65() = ToPb(color::D50ToD65Lab(skin));
  *m->mutable_undertone() = Undertone(skin, *in.thresholds);
  return r;
}

}  // namespace shadecast::measure::internal
