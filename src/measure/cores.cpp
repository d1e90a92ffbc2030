// Blob cores (steps.h): ring, centre and moments per candidate, the acceptance tests (faint, size,
// elongated, glare), the blobs' blur, and the cores' aggregation into the BlobSet.
#include <cmath>
#include <cstdio>

#include "color/ciede2000.h"
#include "measure/steps.h"

namespace shadecast::measure::internal {

CoreOptions CoreOptions::From(const MeasureOptions& o) {
  CoreOptions c;
  c.min_contrast_l = o.min_contrast_l;
  c.max_hessian_ratio = o.max_hessian_ratio;
  c.glare_l_above_skin = o.glare_l_above_skin;
  c.glare_clip_level = o.glare_clip_level;
  return c;
}

AggregateOptions AggregateOptions::From(const MeasureOptions& o) {
  AggregateOptions a;
  a.dots = o.target == Target::kDots;
  a.blur_correction = o.blur_correction;
  a.blur_gain = o.blur_gain;
  a.blur_flag_px = o.blur_flag_px;
  a.min_contrast_l = o.min_contrast_l;
  a.min_blobs = o.min_blobs;
  a.min_jpeg_quality = o.min_jpeg_quality;
  return a;
}

namespace {

// Y (white 1) of an L*, and back.
inline double YOfL(double l) {
  const double t = (l + 16.0) / 116.0;
  return t > 6.0 / 29.0 ? t * t * t : l * (27.0 / 24389.0);
}
inline double LOfY(double y) { return y > 216.0 / 24389.0 ? 116.0 * std::cbrt(y) - 16.0 : y * (24389.0 / 27.0); }

// Ring, centre and moments from the L* plane; the ring's and the centre's colour (a* b*, converted
// on demand) only for blobs at least `min_contrast_l` darker than their ring (the others are
// rejected as faint and need none).
CoreStats MeasureCore(const Planes& p, double x, double y, double r, double min_contrast_l) {
  CoreStats s;
  const int win = static_cast<int>(std::ceil(2.5 * r + 2));
  const int x0 = std::max(0, static_cast<int>(x) - win), x1 = std::min(p.w - 1, static_cast<int>(x) + win + 1);
  const int y0 = std::max(0, static_cast<int>(y) - win), y1 = std::min(p.h - 1, static_cast<int>(y) + win + 1);
  auto lat = [&](int u, int v) { return p.l[static_cast<size_t>(v) * p.w + u]; };
  // Ring: [1.6 r + 1, 2.5 r + 2].
  const double rin = 1.6 * r + 1, rout = 2.5 * r + 2;
  // Scratch reused across blobs (one measurement runs on one thread).
  thread_local std::vector<double> rl;
  thread_local std::vector<std::array<int, 2>> ring_px;
  rl.clear();
  ring_px.clear();
  for (int v = y0; v <= y1; ++v)
    for (int u = x0; u <= x1; ++u) {
      const double d2 = (u - x) * (u - x) + (v - y) * (v - y);
      if (d2 < rin * rin || d2 > rout * rout) continue;
      rl.push_back(lat(u, v));
      ring_px.push_back({u, v});
    }
  if (rl.size() < 8) return s;
  s.ring_l = MedianInPlace(&rl);
  const double bg_y = YOfL(s.ring_l);
  // Refine the centre: contrast-weighted centroid within r + 1.
  double sw = 0, sx = 0, sy = 0;
  const double rc = r + 1;
  for (int v = y0; v <= y1; ++v)
    for (int u = x0; u <= x1; ++u) {
      if ((u - x) * (u - x) + (v - y) * (v - y) > rc * rc) continue;
      const double w = std::max(0.0, s.ring_l - lat(u, v));
      sw += w * w;
      sx += w * w * u;
      sy += w * w * v;
    }
  if (sw > 0) {
    x = sx / sw;
    y = sy / sw;
  }
  s.x = x;
  s.y = y;
  s.rho = std::max(1.0, 0.3 * r);
  // The centre's mean Y, then the contrast: faint candidates (most of them) stop here.
  double acc_y = 0;
  int n = 0;
  const double rho2 = s.rho * s.rho;
  for (int v = y0; v <= y1; ++v)
    for (int u = x0; u <= x1; ++u)
      if ((u - x) * (u - x) + (v - y) * (v - y) <= rho2) {
        acc_y += YOfL(lat(u, v));
        ++n;
      }
  if (n == 0) return s;
  s.centre_l = LOfY(acc_y / n);
  s.ok = true;
  if (s.ring_l - s.centre_l < min_contrast_l) return s;
  double vol = 0, mom = 0;
  const double rwin = 2.0 * r + 1.5;
  for (int v = y0; v <= y1; ++v)
    for (int u = x0; u <= x1; ++u) {
      const double d2 = (u - x) * (u - x) + (v - y) * (v - y);
      if (d2 > rwin * rwin) continue;
      const double py = bg_y - YOfL(lat(u, v));
      vol += py;
      mom += py * d2;
    }
  int n_half = 0;
  const double half_l = 0.5 * (s.ring_l + s.centre_l);
  for (int v = y0; v <= y1; ++v)
    for (int u = x0; u <= x1; ++u)
      if ((u - x) * (u - x) + (v - y) * (v - y) <= rwin * rwin && lat(u, v) <= half_l) ++n_half;
  s.r_half = std::sqrt(n_half / M_PI);
  s.volume = vol;
  s.m2 = vol > 0 ? mom / (2 * vol) : 0;
  // Colour of the ring (local skin) and of the centre.
  thread_local std::vector<double> ra, rb;
  ra.clear();
  rb.clear();
  for (const auto& q : ring_px) {
    const color::Lab c = p.At(q[0], q[1]);
    ra.push_back(c[1]);
    rb.push_back(c[2]);
  }
  s.bg = LabToXyzD50({s.ring_l, MedianInPlace(&ra), MedianInPlace(&rb)});
  color::Xyz acc{0, 0, 0};
  for (int v = y0; v <= y1; ++v)
    for (int u = x0; u <= x1; ++u)
      if ((u - x) * (u - x) + (v - y) * (v - y) <= s.rho * s.rho) {
        const color::Xyz q = LabToXyzD50(p.At(u, v));
        for (int k = 0; k < 3; ++k) acc[k] += q[k];
      }
  for (int k = 0; k < 3; ++k) s.obs[k] = acc[k] / n;
  s.centre_l = XyzToLabD50(s.obs)[0];
  s.colour = true;
  return s;
}

// Principal curvature ratio (>= 1; large for a stroke) of L* smoothed at `sigma`, at (x, y): the
// Hessian from analytic Gaussian second-derivative weights over a 3 sigma window (full resolution).
double HessianRatio(const Planes& p, double x, double y, double sigma, double ring_l) {
  sigma = std::max(1.0, sigma);
  const int win = static_cast<int>(std::ceil(3 * sigma));
  const int cx = static_cast<int>(std::lround(x)), cy = static_cast<int>(std::lround(y));
  double hxx = 0, hyy = 0, hxy = 0;
  const double s2 = sigma * sigma, s4 = s2 * s2;
  for (int v = std::max(0, cy - win); v <= std::min(p.h - 1, cy + win); ++v)
    for (int u = std::max(0, cx - win); u <= std::min(p.w - 1, cx + win); ++u) {
      const double dx = u - x, dy = v - y;
      const double g = std::exp(-(dx * dx + dy * dy) / (2 * s2));
      const double val = p.l[static_cast<size_t>(v) * p.w + u] - ring_l;
      hxx += val * (dx * dx / s4 - 1 / s2) * g;
      hyy += val * (dy * dy / s4 - 1 / s2) * g;
      hxy += val * (dx * dy / s4) * g;
    }
  const double tr = hxx + hyy, det = hxx * hyy - hxy * hxy;
  const double disc = std::sqrt(std::max(0.0, tr * tr / 4 - det));
  const double l1 = std::abs(tr / 2 + disc), l2 = std::abs(tr / 2 - disc);
  const double big = std::max(l1, l2), small = std::min(l1, l2);
  if (tr <= 0) return 1e9;  // not a minimum of L*
  return small > 0 ? big / small : 1e9;
}

// A disc of radius r blurred by a Gaussian of sigma e keeps this fraction of its contrast at the centre.
double CentreFraction(double r, double e) { return 1 - std::exp(-r * r / (2 * e * e)); }

// The accepted blobs' cores (Blob::core, in_shade): the fitted core where there is one, else (without
// the model fit, not for dots) the centre corrected for the blur, else as seen.
void BlobCores(const AggregateInputs& in, const AggregateOptions& o, std::vector<Blob>* blobs,
               std::vector<color::Lab>* cores, std::vector<color::Lab>* observed) {
  const std::vector<CoreStats>& stats = in.cores->stats;
  const std::vector<int>& idx = in.cores->idx;
  const bool model_fit = in.follicles->model_fit;
  const std::vector<DiscFit>& fits = in.follicles->fits;
  const std::vector<uint8_t>& in_shade = in.follicles->in_shade;
  const std::vector<color::Xyz>& dot_core = in.dots->core;
  const std::vector<bool>& dot_ok = in.dots->ok;
  const double blur = in.blur;
  const bool dots = o.dots;
  for (size_t i = 0; i < stats.size(); ++i) {
    const CoreStats& cs = stats[i];
    Blob& b = (*blobs)[idx[i]];
    color::Xyz x = cs.obs;
    if (dot_ok[i]) x = dot_core[i];
    if (model_fit) {
      const DiscFit& f = fits[i];
      if (f.ok && f.dark) x = f.core_xyz;
    } else if (o.blur_correction && blur > 0 && !dots) {
      // Not for dots: an SMP dot (0.3-1 mm, 9-30 px at 30 px/mm) is far larger than the camera's
      // blur, and its soft edge is the skin's own lateral light spread, which belongs to how the dot
      // looks (the optics model's dot core); undoing it as blur over-darkened dot cores by ~8 L*.
      const double e = o.blur_gain * std::sqrt(blur * blur + cs.rho * cs.rho / 4);
      const double R = cs.r_half;
      if (R > 0) {
        const double kappa = std::min(4.0, 1.0 / std::max(1e-6, CentreFraction(R, e)));
        for (int k = 0; k < 3; ++k) x[k] = std::max(0.2 * cs.obs[k], cs.bg[k] - kappa * (cs.bg[k] - cs.obs[k]));
      }
    }
    b.core = XyzToLabD50(x);
    b.in_shade = model_fit ? in_shade[i] != 0 : true;
    cores->push_back(b.core);
    observed->push_back(b.core_observed);
  }
}

color::Lab AggregateLab(const std::vector<color::Lab>& v) {
  std::vector<double> l, a, bb;
  for (const auto& c : v) l.push_back(c[0]), a.push_back(c[1]), bb.push_back(c[2]);
  return color::Lab{Median(l), Median(a), Median(bb)};
}

// too_few_follicles (too_few_dots), blur, jpeg_compression.
void FlagCores(size_t n_cores, const AggregateInputs& in, const AggregateOptions& o, pb::Quality* q) {
  char buf[512];
  const bool dots = o.dots;
  const double blur = in.blur, dmin = in.dmin, dmax = in.dmax;
  const char* what = dots ? "dots" : "follicles";
  if (static_cast<int>(n_cores) < o.min_blobs) {
    if (n_cores == 0)
      std::snprintf(buf, sizeof buf,
                    "no %s found in the ROI (dark blobs %.2f-%.2f mm across, %.0f L* darker than the skin): no shade "
                    "can be reported; check the ROI, focus and --px-per-mm",
                    what, dmin, dmax, o.min_contrast_l);
    else
      std::snprintf(buf, sizeof buf, "only %zu %s found (fewer than %d): the shade rests on few samples", n_cores,
                    what, o.min_blobs);
    AddFlag(q, dots ? "too_few_dots" : "too_few_follicles", buf);
  }
  if (blur > o.blur_flag_px) {
    std::snprintf(buf, sizeof buf, "the photo looks blurred (sigma about %.1f px): small %s read too light", blur, what);
    AddFlag(q, "blur", buf);
  }
  if (!dots && in.jpeg_quality > 0 && in.jpeg_quality < o.min_jpeg_quality) {
    std::snprintf(buf, sizeof buf,
                  "the photo is a JPEG saved at about quality %d: it keeps too little colour detail for follicles, "
                  "whose colour reads towards the skin's (about 3 dE00 off at 90, 6 at 85); save at quality %d or "
                  "more, or as PNG or TIFF",
                  in.jpeg_quality, o.min_jpeg_quality);
    AddFlag(q, "jpeg_compression", buf);
  }
}

}  // namespace

CoreSet AcceptCores(const CoreInputs& in, const CoreOptions& o, std::vector<Blob>* blobs) {
  const Planes& P = *in.planes;
  const ScaleSpace& ss = in.detect->ss;
  const double ppm = in.px_per_mm, dmin = in.detect->dmin, dmax = in.detect->dmax;
  const double skin_l_rough = in.skin_l_rough;
  CoreSet r;
  std::vector<CoreStats>& stats = r.stats;
  std::vector<int>& idx = r.idx;
  int& n_elong = r.n_elong;
  int& n_glare = r.n_glare;
  for (const auto& c : in.detect->kept) {
    Blob b;
    b.x = c.x;
    b.y = c.y;
    b.radius_px = std::sqrt(2.0) * ss.levels[c.level].sigma;
    b.response = c.response;
    const CoreStats cs = MeasureCore(P, c.x, c.y, b.radius_px, o.min_contrast_l);
    b.contrast_l = cs.ring_l - cs.centre_l;
    if (cs.colour) b.core_observed = XyzToLabD50(cs.obs);
    const bool sized = cs.ok && 2 * cs.r_half / ppm >= dmin && 2 * cs.r_half / ppm <= dmax;
    b.hessian_ratio = cs.colour && sized ? HessianRatio(P, cs.x, cs.y, ss.levels[c.level].sigma * std::sqrt(2.0), cs.ring_l) : 0;
    if (!cs.colour || b.contrast_l < o.min_contrast_l) {
      b.rejected = "faint";
    } else if (2 * cs.r_half / ppm < dmin || 2 * cs.r_half / ppm > dmax) {
      b.rejected = "size";
    } else if (b.hessian_ratio > o.max_hessian_ratio) {
      b.rejected = "elongated";
      ++n_elong;
    } else {
      // Glare: highlights or clipped pixels within twice the radius.
      const int win = static_cast<int>(std::ceil(2 * b.radius_px + 1));
      bool glare = false;
      for (int v = std::max(0, int(c.y) - win); v <= std::min(P.h - 1, int(c.y) + win) && !glare; ++v)
        for (int u = std::max(0, int(c.x) - win); u <= std::min(P.w - 1, int(c.x) + win); ++u)
          if (P.l[static_cast<size_t>(v) * P.w + u] > skin_l_rough + o.glare_l_above_skin ||
              P.Clipped(u, v, o.glare_clip_level)) {
            glare = true;
            break;
          }
      if (glare) {
        b.rejected = "glare";
        ++n_glare;
      } else {
        b.accepted = true;
        stats.push_back(cs);
        idx.push_back(static_cast<int>(blobs->size()));
      }
    }
    b.x += P.x0;
    b.y += P.y0;
    blobs->push_back(b);
  }
  return r;
}

double BlurFromCores(const std::vector<CoreStats>& stats, double blur_px) {
  double blur = blur_px;
  if (blur < 0 && !stats.empty()) {
    std::vector<double> b2;
    for (const auto& cs : stats) b2.push_back(cs.m2 - cs.r_half * cs.r_half / 4);
    blur = std::sqrt(std::clamp(Median(b2), 0.09, 16.0));
  }
  return blur;
}

pb::BlobSet* AggregateCores(const AggregateInputs& in, const AggregateOptions& o, std::vector<Blob>* blobs,
                            pb::Measurement* m) {
  const bool model_fit = in.follicles->model_fit;
  const std::vector<uint8_t>& in_shade = in.follicles->in_shade;
  const bool dots = o.dots;
  std::vector<color::Lab> cores, observed;
  BlobCores(in, o, blobs, &cores, &observed);
  // With the model fit, the shade comes from the well-resolved blobs (centre fraction >= kShadeMinF0,
  // at least the best kShadeShare): for blobs not much larger than the blur only contrast x area is seen,
  // so their cores cannot be recovered reliably (all follicles share the hair colour).
  std::vector<color::Lab> shade = cores;
  if (model_fit && !cores.empty()) {
    shade.clear();
    for (size_t i = 0; i < cores.size(); ++i)
      if (in_shade[i]) shade.push_back(cores[i]);
  }
  pb::BlobSet* set = dots ? m->mutable_dots() : m->mutable_follicle();
  if (dots) set->set_blur_sigma_px(m->follicle().blur_sigma_px()), m->mutable_follicle()->Clear();
  set->set_count(static_cast<int>(cores.size()));
  set->set_rejected_elongated(in.cores->n_elong);
  set->set_rejected_glare(in.cores->n_glare);
  if (!cores.empty()) {
    const color::Lab agg = AggregateLab(shade);
    *set->mutable_lab() = ToPb(agg);
    std::vector<double> d;
    for (const auto& c : shade) d.push_back(color::DeltaE00(c, agg));
    set->set_spread_de00(Median(d));
    set->set_blur_correction_de00(color::DeltaE00(AggregateLab(observed), agg));
  }
  for (int i : in.cores->idx) {
    auto* p = set->add_centers_px();
    p->set_x((*blobs)[i].x);
    p->set_y((*blobs)[i].y);
  }
  FlagCores(cores.size(), in, o, m->mutable_quality());
  return set;
}

}  // namespace shadecast::measure::internal
