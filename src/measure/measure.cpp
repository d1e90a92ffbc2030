// Measurement of a scalp photo (measure.h): colour, scale, blobs, cores, skin, undertone, flags.
#include "measure/measure.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <opencv2/imgproc.hpp>
#include <cstdlib>
#include <memory>

#include "color/ciede2000.h"
#include "color/lab.h"
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

// ---- scale space ----------------------------------------------------------------------------------
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

// Maximum over the 3x3 neighbourhood of (cx, cy) in `d`, whose first row is image row `row0`;
// coordinates clamped to the level's full extent (cols x rows).
float Max3x3(const cv::Mat& d, int row0, int rows, int cx, int cy) {
  float m = -1e30f;
  for (int dy = -1; dy <= 1; ++dy)
    for (int dx = -1; dx <= 1; ++dx) {
      const int u = std::clamp(cx + dx, 0, d.cols - 1), v = std::clamp(cy + dy, 0, rows - 1);
      m = std::max(m, d.at<float>(v - row0, u));
    }
  return m;
}

// Value of level `lv` (with a plane) at full-resolution point (x, y): the maximum over its 3x3
// neighbourhood.
float MaxNear(const DogLevel& lv, double x, double y) {
  const double f = 1 << lv.octave;
  const int cx = static_cast<int>(std::lround((x + 0.5) / f - 0.5)), cy = static_cast<int>(std::lround((y + 0.5) / f - 0.5));
  return Max3x3(lv.d, 0, lv.d.rows, cx, cy);
}

struct Candidate {
  double x, y, response;
  int level;
};

// Local maxima of one DoG level above `threshold` over rows [y0, y1) of `d` (whose first row is
// image row `row0`, `rows` rows in the level); the sub-pixel peak in full-resolution pixels.
// `keep(fx, fy, v)` applies the scale test.
template <typename Keep>
void LevelMaxima(const cv::Mat& d, int row0, int rows, int octave, int j, int y0, int y1, float threshold, Keep keep,
                 std::vector<Candidate>* out) {
  const double f = 1 << octave;
  for (int y = std::max(1, y0); y < std::min(rows - 1, y1); ++y) {
    const float* r0 = d.ptr<float>(y - 1 - row0);
    const float* r1 = d.ptr<float>(y - row0);
    const float* r2 = d.ptr<float>(y + 1 - row0);
    for (int x = 1; x + 1 < d.cols; ++x) {
      // Most of a row is below the threshold: skip 16 at a time (a loop the compiler vectorises).
      if (x + 16 < d.cols) {
        float m = r1[x];
        for (int k = 1; k < 16; ++k) m = std::max(m, r1[x + k]);
        if (m < threshold) {
          x += 15;
          continue;
        }
      }
      const float v = r1[x];
      if (v < threshold) continue;
      if (!(v > r1[x - 1] && v >= r1[x + 1] && v > r0[x - 1] && v > r0[x] && v > r0[x + 1] && v >= r2[x - 1] &&
            v >= r2[x] && v >= r2[x + 1]))
        continue;
      // Sub-pixel peak by a parabola in x and y.
      // The second differences are negative at a maximum (a guard of max(1e-6, ...) here, until the
      // sixth session, turned every offset into +-0.5 px).
      const double dx = 0.5 * (r1[x - 1] - r1[x + 1]) / std::min(-1e-6f, r1[x - 1] - 2 * v + r1[x + 1]);
      const double dy = 0.5 * (r0[x] - r2[x]) / std::min(-1e-6f, r0[x] - 2 * v + r2[x]);
      const double fx = (x + std::clamp(dx, -0.5, 0.5) + 0.5) * f - 0.5;
      const double fy = (y + std::clamp(dy, -0.5, 0.5) + 0.5) * f - 0.5;
      if (keep(fx, fy, v)) out->push_back({fx, fy, v, j});
    }
  }
}

// The DoG response (G2 - G1) / 3 written over G1 (both continuous, the same size).
void DogInPlace(cv::Mat* g1, const cv::Mat& g2) {
  assert(g1->isContinuous() && g2.isContinuous() && g1->size() == g2.size());
  float* d = g1->ptr<float>();
  const float* q = g2.ptr<float>();
  const size_t n = g1->total();
  for (size_t i = 0; i < n; ++i) d[i] = (q[i] - d[i]) * (1.0f / 3.0f);
}

// Scale space and its maxima. Levels on coarser octaves get planes (small); the full-resolution
// octave is computed in strips of rows, so that no full-size plane is ever allocated (at 12 MP each
// was 48 MB of fresh memory, and faulting it in cost more than the filters): per strip the blurred
// rows (with a halo wider than the largest kernel, so the values are the whole image's), their
// DoG, the maxima on the strip's rows, the scale tests against the neighbouring levels, and the
// responses on the skin sample grid. Candidates come level by level, row by row.
ScaleSpace DetectBlobs(const cv::Mat& l, double sigma_first, int n_levels, float threshold, int st,
                       std::vector<Candidate>* cands) {
  ScaleSpace s;
  s.pyramid.push_back(l);
  s.st = st;
  s.gw = (l.cols + st - 1) / st;
  const int gh = (l.rows + st - 1) / st;
  auto sigma_of = [&](int j) { return sigma_first * std::pow(2.0, j); };
  auto blur_sigma = [&](int octave, int j) {
    // Downsampling by 2^o with area averaging already blurs by ~0.5 px at the new resolution.
    return std::sqrt(std::max(0.09, std::pow(sigma_of(j) / (1 << octave), 2) - (octave > 0 ? 0.25 : 0.0)));
  };
  for (int j = 0; j < n_levels; ++j) {
    DogLevel lv;
    lv.sigma = sigma_of(j);
    lv.octave = std::max(0, std::min(4, static_cast<int>(std::floor(std::log2(lv.sigma / 0.9)))));
    s.levels.push_back(lv);
  }
  s.probe.resize(n_levels);
  // Coarser octaves: planes. Level j is (G(j + 1) - G(j)) / 3, written over G(j); G(j + 1) is kept
  // for the next level on the same octave.
  cv::Mat next;
  int next_octave = -1;
  for (int j = 0; j < n_levels; ++j) {
    DogLevel& lv = s.levels[j];
    if (lv.octave == 0) continue;
    while (static_cast<int>(s.pyramid.size()) <= lv.octave) {
      const cv::Mat& last = s.pyramid.back();
      // The size cv::resize picks for a factor of 0.5.
      cv::Mat half = HugeMat(cvRound(last.rows * 0.5), cvRound(last.cols * 0.5), &s.memory);
      cv::resize(last, half, half.size(), 0, 0, cv::INTER_AREA);
      s.pyramid.push_back(half);
    }
    const cv::Mat& src = s.pyramid[lv.octave];
    auto blurred = [&](int k) {
      cv::Mat out = HugeMat(src.rows, src.cols, &s.memory);
      const double sig = blur_sigma(lv.octave, k);
      cv::GaussianBlur(src, out, cv::Size(), sig, sig, cv::BORDER_REFLECT);
      return out;
    };
    cv::Mat g1 = next_octave == lv.octave ? next : blurred(j);
    cv::Mat g2 = blurred(j + 1);
    DogInPlace(&g1, g2);
    lv.d = g1;
    next = g2;
    next_octave = lv.octave;
  }
  // Octave 0 in strips.
  int n0 = 0;  // levels 0 .. n0 - 1 are on octave 0
  while (n0 < n_levels && s.levels[n0].octave == 0) ++n0;
  std::vector<std::vector<Candidate>> per_level(n_levels);
  // Maxima of coarser levels whose finer neighbour is on octave 0: the test against it waits for
  // the strip holding it.
  std::vector<uint8_t> pending_ok;
  std::vector<Candidate> pending;
  for (int j = std::max(1, n0); j + 1 < n_levels; ++j) {
    const DogLevel& lv = s.levels[j];
    LevelMaxima(lv.d, 0, lv.d.rows, lv.octave, j, 0, lv.d.rows, threshold,
                [&](double fx, double fy, float v) {
                  if (j > n0 && v < MaxNear(s.levels[j - 1], fx, fy)) return false;
                  return !(v < MaxNear(s.levels[j + 1], fx, fy));
                },
                j == n0 ? &pending : &per_level[j]);
  }
  pending_ok.assign(pending.size(), 0);
  if (n0 > 0) {
    for (int j = 0; j < n0; ++j)
      if (s.levels[j].sigma >= 0.9) s.probe[j].assign(static_cast<size_t>(s.gw) * gh, 0.0f);
    // Halo: the largest kernel's radius (OpenCV: 4 sigma) and a row for the 3x3 tests.
    const int halo = static_cast<int>(std::ceil(4 * blur_sigma(0, n0))) + 4;
    constexpr int kStrip = 128;
    // The strip's buffers are allocated once, at the largest strip's size, and each strip uses their
    // first rows (fresh buffers per strip were fresh memory, and faulting it in cost ~0.01 s at 12 MP).
    const int max_rows = std::min(l.rows, kStrip + 2 * halo);
    std::vector<cv::Mat> g_buf(n0 + 1), g(n0 + 1);
    for (auto& m : g_buf) m = HugeMat(max_rows, l.cols, &s.memory);
    for (int y0 = 0; y0 < l.rows; y0 += kStrip) {
      const int y1 = std::min(l.rows, y0 + kStrip);
      const int a = std::max(0, y0 - halo), b = std::min(l.rows, y1 + halo);
      // Blur the halo'd rows in place in the photo's plane: OpenCV reads a sub-matrix's border from
      // the rows around it (and reflects at the photo's own edges), and the halo covers the kernel,
      // so the strip's rows are the whole image's.
      const cv::Mat rows = l.rowRange(a, b);
      for (int k = 0; k <= n0; ++k) {
        const double sig = blur_sigma(0, k);
        g[k] = g_buf[k].rowRange(0, b - a);  // the right size already: GaussianBlur writes in place
        cv::GaussianBlur(rows, g[k], cv::Size(), sig, sig, cv::BORDER_REFLECT);
      }
      // DoG of levels 0 .. n0 - 1, written over g[j], on the rows the maxima and the 3x3 tests read:
      // [y0 - 1, y1 + 1) for the maxima, and a row more each side for the scale tests (a peak at row
      // y rounds to y + 1, whose 3x3 neighbourhood reaches y + 2); the halo's other rows are never read.
      {
        const int da = std::max(a, y0 - 2) - a, db = std::min(b, y1 + 2) - a;
        for (int j = 0; j < n0; ++j) {
          cv::Mat d = g[j].rowRange(da, db);
          DogInPlace(&d, g[j + 1].rowRange(da, db));
        }
      }
      auto near = [&](int j, double fx, double fy) {  // MaxNear on level j, octave 0 or not
        if (s.levels[j].octave > 0) return MaxNear(s.levels[j], fx, fy);
        return Max3x3(g[j], a, l.rows, static_cast<int>(std::lround(fx)), static_cast<int>(std::lround(fy)));
      };
      for (int j = 1; j < n0 && j + 1 < n_levels; ++j)
        LevelMaxima(g[j], a, l.rows, 0, j, y0, y1, threshold,
                    [&](double fx, double fy, float v) { return !(v < near(j - 1, fx, fy) || v < near(j + 1, fx, fy)); },
                    &per_level[j]);
      for (size_t i = 0; i < pending.size(); ++i) {
        const int cy = static_cast<int>(std::lround(pending[i].y));
        if (cy >= y0 && cy < y1) pending_ok[i] = !(pending[i].response < near(n0 - 1, pending[i].x, pending[i].y));
      }
      for (int j = 0; j < n0; ++j) {
        if (s.probe[j].empty()) continue;
        for (int v = (y0 + st - 1) / st * st; v < y1; v += st) {
          const float* r = g[j].ptr<float>(v - a);
          float* out = s.probe[j].data() + static_cast<size_t>(v / st) * s.gw;
          for (int u = 0; u < l.cols; u += st) out[u / st] = r[u];
        }
      }
    }
  }
  for (size_t i = 0; i < pending.size(); ++i)
    if (pending_ok[i]) per_level[n0].push_back(pending[i]);
  for (auto& v : per_level) cands->insert(cands->end(), v.begin(), v.end());
  return s;
}


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
constexpr double kMinCentreFraction = 0.35;
// The follicle shade comes from the best-resolved blobs only: the best kShadeShare by centre
// fraction, and any with f0 >= kShadeMinF0. A small blob's recovered core swings with the blur
// estimate (1/f0 amplification), so fewer, better-resolved blobs give a steadier shade. Chosen on
// the tuning seeds (100 s + 53: 24 photos 2.73 -> 1.62 dE00 from quarter / 0.6); on the bench seeds
// (100 s + 7, held out) 2.68 -> 1.80.
constexpr double kShadeShare = 0.10;
constexpr double kShadeMinF0 = 0.8;
// The JPEG-aware refit (RefitEncoded) reads a window this much wider than the disc fit's: JPEG's
// chroma quantisation spreads a core's colour difference over its 16 x 16-pixel MCU, past the disc
// fit's window, where the window's edge pixels then lent it to the skin. Chosen among 0 / 2 / 4 / 6 /
// 8 px on the tuning seeds (2 per condition; median follicle dE00 at q95, at q92, with 1.0 px blur):
// 0: 1.21 / 2.18 / 2.45; 2: 0.75 / 1.83 / 1.80; 4: 1.01 / 1.63 / 1.49; 6: 1.13 / 1.56 / 1.37;
// 8: 1.07 / 1.56 / 1.38 (docs/benchmarks.md, "sixth session").
constexpr double kRefitWindowExtraPx = 4.0;

// ---- follicle cores by inverting the forward model ----------------------------------------------------
// A follicle is drawn (docs/synth.md) as a disc of hair colour over the skin whose coverage is flat in
// the core and falls to 0 with a smoothstep across +-17.5 % of the radius (at least +-0.5 px); the
// camera then blurs it with a Gaussian. Mixing is linear in light, so each XYZ channel of the photo
// around a blob is  skin(x, y) + (core - skin) * f(d; R, s)  with f the soft disc (1 in the core)
// convolved with the blur. Per blob, in the profile's linear device RGB, the skin is a plane and R is
// found by least squares on G; the blur s is shared by all blobs of the photo (chosen so that the
// recovered cores do not depend on the blob's size).
double SoftDisc(double rho, double r) {
  const double he = std::max(0.175 * r, 0.5);
  const double rin = std::max(0.0, r - he), rout = r + he;
  if (rho <= rin) return 1;
  if (rho >= rout) return 0;
  const double t = (rho - rin) / (rout - rin);
  return 1 - t * t * (3 - 2 * t);
}

// f(d; r, s) tabulated at d = i * step, by separable numeric convolution of the 2-D soft disc.
struct DiscTable {
  double step = 0.1;
  std::vector<double> f;
  double At(double d) const {
    const double t = d / step;
    const size_t i = static_cast<size_t>(t);
    if (i + 1 >= f.size()) return 0;
    const double w = t - i;
    return f[i] * (1 - w) + f[i + 1] * w;
  }
};

DiscTable MakeDiscTable(double r, double s, double dmax) {
  DiscTable t;
  t.step = 0.1;
  const int n = static_cast<int>(std::ceil(dmax / t.step)) + 2;
  t.f.assign(n, 0.0);
  const double rout = r + std::max(0.175 * r, 0.5);
  if (s < 0.05) {
    for (int i = 0; i < n; ++i) t.f[i] = SoftDisc(i * t.step, r);
    return t;
  }
  // Integration step: about rout / 60, and a whole fraction of the table's step so that the second
  // convolution reads its Gaussian from one table (offsets are whole multiples of h).
  const int sub = std::clamp(static_cast<int>(std::ceil(t.step / std::clamp(rout / 60, 0.02, 0.25))), 1, 5);
  const double h = t.step / sub;
  const int m = static_cast<int>(std::ceil(rout / h));
  // Q(u) = sum_v p(|(u, v)|) G(v) h over the disc's extent; symmetric in u and in v.
  std::vector<double> q(m + 1, 0.0), g(std::max(m, sub * (n - 1)) + m + 1);
  const double inv = 1 / (std::sqrt(2 * M_PI) * s);
  for (size_t j = 0; j < g.size(); ++j) g[j] = std::exp(-(j * h) * (j * h) / (2 * s * s));
  for (int i = 0; i <= m; ++i) {
    double acc = 0;
    for (int j = 0; j <= m; ++j) {
      const double p = SoftDisc(std::hypot(i * h, j * h), r);
      if (p <= 0) break;  // p falls with j
      acc += (j == 0 ? 1 : 2) * p * g[j];
    }
    q[i] = acc * h * inv;
  }
  for (int k = 0; k < n; ++k) {
    const int c = k * sub;  // d = c h
    double acc = q[0] * g[c];
    for (int i = 1; i <= m; ++i) acc += q[i] * (g[std::abs(c - i)] + g[c + i]);
    t.f[k] = acc * h * inv;
  }
  return t;
}

struct FitPixel {
  double dx, dy, d;
  color::Xyz v;
  size_t ti = 0;  // table position of d (tables share the step)
  double tw = 0;
};

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

// Golden-section search for the minimum of a unimodal `f` on [a, b]; the bracket's midpoint after
// `iterations` shrinks (each by 0.618, one evaluation).
template <typename F>
double GoldenSectionMin(F f, double a, double b, int iterations) {
  const double gr = (std::sqrt(5.0) - 1) / 2;
  double c1 = b - gr * (b - a), c2 = a + gr * (b - a);
  double f1 = f(c1), f2 = f(c2);
  for (int it = 0; it < iterations; ++it) {
    if (f1 < f2) {
      b = c2, c2 = c1, f2 = f1;
      c1 = b - gr * (b - a);
      f1 = f(c1);
    } else {
      a = c1, c1 = c2, f1 = f2;
      c2 = a + gr * (b - a);
      f2 = f(c2);
    }
  }
  return 0.5 * (a + b);
}

// Solves A x = b for a symmetric positive definite 4x4 A by Cholesky; false when A is not.
bool SolveSpd4(const double A[4][4], const double* const* rhs, int n_rhs, double (*x)[4]) {
  double L[4][4] = {};
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j <= i; ++j) {
      double v = A[i][j];
      for (int k = 0; k < j; ++k) v -= L[i][k] * L[j][k];
      if (i == j) {
        if (!(v > 1e-300)) return false;
        L[i][i] = std::sqrt(v);
      } else {
        L[i][j] = v / L[j][j];
      }
    }
  for (int r = 0; r < n_rhs; ++r) {
    double y[4];
    for (int i = 0; i < 4; ++i) {
      double v = rhs[r][i];
      for (int k = 0; k < i; ++k) v -= L[i][k] * y[k];
      y[i] = v / L[i][i];
    }
    for (int i = 3; i >= 0; --i) {
      double v = y[i];
      for (int k = i + 1; k < 4; ++k) v -= L[k][i] * x[r][k];
      x[r][i] = v / L[i][i];
    }
  }
  return true;
}

// Least squares of [1, dx, dy, f(d)] per channel for each radius of the grid; the best radius by Y
// (the search solves for Y alone, the best radius then for all three channels).
DiscFit FitDisc(const std::vector<FitPixel>& px, const std::vector<uint8_t>& use, const std::vector<DiscTable>& tables,
                const std::vector<double>& radii, int hint = -1) {
  DiscFit best;
  best.sse = 1e300;
  // The [1, dx, dy] block does not depend on the radius.
  double A3[3][3] = {}, b3[3][3] = {};  // b3[channel][row]
  double yy = 0;
  int n = 0;
  for (size_t i = 0; i < px.size(); ++i) {
    if (!use.empty() && !use[i]) continue;
    const double g[3] = {1, px[i].dx, px[i].dy};
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) A3[r][c] += g[r] * g[c];
      for (int k = 0; k < 3; ++k) b3[k][r] += g[r] * px[i].v[k];
    }
    yy += px[i].v[1] * px[i].v[1];
    ++n;
  }
  if (n < 12) return best;
  // Solves at table t for the channels [k0, k1]; returns the Y residual (or a negative value).
  auto solve = [&](size_t t, int k0, int k1, double (*th)[4]) {
    const std::vector<double>& tf = tables[t].f;
    double sf = 0, sfx = 0, sfy = 0, sff = 0, sfv[3] = {0, 0, 0};
    for (size_t i = 0; i < px.size(); ++i) {
      if (!use.empty() && !use[i]) continue;
      const FitPixel& q = px[i];
      const double f = q.ti + 1 < tf.size() ? tf[q.ti] + q.tw * (tf[q.ti + 1] - tf[q.ti]) : 0.0;
      sf += f;
      sfx += f * q.dx;
      sfy += f * q.dy;
      sff += f * f;
      for (int k = k0; k <= k1; ++k) sfv[k] += f * q.v[k];
    }
    const double A[4][4] = {{A3[0][0], A3[0][1], A3[0][2], sf},
                            {A3[1][0], A3[1][1], A3[1][2], sfx},
                            {A3[2][0], A3[2][1], A3[2][2], sfy},
                            {sf, sfx, sfy, sff}};
    double b[3][4];
    const double* rhs[3];
    for (int k = k0; k <= k1; ++k) {
      b[k][0] = b3[k][0], b[k][1] = b3[k][1], b[k][2] = b3[k][2], b[k][3] = sfv[k];
      rhs[k - k0] = b[k];
    }
    if (!SolveSpd4(A, rhs, k1 - k0 + 1, th + k0)) return -1.0;
    double dot = 0;
    for (int i = 0; i < 4; ++i) dot += th[1][i] * b[1][i];
    return yy - dot;
  };
  size_t best_t = tables.size();
  auto try_table = [&](size_t t) {
    double th[3][4];
    const double sse = solve(t, 1, 1, th);
    if (sse >= 0 && sse < best.sse) best.sse = sse, best_t = t;
  };
  // Coarse to fine over the radius grid (5 % steps): every third radius, then the neighbours of the
  // best (the residual is smooth and single-valleyed in the radius at this spacing). With a hint
  // (the blob's radius at a nearby blur), downhill from it instead.
  constexpr size_t kStride = 3;
  if (hint >= 0 && hint < static_cast<int>(tables.size())) {
    size_t c = static_cast<size_t>(hint);
    try_table(c);
    for (int dir : {-1, 1}) {
      for (size_t t = c;;) {
        if ((dir < 0 && t == 0) || (dir > 0 && t + 1 >= tables.size())) break;
        t = dir < 0 ? t - 1 : t + 1;
        const size_t before = best_t;
        try_table(t);
        if (best_t == before) break;
      }
      c = best_t < tables.size() ? best_t : c;
    }
  } else {
    for (size_t t = 0; t < tables.size(); t += kStride) try_table(t);
  }
  if (hint < 0 && best_t < tables.size()) {
    const size_t c = best_t;
    for (size_t t = c >= kStride - 1 ? c - (kStride - 1) : 0; t <= std::min(tables.size() - 1, c + kStride - 1); ++t)
      if (t % kStride != 0) try_table(t);
  }
  if (best_t == tables.size()) return best;
  double th[3][4];
  if (solve(best_t, 0, 2, th) < 0) return best;
  best.ok = true;
  best.r = radii[best_t];
  best.ti = best_t;
  best.f0 = tables[best_t].f[0];
  best.n = n;
  for (int k = 0; k < 3; ++k) best.skin[k] = th[k][0], best.amp[k] = th[k][3];
  best.sx = th[1][1];
  best.sy = th[1][2];
  for (int k = 0; k < 3; ++k) best.px_[k] = th[k][1], best.py_[k] = th[k][2];
  return best;
}

// Device encoding (the inverse of the profile's per-channel linearisation and exposure), tabulated.
struct Encoder {
  static constexpr int kN = 8192;
  double lo[3], step[3];
  std::vector<double> dev[3];  // device value at normalised lo + i * step
  explicit Encoder(const calib::ProfileTransform& pt) {
    constexpr int kS = 4096;
    std::vector<double> n[3];
    for (auto& v : n) v.resize(kS);
    for (int i = 0; i < kS; ++i) {
      const double v = static_cast<double>(i) / (kS - 1);
      const calib::Rgb q = pt.Normalised({v, v, v});
      for (int c = 0; c < 3; ++c) n[c][i] = q[c];
    }
    for (int c = 0; c < 3; ++c) {
      lo[c] = n[c].front();
      step[c] = std::max(1e-12, (n[c].back() - n[c].front()) / (kN - 1));
      dev[c].resize(kN);
      size_t j = 1;
      for (int i = 0; i < kN; ++i) {
        const double x = lo[c] + i * step[c];
        while (j + 1 < n[c].size() && n[c][j] < x) ++j;
        const double w = std::clamp((x - n[c][j - 1]) / std::max(1e-12, n[c][j] - n[c][j - 1]), 0.0, 1.0);
        dev[c][i] = (j - 1 + w) / (kS - 1);
      }
    }
  }
  double Device(int c, double x) const {
    const double u = (x - lo[c]) / step[c];
    if (u <= 0) return 0;
    if (u >= kN - 1) return 1;
    const int i = static_cast<int>(u);
    return dev[c][i] + (u - i) * (dev[c][i + 1] - dev[c][i]);
  }
};

// JPEG's luma Y' (ITU-R BT.601 weights) of encoded R'G'B'.
inline double JpegLuma(double r, double g, double b) { return 0.299 * r + 0.587 * g + 0.114 * b; }

// JPEG stores lightness (Y') per pixel but colour differences (Cb, Cr) of the gamma-encoded values
// averaged over 2 x 2 pixels, so a small dark core takes the colour difference of its lighter
// surround: mixing is then not linear in light for the colour. The core's colour is refitted so that
// the model (skin plane + amp f(d) in linear light, encoded) matches the observed Y' per pixel and the
// observed sums of Cb and Cr over the window (which the subsampling keeps), radius and blur fixed.
void RefitEncoded(const std::vector<FitPixel>& px, const std::vector<calib::Rgb>& dev, const DiscTable& t,
                  const Encoder& enc, DiscFit* f) {
  if (!f->ok || px.size() < 12) return;
  const size_t n = px.size();
  double cb_o = 0, cr_o = 0;
  std::vector<double> yo(n), cbo(n), cro(n), fi(n);
  std::vector<uint8_t> far(n);
  for (size_t i = 0; i < n; ++i) {
    const auto& d = dev[i];
    yo[i] = JpegLuma(d[0], d[1], d[2]);
    cbo[i] = -0.168736 * d[0] - 0.331264 * d[1] + 0.5 * d[2];
    cro[i] = 0.5 * d[0] - 0.418688 * d[1] - 0.081312 * d[2];
    cb_o += cbo[i];
    cr_o += cro[i];
    fi[i] = t.At(px[i].d);
    far[i] = fi[i] < 0.01;  // beyond the reach of the blob and of the chroma's 2 x 2 subsampling
  }
  const double wc = 3.0 / std::sqrt(static_cast<double>(n));
  // Parameters: skin offset (3) and amplitude (3); the skin plane's slopes stay as fitted.
  auto residuals = [&](const cv::Vec6d& p, std::vector<double>* r) {
    r->assign(3 * n + 2, 0.0);
    double cb = 0, cr = 0;
    for (size_t i = 0; i < n; ++i) {
      double e[3];
      for (int c = 0; c < 3; ++c)
        e[c] = enc.Device(c, p[c] + f->px_[c] * px[i].dx + f->py_[c] * px[i].dy + p[3 + c] * fi[i]);
      const double cbm = -0.168736 * e[0] - 0.331264 * e[1] + 0.5 * e[2];
      const double crm = 0.5 * e[0] - 0.418688 * e[1] - 0.081312 * e[2];
      (*r)[i] = JpegLuma(e[0], e[1], e[2]) - yo[i];
      if (far[i]) {
        (*r)[n + i] = cbm - cbo[i];
        (*r)[2 * n + i] = crm - cro[i];
      }
      cb += cbm;
      cr += crm;
    }
    (*r)[3 * n] = wc * (cb - cb_o);
    (*r)[3 * n + 1] = wc * (cr - cr_o);
  };
  cv::Vec6d a(f->skin[0], f->skin[1], f->skin[2], f->amp[0], f->amp[1], f->amp[2]);
  std::vector<double> r0, r1;
  residuals(a, &r0);
  const size_t m = r0.size();
  for (int it = 0; it < 3; ++it) {
    cv::Matx66d JtJ = cv::Matx66d::zeros();
    cv::Vec6d Jtr = cv::Vec6d::all(0);
    std::vector<std::vector<double>> J(6);
    for (int c = 0; c < 6; ++c) {
      cv::Vec6d b = a;
      const double h = 1e-4 * std::max(1e-3, std::abs(f->skin[c % 3]));
      b[c] += h;
      residuals(b, &r1);
      J[c].resize(m);
      for (size_t i = 0; i < m; ++i) J[c][i] = (r1[i] - r0[i]) / h;
    }
    for (size_t i = 0; i < m; ++i)
      for (int p = 0; p < 6; ++p) {
        if (J[p][i] == 0) continue;
        Jtr[p] += J[p][i] * r0[i];
        for (int q = 0; q < 6; ++q) JtJ(p, q) += J[p][i] * J[q][i];
      }
    for (int p = 0; p < 6; ++p) JtJ(p, p) *= 1.0001;
    cv::Vec6d delta;
    if (!cv::solve(JtJ, -Jtr, delta, cv::DECOMP_SVD)) break;
    a += delta;
    residuals(a, &r0);
    if (cv::norm(delta) < 1e-6) break;
  }
  for (int c = 0; c < 3; ++c) f->skin[c] = a[c], f->amp[c] = a[3 + c];
}

// The pixels within `w` of (x, y), linearised, into `out` (cleared; its capacity is reused).
// `luma`: the second channel holds the pixel's luma Y' linearised through G's curve instead of G
// (for the blur search; see there).
void WindowPixels(const ImageF& rgb, const Roi& roi, const Planes& p, double x, double y, double w,
                  std::vector<FitPixel>* out, bool luma = false) {
  out->clear();
  const int x0 = std::max(0, static_cast<int>(std::floor(x - w))), x1 = std::min(p.w - 1, static_cast<int>(std::ceil(x + w)));
  const int y0 = std::max(0, static_cast<int>(std::floor(y - w))), y1 = std::min(p.h - 1, static_cast<int>(std::ceil(y + w)));
  for (int v = y0; v <= y1; ++v)
    for (int u = x0; u <= x1; ++u) {
      const double d = std::hypot(u - x, v - y);
      if (d > w) continue;
      const float* q = rgb.data.data() + (static_cast<size_t>(roi.y + v) * rgb.width + roi.x + u) * 3;
      calib::Rgb n = p.conv->Normalised(q);
      if (luma) {
        const float y = static_cast<float>(JpegLuma(q[0], q[1], q[2]));
        const float grey[3] = {y, y, y};
        n[1] = p.conv->Normalised(grey)[1];
      }
      const double t = d / 0.1;
      out->push_back({u - x, v - y, d, {n[0], n[1], n[2]}, static_cast<size_t>(t), t - std::floor(t)});
    }
}

// Fit with one pass of outlier trimming (hair shafts and neighbours in the window): pixels whose Y
// residual exceeds 3 robust sigma are dropped and the fit repeated.
// `first`: the plain fit of the same pixels, when already made.
DiscFit FitDiscRobust(const std::vector<FitPixel>& px, const std::vector<DiscTable>& tables,
                      const std::vector<double>& radii, const DiscFit* first = nullptr) {
  DiscFit f = first ? *first : FitDisc(px, {}, tables, radii);
  if (!f.ok) return f;
  // Residuals at the chosen radius.
  const size_t ti = f.ti;
  std::vector<double> res(px.size());
  for (size_t i = 0; i < px.size(); ++i)
    res[i] = px[i].v[1] - (f.skin[1] + f.sx * px[i].dx + f.sy * px[i].dy + f.amp[1] * tables[ti].At(px[i].d));
  std::vector<double> a(res.size());
  for (size_t i = 0; i < res.size(); ++i) a[i] = std::abs(res[i]);
  const double sig = 1.4826 * Median(a) + 1e-6;
  std::vector<uint8_t> use(px.size(), 1);
  int dropped = 0;
  for (size_t i = 0; i < px.size(); ++i)
    if (std::abs(res[i]) > 3 * sig) use[i] = 0, ++dropped;
  if (dropped == 0) return f;
  const DiscFit g = FitDisc(px, use, tables, radii, static_cast<int>(ti));
  return g.ok ? g : f;
}

// The blobs whose cores make the shade: the best kShadeShare by centre fraction (at least 10), and
// any with f0 >= kShadeMinF0.
std::vector<uint8_t> ShadeSet(const std::vector<DiscFit>& fits) {
  std::vector<std::pair<double, size_t>> byf;
  for (size_t i = 0; i < fits.size(); ++i) byf.push_back({fits[i].ok ? fits[i].f0 : 0.0, i});
  std::sort(byf.begin(), byf.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  const size_t keep_min = std::min(byf.size(), std::max<size_t>(10, static_cast<size_t>(kShadeShare * byf.size())));
  std::vector<uint8_t> in(fits.size(), 0);
  for (size_t j = 0; j < byf.size(); ++j)
    if (j < keep_min || byf[j].first >= kShadeMinF0) in[byf[j].second] = 1;
  return in;
}

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
  const bool dots = o.target == Target::kDots;
  const double dmin = o.min_diameter_mm > 0 ? o.min_diameter_mm : (dots ? 0.3 : 0.05);
  const double dmax = o.max_diameter_mm > 0 ? o.max_diameter_mm : (dots ? 1.5 : 0.3);
  // Blob sigma ~ r / sqrt(2), widened by the optics; levels from below the smallest to above the largest.
  const double sig_lo = std::max(0.5, 0.5 * dmin * ppm / std::sqrt(2.0));
  const double sig_hi = std::max(sig_lo * 2, 0.5 * dmax * ppm / std::sqrt(2.0) + 1.0);
  const double sigma_first = sig_lo / 2;
  const int n_levels = 2 + static_cast<int>(std::ceil(std::log2(sig_hi / sig_lo))) + 1;
  cv::Mat lmat(P.h, P.w, CV_32F, P.l);
  // The skin's sample grid (every st-th pixel), on which detection leaves its responses.
  const int st = std::max(1, static_cast<int>(std::ceil(std::sqrt(n_roi / o.max_skin_samples))));
  std::vector<Candidate> cands;
  const ScaleSpace ss = DetectBlobs(lmat, sigma_first, n_levels,
                                    static_cast<float>(o.detect_response_fraction * o.min_contrast_l), st, &cands);
  std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) { return a.response > b.response; });
  // Non-maximum suppression across scales: one blob per place.
  std::vector<Candidate> kept;
  {
    const double cell = std::max(4.0, sig_hi * 2);
    std::map<std::pair<int, int>, std::vector<int>> grid;
    for (const auto& c : cands) {
      if (card.Contains(c.x, c.y)) continue;
      const double rc = std::sqrt(2.0) * ss.levels[c.level].sigma;
      const int gx = static_cast<int>(c.x / cell), gy = static_cast<int>(c.y / cell);
      bool clash = false;
      for (int dy = -1; dy <= 1 && !clash; ++dy)
        for (int dx = -1; dx <= 1 && !clash; ++dx) {
          auto it = grid.find({gx + dx, gy + dy});
          if (it == grid.end()) continue;
          for (int k : it->second) {
            const double rk = std::sqrt(2.0) * ss.levels[kept[k].level].sigma;
            if (std::hypot(kept[k].x - c.x, kept[k].y - c.y) < std::max(rc, rk)) {
              clash = true;
              break;
            }
          }
        }
      if (clash) continue;
      grid[{gx, gy}].push_back(static_cast<int>(kept.size()));
      kept.push_back(c);
    }
  }
  res.times.detect_s = Since(t0);

  // ---- cores ---------------------------------------------------------------------------------------
  t0 = Clock::now();
  std::vector<CoreStats> stats;
  std::vector<int> idx;  // blob index of each accepted core
  int n_elong = 0, n_glare = 0;
  for (const auto& c : kept) {
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
          if (P.l[static_cast<size_t>(v) * P.w + u] > skin_l_rough + o.glare_l_above_skin || device_clipped(u, v)) {
            glare = true;
            break;
          }
      if (glare) {
        b.rejected = "glare";
        ++n_glare;
      } else {
        b.accepted = true;
        stats.push_back(cs);
        idx.push_back(static_cast<int>(res.blobs.size()));
      }
    }
    b.x += roi.x;
    b.y += roi.y;
    res.blobs.push_back(b);
  }

  res.times.candidates_s = Since(t0);
  // Blur: the blob's second moment is that of the disc (R^2 / 4 per axis, R ~ the half-contrast
  // radius) plus the blur's sigma^2; the median over blobs.
  double blur = o.blur_px;
  if (blur < 0 && !stats.empty()) {
    std::vector<double> b2;
    for (const auto& cs : stats) b2.push_back(cs.m2 - cs.r_half * cs.r_half / 4);
    blur = std::sqrt(std::clamp(Median(b2), 0.09, 16.0));
  }
  m.mutable_follicle()->set_blur_sigma_px(blur < 0 ? 0 : blur);

  // Follicles: the forward model (a soft disc blurred by a Gaussian) inverted per blob in XYZ.
  std::vector<DiscFit> fits;
  std::vector<uint8_t> in_shade;  // per accepted blob: its core is part of the shade (ShadeSet)
  const bool model_fit = o.blur_correction && !dots && !stats.empty();
  if (model_fit) {
    const double s0 = std::clamp(blur, 0.5, 2.5);
    const calib::ProfileTransform pt(*profile);
    // Windows are built where they are used (only the search's subset is kept): at 12 MP all of
    // them at once were ~30 MB of fresh memory.
    auto window_radius = [&](size_t i) { return 1.5 * stats[i].r_half + 2 + 2.5 * s0; };
    auto window = [&](size_t i, std::vector<FitPixel>* out, bool luma = false) {
      WindowPixels(rgb, roi, P, stats[i].x, stats[i].y, window_radius(i), out, luma);
    };
    double wmax = 0;
    for (size_t i = 0; i < stats.size(); ++i) wmax = std::max(wmax, window_radius(i));
    std::vector<double> radii;
    for (double r = 0.4; r <= 0.5 * dmax * ppm * 1.2 + 1; r *= 1.05) radii.push_back(r);
    auto tables_for = [&](double s) {
      std::vector<DiscTable> t;
      for (double r : radii) t.push_back(MakeDiscTable(r, s, wmax + 1));
      return t;
    };
    double s_fit = o.blur_px;
    if (s_fit < 0) {
      // The blur shared by all blobs: golden-section search for the blur that makes the recovered
      // cores agree (least spread of core / skin). For encoded photos the search reads luma, Y'
      // linearised (WindowPixels' `luma`), not G: JPEG keeps Y' per pixel but smears Cb and Cr over
      // 2 x 2 pixels and more, and G from the decoded RGB mixes the skin's colour difference into a
      // small dark core, which made blobs look sharper than they are: on dark skin the search read
      // 1.33-1.46 px for a 1.5 px blur (bench seeds; light skin 1.49-1.54), with luma 1.46-1.53
      // everywhere. Follicle median 1.81 -> 1.67 dE00 on the bench seeds, 1.56 -> 1.58 on the
      // tuning seeds. The fits that give the cores read G as before.
      // About 300 blobs: every blob up to 450 (the bench's photos: ~300), else every (n / 300)th,
      // rounded. The estimate needs them: on the tuning seeds 150 blobs instead of ~300 read 1.62 ->
      // 1.77 dE00.
      const size_t stride = std::max<size_t>(1, static_cast<size_t>(std::lround(stats.size() / 300.0)));
      std::vector<std::vector<FitPixel>> win;
      for (size_t i = 0; i < stats.size(); i += stride) {
        win.emplace_back();
        window(i, &win.back(), !src.linear_input);
      }
      std::vector<int> hints(win.size(), -1);  // each blob's radius at the last blur tried
      auto cost = [&](double s) {
        const auto t = tables_for(s);
        // Consistency: all follicles share the hair colour, so the recovered core Y should not depend
        // on the blob's size; the spread (MAD) of the recovered core Y over the subset.
        std::vector<double> ys;
        for (size_t b = 0; b < win.size(); ++b) {
          const DiscFit f = FitDisc(win[b], {}, t, radii, hints[b]);
          if (f.ok) hints[b] = static_cast<int>(f.ti);
          if (!f.ok || f.amp[1] >= 0) continue;
          const double k = std::min(1.0, f.f0 / kMinCentreFraction);
          ys.push_back((f.skin[1] + k * f.amp[1]) / f.skin[1]);
        }
        const double med = Median(ys);
        for (double& y : ys) y = std::abs(y - med);
        return Median(ys);
      };
      const auto t_search = Clock::now();
      // 10 iterations: 0.02 px. With 8 (0.06 px) the bench seeds read 1.81 -> 2.26 dE00.
      s_fit = GoldenSectionMin(cost, 0.3, 3.0, 10);
      res.times.blur_search_s = Since(t_search);
    }
    blur = s_fit;
    m.mutable_follicle()->set_blur_sigma_px(blur);
    const auto t = tables_for(s_fit);
    const Encoder enc(pt);
    const bool encoded_fit = !src.linear_input;
    // Every blob is fitted once (its centre fraction ranks it); those that make the shade are fitted
    // again with outliers trimmed (FitDiscRobust). Trimming them all cost 2x the fits at 12 MP for no
    // gain: tuning seeds 1.62 -> 1.56, bench seeds 1.80 -> 1.81 dE00.
    std::vector<FitPixel> buf;
    for (size_t i = 0; i < stats.size(); ++i) {
      window(i, &buf);
      // Downhill from the radius nearest the half-contrast radius.
      const int hint = static_cast<int>(std::lower_bound(radii.begin(), radii.end(), stats[i].r_half) - radii.begin());
      fits.push_back(FitDisc(buf, {}, t, radii, std::min(hint, static_cast<int>(radii.size()) - 1)));
    }
    const std::vector<uint8_t> first = ShadeSet(fits);
    for (size_t i = 0; i < stats.size(); ++i)
      if (first[i]) {
        window(i, &buf);
        fits[i] = FitDiscRobust(buf, t, radii, &fits[i]);
      }
    // The shade comes from the well-resolved blobs (below); only they get the JPEG-aware refit.
    in_shade = ShadeSet(fits);
    for (size_t i = 0; i < stats.size(); ++i) {
      DiscFit& f = fits[i];
      if (!f.ok) continue;
      if (encoded_fit && in_shade[i]) {
        WindowPixels(rgb, roi, P, stats[i].x, stats[i].y, window_radius(i) + kRefitWindowExtraPx, &buf);
        std::vector<calib::Rgb> dev;
        dev.reserve(buf.size());
        for (const auto& q : buf) {
          const int u = static_cast<int>(std::lround(stats[i].x + q.dx)), v = static_cast<int>(std::lround(stats[i].y + q.dy));
          const float* c = rgb.data.data() + (static_cast<size_t>(roi.y + v) * rgb.width + roi.x + u) * 3;
          dev.push_back({c[0], c[1], c[2]});
        }
        RefitEncoded(buf, dev, t[f.ti], enc, &f);
      }
      // Core and skin in XYZ through the profile.
      const double k = std::min(1.0, f.f0 / kMinCentreFraction);
      calib::Rgb core;
      for (int c = 0; c < 3; ++c) core[c] = std::max(0.02 * f.skin[c], f.skin[c] + k * f.amp[c]);
      f.core_xyz = pt.NormalisedToXyz(core);
      f.dark = f.amp[1] < 0;
    }
  }

  // Dots: the forward model (a disc whose edge is the skin's lateral light spread, then the camera's
  // blur) fitted per dot with one total spread sigma_t shared by all dots (one depth, one camera),
  // the camera's part sigma_cam measured on the chart's patch edges; the core reported is the disc's
  // centre under the lateral spread alone, sigma_lat^2 = sigma_t^2 - sigma_cam^2 (the optics model's
  // dot core: how the dot looks, without the camera). Without a chart in the frame (no sigma_cam) the
  // cores stay as seen.
  std::vector<color::Xyz> dot_core(stats.size());
  std::vector<bool> dot_ok(stats.size(), false);
  if (dots && o.blur_correction && o.dot_disc_fit && chart.found && stats.size() >= 3) {
    const calib::ProfileTransform pt(*profile);
    const double cam = calib::EstimateBlurFromChart(rgb, *src.chart, chart.corners, pt);
    if (std::isfinite(cam)) {
      blur = cam;
      std::vector<std::vector<FitPixel>> win(stats.size());
      double wmax = 0, rmax = 0;
      for (size_t i = 0; i < stats.size(); ++i) {
        const double w = 1.6 * stats[i].r_half + 12;
        wmax = std::max(wmax, w);
        rmax = std::max(rmax, stats[i].r_half);
        // Window pixels are relative to the ROI (stats are).
        WindowPixels(rgb, roi, P, stats[i].x, stats[i].y, w, &win[i]);
      }
      std::vector<double> radii;
      for (double r = 2.0; r <= 1.6 * rmax + 2; r *= 1.04) radii.push_back(r);
      auto tables_for = [&](double sig) {
        std::vector<DiscTable> t;
        for (double r : radii) t.push_back(MakeDiscTable(r, sig, wmax + 1));
        return t;
      };
      auto total_sse = [&](double sig) {
        const auto t = tables_for(sig);
        double sum = 0;
        for (const auto& w : win) {
          const DiscFit f = FitDisc(w, {}, t, radii);
          if (f.ok) sum += f.sse;
        }
        return sum;
      };
      const double lo = std::max(0.3, 0.8 * cam), hi = std::max(lo + 1.0, 0.5 * rmax + 3 * cam);
      const double sig_t = GoldenSectionMin(total_sse, lo, hi, 14);
      const double sig_lat = std::sqrt(std::max(0.0, sig_t * sig_t - cam * cam));
      const auto t = tables_for(sig_t);
      for (size_t i = 0; i < stats.size(); ++i) {
        const DiscFit f = FitDiscRobust(win[i], t, radii);
        if (!f.ok || f.amp[1] >= 0) continue;
        const double f0 = MakeDiscTable(f.r, sig_lat, 1.0).f[0];
        calib::Rgb core;
        for (int c = 0; c < 3; ++c) core[c] = std::max(0.02 * f.skin[c], f.skin[c] + f0 * f.amp[c]);
        dot_core[i] = pt.NormalisedToXyz(core);
        dot_ok[i] = true;
      }
      m.mutable_follicle()->set_blur_sigma_px(blur);
    }
  }

  std::vector<color::Lab> cores, observed;
  for (size_t i = 0; i < stats.size(); ++i) {
    const CoreStats& cs = stats[i];
    Blob& b = res.blobs[idx[i]];
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
    cores.push_back(b.core);
    observed.push_back(b.core_observed);
  }
  auto aggregate = [](const std::vector<color::Lab>& v) {
    std::vector<double> l, a, bb;
    for (const auto& c : v) l.push_back(c[0]), a.push_back(c[1]), bb.push_back(c[2]);
    return color::Lab{Median(l), Median(a), Median(bb)};
  };
  // With the model fit, the shade comes from the well-resolved blobs (centre fraction >= kShadeMinF0,
  // at least the best kShadeShare): for blobs not much larger than the blur only contrast x area is seen,
  // so their cores cannot be recovered reliably (all follicles share the hair colour).
  std::vector<color::Lab> shade = cores;
  if (model_fit && !cores.empty()) {
    shade.clear();
    for (size_t i = 0; i < cores.size(); ++i)
      if (in_shade[i]) shade.push_back(cores[i]);
  }
  pb::BlobSet* set = dots ? m.mutable_dots() : m.mutable_follicle();
  if (dots) set->set_blur_sigma_px(m.follicle().blur_sigma_px()), m.mutable_follicle()->Clear();
  set->set_count(static_cast<int>(cores.size()));
  set->set_rejected_elongated(n_elong);
  set->set_rejected_glare(n_glare);
  if (!cores.empty()) {
    const color::Lab agg = aggregate(shade);
    *set->mutable_lab() = ToPb(agg);
    std::vector<double> d;
    for (const auto& c : shade) d.push_back(color::DeltaE00(c, agg));
    set->set_spread_de00(Median(d));
    set->set_blur_correction_de00(color::DeltaE00(aggregate(observed), agg));
  }
  for (int i : idx) {
    auto* p = set->add_centers_px();
    p->set_x(res.blobs[i].x);
    p->set_y(res.blobs[i].y);
  }
  const char* what = dots ? "dots" : "follicles";
  if (static_cast<int>(cores.size()) < o.min_blobs) {
    if (cores.empty())
      std::snprintf(buf, sizeof buf,
                    "no %s found in the ROI (dark blobs %.2f-%.2f mm across, %.0f L* darker than the skin): no shade "
                    "can be reported; check the ROI, focus and --px-per-mm",
                    what, dmin, dmax, o.min_contrast_l);
    else
      std::snprintf(buf, sizeof buf, "only %zu %s found (fewer than %d): the shade rests on few samples", cores.size(),
                    what, o.min_blobs);
    flag(dots ? "too_few_dots" : "too_few_follicles", buf);
  }
  if (blur > o.blur_flag_px) {
    std::snprintf(buf, sizeof buf, "the photo looks blurred (sigma about %.1f px): small %s read too light", blur, what);
    flag("blur", buf);
  }
  if (!dots && src.jpeg_quality > 0 && src.jpeg_quality < o.min_jpeg_quality) {
    std::snprintf(buf, sizeof buf,
                  "the photo is a JPEG saved at about quality %d: it keeps too little colour detail for follicles, "
                  "whose colour reads towards the skin's (about 3 dE00 off at 90, 6 at 85); save at quality %d or "
                  "more, or as PNG or TIFF",
                  src.jpeg_quality, o.min_jpeg_quality);
    flag("jpeg_compression", buf);
  }
  res.times.cores_s = Since(t0);

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

