// Blob detection (steps.h): multi-scale DoG on L*, local maxima with scale tests, and the
// non-maximum suppression across scales.
#include <cassert>
#include <cmath>
#include <map>
#include <opencv2/imgproc.hpp>

#include "measure/steps.h"

namespace shadecast::measure::internal {

BlobDetectOptions BlobDetectOptions::From(const MeasureOptions& o) {
  BlobDetectOptions d;
  d.dots = o.target == Target::kDots;
  d.min_diameter_mm = o.min_diameter_mm;
  d.max_diameter_mm = o.max_diameter_mm;
  d.min_contrast_l = o.min_contrast_l;
  d.detect_response_fraction = o.detect_response_fraction;
  d.max_skin_samples = o.max_skin_samples;
  return d;
}

namespace {

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

// Non-maximum suppression across scales: one blob per place (off the card), strongest first.
std::vector<Candidate> SuppressNonMaxima(const std::vector<Candidate>& cands, const Quad& card, const ScaleSpace& ss,
                                         double sig_hi) {
  std::vector<Candidate> kept;
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
  return kept;
}

}  // namespace

DetectResult DetectStep(const Planes& P, const Quad& card, double ppm, const BlobDetectOptions& o) {
  const double n_roi = static_cast<double>(P.w) * P.h;
  const bool dots = o.dots;
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
  DetectResult r;
  r.dmin = dmin;
  r.dmax = dmax;
  r.st = st;
  r.ss = DetectBlobs(lmat, sigma_first, n_levels, static_cast<float>(o.detect_response_fraction * o.min_contrast_l), st,
                     &r.cands);
  std::sort(r.cands.begin(), r.cands.end(),
            [](const Candidate& a, const Candidate& b) { return a.response > b.response; });
  r.kept = SuppressNonMaxima(r.cands, card, r.ss, sig_hi);
  return r;
}

}  // namespace shadecast::measure::internal
