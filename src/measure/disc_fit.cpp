// Disc fits (steps.h): the follicles' cores by inverting the forward model (a soft disc blurred by a
// Gaussian, the blur shared by all blobs), and the dots' disc with the chart's camera blur.
#include <cmath>
#include <opencv2/core.hpp>

#include "measure/steps.h"

namespace shadecast::measure::internal {

FitOptions FitOptions::From(const MeasureOptions& o) {
  FitOptions f;
  f.dots = o.target == Target::kDots;
  f.blur_correction = o.blur_correction;
  f.dot_disc_fit = o.dot_disc_fit;
  f.blur_px = o.blur_px;
  return f;
}

namespace {

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

// The follicle fits' windows and radius grid. Windows are built where they are used (only the blur
// search's subset is kept): at 12 MP all of them at once were ~30 MB of fresh memory.
struct FollicleGrid {
  const FitInputs& in;
  double s0;        // the blobs' blur estimate, clamped
  double wmax = 0;  // the largest window radius
  std::vector<double> radii;
  FollicleGrid(const FitInputs& fi, double s) : in(fi), s0(s) {
    for (size_t i = 0; i < in.stats->size(); ++i) wmax = std::max(wmax, Radius(i));
    for (double r = 0.4; r <= 0.5 * in.dmax * in.px_per_mm * 1.2 + 1; r *= 1.05) radii.push_back(r);
  }
  double Radius(size_t i) const { return 1.5 * (*in.stats)[i].r_half + 2 + 2.5 * s0; }
  void Window(size_t i, std::vector<FitPixel>* out, bool luma = false) const {
    const CoreStats& s = (*in.stats)[i];
    WindowPixels(*in.rgb, in.roi, *in.planes, s.x, s.y, Radius(i), out, luma);
  }
  std::vector<DiscTable> Tables(double s) const {
    std::vector<DiscTable> t;
    for (double r : radii) t.push_back(MakeDiscTable(r, s, wmax + 1));
    return t;
  }
};

// The blur shared by all blobs: golden-section search for the blur that makes the recovered
// cores agree (least spread of core / skin). For encoded photos the search reads luma, Y'
// linearised (WindowPixels' `luma`), not G: JPEG keeps Y' per pixel but smears Cb and Cr over
// 2 x 2 pixels and more, and G from the decoded RGB mixes the skin's colour difference into a
// small dark core, which made blobs look sharper than they are: on dark skin the search read
// 1.33-1.46 px for a 1.5 px blur (bench seeds; light skin 1.49-1.54), with luma 1.46-1.53
// everywhere. Follicle median 1.81 -> 1.67 dE00 on the bench seeds, 1.56 -> 1.58 on the
// tuning seeds. The fits that give the cores read G as before.
// `search_s`: the time of the search itself.
double SearchFollicleBlur(const FollicleGrid& g, bool luma, double* search_s) {
  const std::vector<CoreStats>& stats = *g.in.stats;
  const std::vector<double>& radii = g.radii;
  // About 300 blobs: every blob up to 450 (the bench's photos: ~300), else every (n / 300)th,
  // rounded. The estimate needs them: on the tuning seeds 150 blobs instead of ~300 read 1.62 ->
  // 1.77 dE00.
  const size_t stride = std::max<size_t>(1, static_cast<size_t>(std::lround(stats.size() / 300.0)));
  std::vector<std::vector<FitPixel>> win;
  for (size_t i = 0; i < stats.size(); i += stride) {
    win.emplace_back();
    g.Window(i, &win.back(), luma);
  }
  std::vector<int> hints(win.size(), -1);  // each blob's radius at the last blur tried
  auto cost = [&](double s) {
    const auto t = g.Tables(s);
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
  const double s_fit = GoldenSectionMin(cost, 0.3, 3.0, 10);
  *search_s = Since(t_search);
  return s_fit;
}

}  // namespace

FollicleFitResult FitFollicleCores(const FitInputs& in, const FitOptions& o, double* blur, pb::Measurement* m) {
  FollicleFitResult r;
  const std::vector<CoreStats>& stats = *in.stats;
  const ImageF& rgb = *in.rgb;
  const Roi& roi = in.roi;
  const Planes& P = *in.planes;
  std::vector<DiscFit>& fits = r.fits;
  std::vector<uint8_t>& in_shade = r.in_shade;
  r.model_fit = o.blur_correction && !o.dots && !stats.empty();
  if (!r.model_fit) return r;
  const double s0 = std::clamp(*blur, 0.5, 2.5);
  const calib::ProfileTransform pt(*in.profile);
  const FollicleGrid g(in, s0);
  const std::vector<double>& radii = g.radii;
  double s_fit = o.blur_px;
  if (s_fit < 0) s_fit = SearchFollicleBlur(g, !in.src->linear_input, &r.blur_search_s);
  *blur = s_fit;
  m->mutable_follicle()->set_blur_sigma_px(*blur);
  const auto t = g.Tables(s_fit);
  const Encoder enc(pt);
  const bool encoded_fit = !in.src->linear_input;
  // Every blob is fitted once (its centre fraction ranks it); those that make the shade are fitted
  // again with outliers trimmed (FitDiscRobust). Trimming them all cost 2x the fits at 12 MP for no
  // gain: tuning seeds 1.62 -> 1.56, bench seeds 1.80 -> 1.81 dE00.
  std::vector<FitPixel> buf;
  for (size_t i = 0; i < stats.size(); ++i) {
    g.Window(i, &buf);
    // Downhill from the radius nearest the half-contrast radius.
    const int hint = static_cast<int>(std::lower_bound(radii.begin(), radii.end(), stats[i].r_half) - radii.begin());
    fits.push_back(FitDisc(buf, {}, t, radii, std::min(hint, static_cast<int>(radii.size()) - 1)));
  }
  const std::vector<uint8_t> first = ShadeSet(fits);
  for (size_t i = 0; i < stats.size(); ++i)
    if (first[i]) {
      g.Window(i, &buf);
      fits[i] = FitDiscRobust(buf, t, radii, &fits[i]);
    }
  // The shade comes from the well-resolved blobs (below); only they get the JPEG-aware refit.
  in_shade = ShadeSet(fits);
  for (size_t i = 0; i < stats.size(); ++i) {
    DiscFit& f = fits[i];
    if (!f.ok) continue;
    if (encoded_fit && in_shade[i]) {
      WindowPixels(rgb, roi, P, stats[i].x, stats[i].y, g.Radius(i) + kRefitWindowExtraPx, &buf);
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
  return r;
}

// Dots: the forward model (a disc whose edge is the skin's lateral light spread, then the camera's
// blur) fitted per dot with one total spread sigma_t shared by all dots (one depth, one camera),
// the camera's part sigma_cam measured on the chart's patch edges; the core reported is the disc's
// centre under the lateral spread alone, sigma_lat^2 = sigma_t^2 - sigma_cam^2 (the optics model's
// dot core: how the dot looks, without the camera). Without a chart in the frame (no sigma_cam) the
// cores stay as seen.
DotFitResult FitDotCores(const FitInputs& in, const FitOptions& o, double* blur, pb::Measurement* m) {
  const std::vector<CoreStats>& stats = *in.stats;
  const ImageF& rgb = *in.rgb;
  const Roi& roi = in.roi;
  const Planes& P = *in.planes;
  const ChartFound& chart = *in.chart;
  DotFitResult out;
  std::vector<color::Xyz>& dot_core = out.core;
  std::vector<bool>& dot_ok = out.ok;
  dot_core.resize(stats.size());
  dot_ok.assign(stats.size(), false);
  if (!(o.dots && o.blur_correction && o.dot_disc_fit && chart.found && stats.size() >= 3)) return out;
  const calib::ProfileTransform pt(*in.profile);
  const double cam = calib::EstimateBlurFromChart(rgb, *in.src->chart, chart.corners, pt);
  if (!std::isfinite(cam)) return out;
  *blur = cam;
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
  m->mutable_follicle()->set_blur_sigma_px(*blur);
  return out;
}

}  // namespace shadecast::measure::internal
