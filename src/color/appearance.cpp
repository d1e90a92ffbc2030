#include "color/appearance.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "color/ciede2000.h"
#include "color/lab.h"

namespace shadecast::color {
namespace {

// D50 white of the ICC connection space (the project's L*a*b* D50).
constexpr Xyz kWhite{0.9642, 1.0, 0.8249};

// Poirson & Wandell (1993) opponent channels from CIE 1931 XYZ, as distributed with S-CIELAB
// (Zhang's cmatrix('xyz2opp'), 2-degree observer).
constexpr double kXyzToOpp[3][3] = {{0.2787336, 0.7218031, -0.1065520},
                                    {-0.4487736, 0.2898056, 0.0771569},
                                    {0.0859513, -0.5899859, 0.5011089}};

struct Component {
  double spread_deg;
  double weight;
};
struct ChannelFilter {
  std::vector<Component> parts;
};

// Zhang & Wandell (1996), table 1 (see the header); weights normalised per channel below.
const std::array<ChannelFilter, 3>& Filters() {
  static const std::array<ChannelFilter, 3> f = [] {
    std::array<ChannelFilter, 3> r{{{{{0.0283, 0.921}, {0.133, 0.105}, {4.336, -0.108}}},
                                    {{{0.0392, 0.531}, {0.494, 0.330}}},
                                    {{{0.0536, 0.488}, {0.386, 0.371}}}}};
    for (auto& ch : r) {
      double s = 0;
      for (const auto& p : ch.parts) s += p.weight;
      for (auto& p : ch.parts) p.weight /= s;
    }
    return r;
  }();
  return f;
}

std::array<std::array<double, 3>, 3> Inverse(const double m[3][3]) {
  const double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                     m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                     m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  std::array<std::array<double, 3>, 3> r{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const int a = (j + 1) % 3, b = (j + 2) % 3, c = (i + 1) % 3, d = (i + 2) % 3;
      r[i][j] = (m[a][c] * m[b][d] - m[a][d] * m[b][c]) / det;
    }
  return r;
}

// Index of extended sample j in a plane of n samples.
inline int MapIndex(int j, int n, EdgeMode edge) {
  if (edge == EdgeMode::kPeriodic) return ((j % n) + n) % n;
  const int p = 2 * n;
  const int m = ((j % p) + p) % p;
  return m < n ? m : p - 1 - m;
}

// A sampled Gaussian of unit sum, folded onto the extension's period when it is longer than that
// (exact: the extended signal repeats with that period). Offsets start at -radius.
struct Kernel {
  int radius = 0;
  std::vector<float> w;
};
Kernel MakeKernel(double sigma, int n, EdgeMode edge) {
  Kernel k;
  if (!(sigma > 0.05)) {
    k.w = {1.0f};
    return k;
  }
  const int r = static_cast<int>(std::ceil(4.0 * sigma));
  std::vector<double> g(2 * r + 1);
  double sum = 0;
  for (int t = -r; t <= r; ++t) sum += g[t + r] = std::exp(-0.5 * t * t / (sigma * sigma));
  const int period = edge == EdgeMode::kPeriodic ? n : 2 * n;
  if (2 * r + 1 <= period) {
    k.radius = r;
    for (double v : g) k.w.push_back(static_cast<float>(v / sum));
    return k;
  }
  k.radius = period / 2;
  std::vector<double> f(period, 0.0);
  for (int t = -r; t <= r; ++t) f[((t + k.radius) % period + period) % period] += g[t + r] / sum;
  for (double v : f) k.w.push_back(static_cast<float>(v));
  return k;
}

// Separable Gaussian, direct: rows then columns.
void BlurDirect(const std::vector<float>& in, int w, int h, double sx, double sy, EdgeMode edge,
                std::vector<float>* out) {
  const Kernel kx = MakeKernel(sx, w, edge), ky = MakeKernel(sy, h, edge);
  std::vector<float> tmp(in.size());
  std::vector<float> ext;
  for (int y = 0; y < h; ++y) {
    const float* row = in.data() + static_cast<size_t>(y) * w;
    float* o = tmp.data() + static_cast<size_t>(y) * w;
    const int n = static_cast<int>(kx.w.size());
    ext.resize(static_cast<size_t>(w) + n);
    for (int j = 0; j < w + n - 1; ++j) ext[j] = row[MapIndex(j - kx.radius, w, edge)];
    for (int x = 0; x < w; ++x) {
      float s = 0;
      for (int t = 0; t < n; ++t) s += kx.w[t] * ext[x + t];
      o[x] = s;
    }
  }
  out->assign(in.size(), 0.0f);
  const int n = static_cast<int>(ky.w.size());
  for (int y = 0; y < h; ++y) {
    float* o = out->data() + static_cast<size_t>(y) * w;
    for (int t = 0; t < n; ++t) {
      const float wt = ky.w[t];
      const float* src = tmp.data() + static_cast<size_t>(MapIndex(y + t - ky.radius, h, edge)) * w;
      for (int x = 0; x < w; ++x) o[x] += wt * src[x];
    }
  }
}

// Separable Gaussian of sigma (sx, sy) px. Wide Gaussians on mirrored planes are computed on a
// block-averaged plane (k x k blocks, k ~ sigma / 2.5) and interpolated back bilinearly: the
// block average is itself a blur of variance (k^2 - 1) / 12 fine pixels, taken off the sigma.
void Blur(const std::vector<float>& in, int w, int h, double sx, double sy, EdgeMode edge, std::vector<float>* out) {
  const double smin = std::min(sx, sy);
  const int k = static_cast<int>(std::floor(smin / 2.5));
  if (edge == EdgeMode::kPeriodic || k < 2 || w < 2 * k || h < 2 * k) {
    BlurDirect(in, w, h, sx, sy, edge, out);
    return;
  }
  const int cw = (w + k - 1) / k, chh = (h + k - 1) / k;
  std::vector<float> coarse(static_cast<size_t>(cw) * chh, 0.0f);
  std::vector<float> count(coarse.size(), 0.0f);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const size_t c = static_cast<size_t>(y / k) * cw + x / k;
      coarse[c] += in[static_cast<size_t>(y) * w + x];
      count[c] += 1;
    }
  for (size_t i = 0; i < coarse.size(); ++i) coarse[i] /= count[i];
  const double box = (static_cast<double>(k) * k - 1) / 12.0;
  const double csx = std::sqrt(std::max(0.0, sx * sx - box)) / k, csy = std::sqrt(std::max(0.0, sy * sy - box)) / k;
  std::vector<float> cb;
  BlurDirect(coarse, cw, chh, csx, csy, edge, &cb);
  out->resize(in.size());
  for (int y = 0; y < h; ++y) {
    const double fy = std::clamp((y + 0.5) / k - 0.5, 0.0, chh - 1.0);
    const int y0 = std::min(static_cast<int>(fy), chh - 2 < 0 ? 0 : chh - 2);
    const int y1 = std::min(y0 + 1, chh - 1);
    const float ty = static_cast<float>(fy - y0);
    for (int x = 0; x < w; ++x) {
      const double fx = std::clamp((x + 0.5) / k - 0.5, 0.0, cw - 1.0);
      const int x0 = std::min(static_cast<int>(fx), cw - 2 < 0 ? 0 : cw - 2);
      const int x1 = std::min(x0 + 1, cw - 1);
      const float tx = static_cast<float>(fx - x0);
      const float a = cb[static_cast<size_t>(y0) * cw + x0], b = cb[static_cast<size_t>(y0) * cw + x1];
      const float c = cb[static_cast<size_t>(y1) * cw + x0], d = cb[static_cast<size_t>(y1) * cw + x1];
      (*out)[static_cast<size_t>(y) * w + x] = (1 - ty) * ((1 - tx) * a + tx * b) + ty * ((1 - tx) * c + tx * d);
    }
  }
}

Lab ToLab(const Xyz& x) { return XyzToLab(x, kWhite); }

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  const size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + m, v.end());
  double r = v[m];
  if (v.size() % 2 == 0) r = 0.5 * (r + *std::max_element(v.begin(), v.begin() + m));
  return r;
}

double WrapDeg(double d) {
  while (d > 180) d -= 360;
  while (d <= -180) d += 360;
  return d;
}

// Apparent radius (mm) of a feature at (x, y) on the filtered plane: where the azimuthal mean of the
// darkening in Y falls to half of its centre value. 0 when the feature does not darken.
// Bilinear sample; a periodic plane wraps.
Xyz Sample(const XyzPlanes& f, double x, double y, EdgeMode edge) {
  if (edge == EdgeMode::kPeriodic) {
    x = std::fmod(x, f.width), y = std::fmod(y, f.height);
    if (x < 0) x += f.width;
    if (y < 0) y += f.height;
    const int x0 = static_cast<int>(x) % f.width, y0 = static_cast<int>(y) % f.height;
    const int x1 = (x0 + 1) % f.width, y1 = (y0 + 1) % f.height;
    const double tx = x - std::floor(x), ty = y - std::floor(y);
    Xyz r;
    for (int k = 0; k < 3; ++k) {
      const auto& p = f.c[k];
      auto v = [&](int i, int j) { return static_cast<double>(p[static_cast<size_t>(j) * f.width + i]); };
      r[k] = (1 - ty) * ((1 - tx) * v(x0, y0) + tx * v(x1, y0)) + ty * ((1 - tx) * v(x0, y1) + tx * v(x1, y1));
    }
    return r;
  }
  return f.Bilinear(x, y);
}

double ApparentRadiusMm(const XyzPlanes& f, double x, double y, double skin_y, EdgeMode edge) {
  const double ppm = 0.5 * (f.px_per_mm_x + f.px_per_mm_y);
  const double centre = skin_y - Sample(f, x, y, edge)[1];
  if (!(centre > 0)) return 0;
  constexpr int kAzimuths = 16;
  double prev_rho = 0, prev = centre;
  for (double rho = 0.25; rho <= 4.0 * ppm; rho += 0.25) {
    double s = 0;
    for (int k = 0; k < kAzimuths; ++k) {
      const double t = 2 * M_PI * k / kAzimuths;
      s += skin_y -
           Sample(f, x + rho * std::cos(t) * f.px_per_mm_x / ppm, y + rho * std::sin(t) * f.px_per_mm_y / ppm, edge)[1];
    }
    s /= kAzimuths;
    if (s <= 0.5 * centre) {
      const double r = prev_rho + (rho - prev_rho) * (prev - 0.5 * centre) / std::max(1e-12, prev - s);
      return r / ppm;
    }
    prev_rho = rho;
    prev = s;
  }
  return 4.0;
}

NearAppearance NearOf(const XyzPlanes& f, const std::vector<std::array<double, 2>>& centres, const Xyz& skin,
                      EdgeMode edge) {
  NearAppearance n;
  const Lab skin_lab = ToLab(skin);
  std::vector<Lab> labs;
  std::vector<double> l, a, b, radii;
  for (const auto& c : centres) {
    const Lab v = ToLab(Sample(f, c[0], c[1], edge));
    labs.push_back(v);
    l.push_back(v[0]), a.push_back(v[1]), b.push_back(v[2]);
    const double r = ApparentRadiusMm(f, c[0], c[1], skin[1], edge);
    if (r > 0) radii.push_back(r);
  }
  n.features = static_cast<int>(labs.size());
  if (labs.empty()) return n;
  n.lab = {Median(l), Median(a), Median(b)};
  const Lab lch = LabToLch(n.lab), skin_lch = LabToLch(skin_lab);
  n.delta_l = n.lab[0] - skin_lab[0];
  n.delta_c = lch[1] - skin_lch[1];
  n.delta_h_deg = WrapDeg(lch[2] - skin_lch[2]);
  n.diameter_mm = 2.0 * Median(radii);
  std::vector<double> d;
  for (const auto& v : labs) d.push_back(DeltaE00(v, n.lab));
  n.spread_de00 = Median(d);
  return n;
}

RegionalAppearance RegionalOf(const XyzPlanes& f, const Xyz& skin) {
  RegionalAppearance r;
  double sl = 0, sa = 0, sb = 0, sll = 0;
  const size_t n = f.size();
  for (size_t i = 0; i < n; ++i) {
    const Lab v = ToLab({f.c[0][i], f.c[1][i], f.c[2][i]});
    sl += v[0], sa += v[1], sb += v[2], sll += v[0] * v[0];
  }
  r.lab = {sl / n, sa / n, sb / n};
  r.texture_l = std::sqrt(std::max(0.0, sll / n - r.lab[0] * r.lab[0]));
  r.de00_to_skin = DeltaE00(r.lab, ToLab(skin));
  return r;
}

// Pixel coordinates of `img` mapped onto `res` (same area, pixel centres at integers).
std::array<double, 2> MapCentre(const std::array<double, 2>& c, const XyzPlanes& img, const XyzPlanes& res) {
  return {(c[0] + 0.5) * res.width / img.width - 0.5, (c[1] + 0.5) * res.height / img.height - 0.5};
}

void Validate(const XyzPlanes& p, const char* what) {
  if (p.width <= 0 || p.height <= 0 || !(p.px_per_mm_x > 0) || !(p.px_per_mm_y > 0))
    throw std::invalid_argument(std::string(what) + ": an empty image or a scale that is not positive");
  for (const auto& c : p.c)
    if (c.size() != p.size()) throw std::invalid_argument(std::string(what) + ": planes of the wrong size");
}

}  // namespace

XyzPlanes::XyzPlanes(int w, int h, double ppm_x, double ppm_y) : width(w), height(h), px_per_mm_x(ppm_x), px_per_mm_y(ppm_y) {
  for (auto& p : c) p.assign(static_cast<size_t>(w) * h, 0.0f);
}

Xyz XyzPlanes::At(int x, int y) const {
  const size_t i = static_cast<size_t>(y) * width + x;
  return {c[0][i], c[1][i], c[2][i]};
}

Xyz XyzPlanes::Bilinear(double x, double y) const {
  x = std::clamp(x, 0.0, width - 1.0);
  y = std::clamp(y, 0.0, height - 1.0);
  const int x0 = std::min(static_cast<int>(x), std::max(0, width - 2)), y0 = std::min(static_cast<int>(y), std::max(0, height - 2));
  const int x1 = std::min(x0 + 1, width - 1), y1 = std::min(y0 + 1, height - 1);
  const double tx = x - x0, ty = y - y0;
  Xyz r;
  for (int k = 0; k < 3; ++k) {
    const auto& p = c[k];
    const double a = p[static_cast<size_t>(y0) * width + x0], b = p[static_cast<size_t>(y0) * width + x1];
    const double cc = p[static_cast<size_t>(y1) * width + x0], d = p[static_cast<size_t>(y1) * width + x1];
    r[k] = (1 - ty) * ((1 - tx) * a + tx * b) + ty * ((1 - tx) * cc + tx * d);
  }
  return r;
}

bool ViewingOptions::IsValid(std::string* message) const {
  auto fail = [&](const std::string& m) {
    if (message) *message = m;
    return false;
  };
  if (!(near_distance_m >= 0.1 && near_distance_m <= 10)) return fail("the near distance must be 0.1-10 m");
  if (!(regional_distance_m >= 0.1 && regional_distance_m <= 10)) return fail("the regional distance must be 0.1-10 m");
  for (double p : {near_px_per_mm, regional_px_per_mm})
    if (!(p >= 1 && p <= 200)) return fail("the filter resolutions must be 1-200 px/mm");
  if (!(max_region_side_mm >= 2 && max_region_side_mm <= 1000)) return fail("the largest region side must be 2-1000 mm");
  return true;
}

double MmPerDegree(double distance_m) { return 1000.0 * distance_m * std::tan(M_PI / 180.0); }

double EyeSigmaMm(double distance_m) { return Filters()[0].parts[0].spread_deg / std::sqrt(2.0) * MmPerDegree(distance_m); }

double ResampleVarianceMm2(double from_ppm, double to_ppm) {
  if (to_ppm >= from_ppm) return 0;
  return (1.0 / (to_ppm * to_ppm) - 1.0 / (from_ppm * from_ppm)) / 12.0;
}

XyzPlanes ResampleToScale(const XyzPlanes& in, double ppm) {
  Validate(in, "resample");
  // Within 25 % of the target: kept as it is (a lattice cell's pitch is rounded to whole pixels).
  if (in.px_per_mm_x <= 1.25 * ppm && in.px_per_mm_y <= 1.25 * ppm) return in;
  const int w = std::max(1, static_cast<int>(std::lround(in.width * ppm / in.px_per_mm_x)));
  const int h = std::max(1, static_cast<int>(std::lround(in.height * ppm / in.px_per_mm_y)));
  XyzPlanes out(w, h, in.px_per_mm_x * w / in.width, in.px_per_mm_y * h / in.height);
  // Each output pixel averages the input pixels whose centres fall in its footprint (area weights
  // by whole pixels: the footprint spans >= 1.25 input pixels, and the error is a fraction of a pixel).
  std::vector<int> xs(in.width), ys(in.height);
  for (int x = 0; x < in.width; ++x) xs[x] = std::min(w - 1, static_cast<int>((x + 0.5) * w / in.width));
  for (int y = 0; y < in.height; ++y) ys[y] = std::min(h - 1, static_cast<int>((y + 0.5) * h / in.height));
  std::vector<float> count(out.size(), 0.0f);
  for (int y = 0; y < in.height; ++y) {
    const size_t orow = static_cast<size_t>(ys[y]) * w;
    const size_t irow = static_cast<size_t>(y) * in.width;
    for (int x = 0; x < in.width; ++x) {
      const size_t o = orow + xs[x];
      for (int k = 0; k < 3; ++k) out.c[k][o] += in.c[k][irow + x];
      count[o] += 1;
    }
  }
  for (size_t i = 0; i < out.size(); ++i)
    for (int k = 0; k < 3; ++k) out.c[k][i] = count[i] > 0 ? out.c[k][i] / count[i] : 0.0f;
  return out;
}

namespace {

// Each opponent channel's filter (its weighted Gaussians) applied to one plane.
std::vector<float> ChannelFilter(const std::vector<float>& plane, int w, int h, double ppm_x, double ppm_y, int channel,
                                 double mm_per_deg, double pre2, EdgeMode edge) {
  std::vector<float> out(plane.size(), 0.0f), part;
  for (const Component& comp : Filters()[channel].parts) {
    const double sigma_mm = comp.spread_deg / std::sqrt(2.0) * mm_per_deg;
    const double res_mm = std::sqrt(std::max(0.0, sigma_mm * sigma_mm - pre2));
    Blur(plane, w, h, res_mm * ppm_x, res_mm * ppm_y, edge, &part);
    const float wt = static_cast<float>(comp.weight);
    for (size_t p = 0; p < out.size(); ++p) out[p] += wt * part[p];
  }
  return out;
}

const std::array<std::array<double, 3>, 3>& OppToXyz() {
  static const auto inv = Inverse(kXyzToOpp);
  return inv;
}

}  // namespace

XyzPlanes EyeFilter(const XyzPlanes& img, double distance_m, double presmoothed_sigma_mm, EdgeMode edge) {
  Validate(img, "eye filter");
  if (!(distance_m > 0)) throw std::invalid_argument("eye filter: the viewing distance must be positive");
  const size_t n = img.size();
  const double mm_per_deg = MmPerDegree(distance_m);
  const double pre2 = presmoothed_sigma_mm * presmoothed_sigma_mm;
  std::array<std::vector<float>, 3> filtered;
  std::vector<float> opp(n);
  for (int i = 0; i < 3; ++i) {
    for (size_t p = 0; p < n; ++p)
      opp[p] = static_cast<float>(kXyzToOpp[i][0] * img.c[0][p] + kXyzToOpp[i][1] * img.c[1][p] + kXyzToOpp[i][2] * img.c[2][p]);
    filtered[i] = ChannelFilter(opp, img.width, img.height, img.px_per_mm_x, img.px_per_mm_y, i, mm_per_deg, pre2, edge);
  }
  const auto& inv = OppToXyz();
  XyzPlanes out(img.width, img.height, img.px_per_mm_x, img.px_per_mm_y);
  for (int k = 0; k < 3; ++k)
    for (size_t p = 0; p < n; ++p)
      out.c[k][p] = static_cast<float>(inv[k][0] * filtered[0][p] + inv[k][1] * filtered[1][p] + inv[k][2] * filtered[2][p]);
  return out;
}

Appearance ComputeAppearance(const AppearanceInputs& in, const ViewingOptions& o) {
  std::string why;
  if (!o.IsValid(&why)) throw std::invalid_argument("viewing options: " + why);
  if (in.image == nullptr) throw std::invalid_argument("appearance: no image");
  const XyzPlanes& img = *in.image;
  Validate(img, "appearance");
  const double ppm0 = img.px_per_mm_x;
  const double cam_mm = std::max(0.0, in.camera_sigma_px) / ppm0;
  Appearance a;
  {
    const XyzPlanes r = ResampleToScale(img, o.near_px_per_mm);
    const double pre = std::sqrt(cam_mm * cam_mm + ResampleVarianceMm2(ppm0, r.px_per_mm_x));
    a.presmoothed_too_much = pre > EyeSigmaMm(o.near_distance_m);
    const XyzPlanes f = EyeFilter(r, o.near_distance_m, pre, in.edge);
    std::vector<std::array<double, 2>> centres;
    for (const auto& c : in.centres) centres.push_back(MapCentre(c, img, r));
    a.near = NearOf(f, centres, in.skin, in.edge);
  }
  {
    const XyzPlanes r = ResampleToScale(img, o.regional_px_per_mm);
    const double pre = std::sqrt(cam_mm * cam_mm + ResampleVarianceMm2(ppm0, r.px_per_mm_x));
    a.regional = RegionalOf(EyeFilter(r, o.regional_distance_m, pre, in.edge), in.skin);
  }
  return a;
}

RegionalAppearance ComputeRegionalAppearance(const XyzPlanes& img, const Xyz& skin, double camera_sigma_px,
                                             EdgeMode edge, const ViewingOptions& o) {
  std::string why;
  if (!o.IsValid(&why)) throw std::invalid_argument("viewing options: " + why);
  Validate(img, "regional appearance");
  const double ppm0 = img.px_per_mm_x;
  const double cam_mm = std::max(0.0, camera_sigma_px) / ppm0;
  const XyzPlanes r = ResampleToScale(img, o.regional_px_per_mm);
  const double pre = std::sqrt(cam_mm * cam_mm + ResampleVarianceMm2(ppm0, r.px_per_mm_x));
  return RegionalOf(EyeFilter(r, o.regional_distance_m, pre, edge), skin);
}

namespace {

// One periodic cell of the hexagonal lattice (spacing a: density 2 / (sqrt(3) a^2); the
// rectangular cell a x sqrt(3) a holds two features at a quarter and three quarters of its
// diagonal) and, per profile node j, the cell's field of the node's tent function (1 at rho_j,
// linear to 0 at its neighbours, 0 beyond the last node), summed over the features and their
// periodic images, averaged over supersample^2 points per pixel. Any profile interpolated linearly
// between its nodes is skin + sum_j excess_j x tent_j.
struct LatticeHats {
  int width = 0, height = 0;
  double ppm_x = 0, ppm_y = 0;
  std::vector<std::vector<float>> tent;  // per node, width * height
};

LatticeHats RenderHats(const std::vector<double>& rho, double density_per_mm2, double ppm, int supersample) {
  if (!(density_per_mm2 > 0) || !(ppm > 0) || supersample < 1 || rho.size() < 2 || rho.front() != 0 ||
      !std::is_sorted(rho.begin(), rho.end()))
    throw std::invalid_argument(
        "lattice cell: a positive density and scale and a profile of >= 2 increasing radii from 0 are needed");
  const double a = std::sqrt(2.0 / (std::sqrt(3.0) * density_per_mm2));
  const double cw = a, ch = std::sqrt(3.0) * a;
  LatticeHats h;
  h.width = std::max(4, static_cast<int>(std::lround(cw * ppm)));
  h.height = std::max(4, static_cast<int>(std::lround(ch * ppm)));
  h.ppm_x = h.width / cw;
  h.ppm_y = h.height / ch;
  const size_t n = static_cast<size_t>(h.width) * h.height;
  h.tent.assign(rho.size(), std::vector<float>(n, 0.0f));
  const double rho_max = rho.back();
  const int kx = static_cast<int>(std::ceil(rho_max / cw)) + 1, ky = static_cast<int>(std::ceil(rho_max / ch)) + 1;
  const std::array<std::array<double, 2>, 2> feat = {{{0.25 * cw, 0.25 * ch}, {0.75 * cw, 0.75 * ch}}};
  const float wsample = 1.0f / static_cast<float>(supersample * supersample);
  for (int y = 0; y < h.height; ++y)
    for (int x = 0; x < h.width; ++x) {
      const size_t p = static_cast<size_t>(y) * h.width + x;
      for (int sy = 0; sy < supersample; ++sy)
        for (int sx = 0; sx < supersample; ++sx) {
          const double px = (x + (sx + 0.5) / supersample) / h.ppm_x;
          const double py = (y + (sy + 0.5) / supersample) / h.ppm_y;
          for (const auto& f : feat)
            for (int i = -kx; i <= kx; ++i)
              for (int j = -ky; j <= ky; ++j) {
                const double r = std::hypot(px - f[0] - i * cw, py - f[1] - j * ch);
                if (r >= rho_max) continue;
                const size_t k = static_cast<size_t>(std::upper_bound(rho.begin(), rho.end(), r) - rho.begin());
                const double t = (r - rho[k - 1]) / (rho[k] - rho[k - 1]);
                h.tent[k - 1][p] += wsample * static_cast<float>(1 - t);
                h.tent[k][p] += wsample * static_cast<float>(t);
              }
        }
    }
  return h;
}

}  // namespace

XyzPlanes RenderLatticeCell(const RadialProfile& profile, const Xyz& skin, double density_per_mm2, double ppm,
                            int supersample) {
  if (profile.rho_mm.size() != profile.xyz.size())
    throw std::invalid_argument("lattice cell: the profile's radii and colours differ in number");
  const LatticeHats h = RenderHats(profile.rho_mm, density_per_mm2, ppm, supersample);
  XyzPlanes out(h.width, h.height, h.ppm_x, h.ppm_y);
  for (int k = 0; k < 3; ++k) {
    std::fill(out.c[k].begin(), out.c[k].end(), static_cast<float>(skin[k]));
    for (size_t j = 0; j < h.tent.size(); ++j) {
      const float e = static_cast<float>(profile.xyz[j][k] - skin[k]);
      for (size_t p = 0; p < out.size(); ++p) out.c[k][p] += e * h.tent[j][p];
    }
  }
  return out;
}

LatticeBasis::LatticeBasis(const std::vector<double>& rho_mm, double density_per_mm2, const ViewingOptions& o) {
  std::string why;
  if (!o.IsValid(&why)) throw std::invalid_argument("viewing options: " + why);
  nodes_ = static_cast<int>(rho_mm.size());
  // Filtered response to a unit excess of each input channel at each node.
  auto responses = [&](double ppm, double distance, std::vector<std::array<Xyz, 3>>* out, int* pixels,
                       std::vector<size_t> sample) {
    const LatticeHats h = RenderHats(rho_mm, density_per_mm2, ppm, 3);
    const double pre = std::sqrt(1.0 / (12.0 * h.ppm_x * h.ppm_y));
    const size_t n = static_cast<size_t>(h.width) * h.height;
    if (sample.empty())
      for (size_t p = 0; p < n; ++p) sample.push_back(p);
    *pixels = static_cast<int>(sample.size());
    out->assign(static_cast<size_t>(nodes_) * sample.size(), {});
    // The response to a unit excess of input channel c: XYZ_k = sum_i inv[k][i] m[i][c] F_i(tent),
    // F_i the opponent channel i's filter (linear, so each tent is filtered once per channel).
    const auto& inv = OppToXyz();
    const double mm_per_deg = MmPerDegree(distance);
    for (int j = 0; j < nodes_; ++j) {
      std::array<std::vector<float>, 3> f;
      for (int i = 0; i < 3; ++i)
        f[i] = ChannelFilter(h.tent[j], h.width, h.height, h.ppm_x, h.ppm_y, i, mm_per_deg, pre * pre, EdgeMode::kPeriodic);
      for (size_t s = 0; s < sample.size(); ++s)
        for (int c = 0; c < 3; ++c)
          for (int k = 0; k < 3; ++k) {
            double v = 0;
            for (int i = 0; i < 3; ++i) v += inv[k][i] * kXyzToOpp[i][c] * f[i][sample[s]];
            (*out)[s * nodes_ + j][c][k] = v;
          }
    }
    return h;
  };
  // Near: the two features' centres, read at the nearest pixels (as LatticeAppearance does).
  {
    const LatticeHats geo = RenderHats(rho_mm, density_per_mm2, o.near_px_per_mm, 1);
    const int x0 = static_cast<int>(std::lround(0.25 * geo.width - 0.5)), y0 = static_cast<int>(std::lround(0.25 * geo.height - 0.5));
    const int x1 = static_cast<int>(std::lround(0.75 * geo.width - 0.5)), y1 = static_cast<int>(std::lround(0.75 * geo.height - 0.5));
    int np = 0;
    responses(o.near_px_per_mm, o.near_distance_m, &near_, &np,
              {static_cast<size_t>(y0) * geo.width + x0, static_cast<size_t>(y1) * geo.width + x1});
  }
  responses(o.regional_px_per_mm, o.regional_distance_m, &regional_, &regional_pixels_, {});
}

Appearance LatticeBasis::Evaluate(const std::vector<Xyz>& node_xyz, const Xyz& skin) const {
  if (static_cast<int>(node_xyz.size()) != nodes_) throw std::invalid_argument("lattice basis: wrong number of nodes");
  auto at = [&](const std::vector<std::array<Xyz, 3>>& r, size_t s) {
    Xyz v = skin;
    for (int j = 0; j < nodes_; ++j) {
      const auto& m = r[s * nodes_ + j];
      for (int c = 0; c < 3; ++c) {
        const double e = node_xyz[j][c] - skin[c];
        for (int k = 0; k < 3; ++k) v[k] += e * m[c][k];
      }
    }
    return v;
  };
  Appearance a;
  const Lab skin_lab = ToLab(skin);
  {
    Xyz c0 = at(near_, 0), c1 = at(near_, 1);
    const Lab l = ToLab({0.5 * (c0[0] + c1[0]), 0.5 * (c0[1] + c1[1]), 0.5 * (c0[2] + c1[2])});
    a.near.lab = l;
    a.near.features = 2;
    const Lab lch = LabToLch(l), skin_lch = LabToLch(skin_lab);
    a.near.delta_l = l[0] - skin_lab[0];
    a.near.delta_c = lch[1] - skin_lch[1];
    a.near.delta_h_deg = WrapDeg(lch[2] - skin_lch[2]);
  }
  double sl = 0, sa = 0, sb = 0, sll = 0;
  for (int s = 0; s < regional_pixels_; ++s) {
    const Lab v = ToLab(at(regional_, static_cast<size_t>(s)));
    sl += v[0], sa += v[1], sb += v[2], sll += v[0] * v[0];
  }
  const double n = regional_pixels_;
  a.regional.lab = {sl / n, sa / n, sb / n};
  a.regional.texture_l = std::sqrt(std::max(0.0, sll / n - a.regional.lab[0] * a.regional.lab[0]));
  a.regional.de00_to_skin = DeltaE00(a.regional.lab, skin_lab);
  return a;
}

Appearance LatticeAppearance(const RadialProfile& profile, const Xyz& skin, double density_per_mm2,
                             const ViewingOptions& o) {
  std::string why;
  if (!o.IsValid(&why)) throw std::invalid_argument("viewing options: " + why);
  Appearance a;
  {
    const XyzPlanes cell = RenderLatticeCell(profile, skin, density_per_mm2, o.near_px_per_mm);
    const double pre = std::sqrt(1.0 / (12.0 * cell.px_per_mm_x * cell.px_per_mm_y));
    a.presmoothed_too_much = pre > EyeSigmaMm(o.near_distance_m);
    const XyzPlanes f = EyeFilter(cell, o.near_distance_m, pre, EdgeMode::kPeriodic);
    auto px = [](double v) { return static_cast<double>(std::lround(v)); };
    const std::vector<std::array<double, 2>> centres = {{px(0.25 * cell.width - 0.5), px(0.25 * cell.height - 0.5)},
                                                        {px(0.75 * cell.width - 0.5), px(0.75 * cell.height - 0.5)}};
    a.near = NearOf(f, centres, skin, EdgeMode::kPeriodic);
  }
  {
    const XyzPlanes cell = RenderLatticeCell(profile, skin, density_per_mm2, o.regional_px_per_mm);
    const double pre = std::sqrt(1.0 / (12.0 * cell.px_per_mm_x * cell.px_per_mm_y));
    a.regional = RegionalOf(EyeFilter(cell, o.regional_distance_m, pre, EdgeMode::kPeriodic), skin);
  }
  return a;
}

}  // namespace shadecast::color
