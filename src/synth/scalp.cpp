#include "synth/scalp.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <map>
#include <mutex>
#include <sstream>

#include "color/ciede2000.h"
#include "color/colorimetry.h"
#include "optics/chromophores.h"
#include "optics/km.h"
#include "synth/dot_mc.h"
#include "synth/random.h"

namespace shadecast::synth {
namespace {

// Random streams derived from the seed (random.h): one per kind of feature, so adding hairs does
// not move the dots. Stream 1 is the chart render's placement, 2 the capture noise (pipeline.cpp).
enum Stream : uint64_t {
  kStreamMelaninField = 11,
  kStreamBloodField = 12,
  kStreamChart = 13,
  kStreamDots = 14,
  kStreamFollicles = 15,
  kStreamHairs = 16,
};

double SmoothStep(double t) { return t * t * (3.0 - 2.0 * t); }

// Smooth value noise in [-1, 1]: uniform values on a lattice of `cell` mm, smoothstep-interpolated;
// two octaves (cell and cell / 2.5, weights 0.7 and 0.3).
class ValueNoise {
 public:
  ValueNoise(double width_mm, double height_mm, double cell_mm, uint64_t seed) {
    Random rng(seed);
    const double cells[2] = {cell_mm, cell_mm / 2.5};
    for (int o = 0; o < 2; ++o) {
      Octave& oc = octaves_[o];
      oc.cell = cells[o];
      oc.nx = static_cast<int>(std::ceil(width_mm / oc.cell)) + 2;
      oc.ny = static_cast<int>(std::ceil(height_mm / oc.cell)) + 2;
      oc.values.resize(static_cast<size_t>(oc.nx) * oc.ny);
      for (double& v : oc.values) v = rng.Uniform(-1.0, 1.0);
    }
  }
  double At(double x_mm, double y_mm) const {
    static constexpr double kWeights[2] = {0.7, 0.3};
    double sum = 0;
    for (int o = 0; o < 2; ++o) {
      const Octave& oc = octaves_[o];
      const double fx = std::clamp(x_mm / oc.cell, 0.0, oc.nx - 1.000001);
      const double fy = std::clamp(y_mm / oc.cell, 0.0, oc.ny - 1.000001);
      const int i = static_cast<int>(fx), j = static_cast<int>(fy);
      const double tx = SmoothStep(fx - i), ty = SmoothStep(fy - j);
      auto v = [&](int a, int b) { return oc.values[static_cast<size_t>(b) * oc.nx + a]; };
      const double top = v(i, j) + tx * (v(i + 1, j) - v(i, j));
      const double bottom = v(i, j + 1) + tx * (v(i + 1, j + 1) - v(i, j + 1));
      sum += kWeights[o] * (top + ty * (bottom - top));
    }
    return sum;
  }

 private:
  struct Octave {
    double cell = 1;
    int nx = 0, ny = 0;
    std::vector<double> values;
  };
  Octave octaves_[2];
};

// The skin: the optics model's reflectance at nodes every `skin_node_mm`, bilinear in between (the
// camera integral is linear, so interpolating node RGB is exactly the RGB of the interpolated
// spectrum). The nodes' melanin and blood follow the low-frequency fields.
class SkinField {
 public:
  SkinField(const ScalpOptions& o, const CameraResponse& response, double exposure)
      : o_(o),
        melanin_(o.width / o.px_per_mm, o.height / o.px_per_mm, o.variation_scale_mm,
                 Random::Derive(o.seed, kStreamMelaninField)),
        blood_(o.width / o.px_per_mm, o.height / o.px_per_mm, o.variation_scale_mm,
               Random::Derive(o.seed, kStreamBloodField)) {
    step_px_ = o.skin_node_mm * o.px_per_mm;
    nx_ = static_cast<int>(std::floor((o.width - 1) / step_px_)) + 2;
    ny_ = static_cast<int>(std::floor((o.height - 1) / step_px_)) + 2;
    spectra_.resize(static_cast<size_t>(nx_) * ny_ * color::kBands);
    rgb_.resize(static_cast<size_t>(nx_) * ny_ * 3);
    for (int j = 0; j < ny_; ++j) {
      for (int i = 0; i < nx_; ++i) {
        const color::Spectral36 r = optics::SkinReflectance(ParamsAt(i * step_px_, j * step_px_), o.params);
        const size_t n = static_cast<size_t>(j) * nx_ + i;
        std::copy(r.begin(), r.end(), spectra_.begin() + n * color::kBands);
        const Rgb raw = response.Raw36(r);
        for (int c = 0; c < 3; ++c) rgb_[n * 3 + c] = exposure * raw[c];
      }
    }
  }

  // Skin parameters of the field at pixel (x, y).
  optics::SkinParams ParamsAt(double x, double y) const {
    optics::SkinParams s = o_.skin;
    const double xm = x / o_.px_per_mm, ym = y / o_.px_per_mm;
    s.melanin *= 1.0 + o_.skin_variation * melanin_.At(xm, ym);
    s.blood *= 1.0 + o_.skin_variation * blood_.At(xm, ym);
    return s;
  }

  // The rendered skin spectrum at pixel (x, y) (bilinear between nodes).
  color::Spectral36 SpectrumAt(double x, double y) const {
    int i, j;
    double tx, ty;
    Cell(x, y, &i, &j, &tx, &ty);
    color::Spectral36 out;
    const float* a = &spectra_[(static_cast<size_t>(j) * nx_ + i) * color::kBands];
    const float* b = a + color::kBands;
    const float* c = a + static_cast<size_t>(nx_) * color::kBands;
    const float* d = c + color::kBands;
    for (int k = 0; k < color::kBands; ++k)
      out[k] = (1 - ty) * ((1 - tx) * a[k] + tx * b[k]) + ty * ((1 - tx) * c[k] + tx * d[k]);
    return out;
  }

  // Fills the sensor image with the skin (bilinear node RGB).
  void Fill(ImageF* img) const {
    const int w = img->width, h = img->height;
    std::vector<int> ix(w);
    std::vector<float> tx(w);
    for (int x = 0; x < w; ++x) {
      int j;
      double t, u;
      Cell(x, 0, &ix[x], &j, &t, &u);
      tx[x] = static_cast<float>(t);
    }
    std::vector<float> row(static_cast<size_t>(nx_) * 3);
    for (int y = 0; y < h; ++y) {
      int i, j;
      double t, ty;
      Cell(0, y, &i, &j, &t, &ty);
      const float* top = &rgb_[static_cast<size_t>(j) * nx_ * 3];
      const float* bottom = top + static_cast<size_t>(nx_) * 3;
      const float fy = static_cast<float>(ty);
      for (size_t n = 0; n < row.size(); ++n) row[n] = top[n] + fy * (bottom[n] - top[n]);
      float* out = &img->data[static_cast<size_t>(y) * w * 3];
      for (int x = 0; x < w; ++x) {
        const float* l = &row[static_cast<size_t>(ix[x]) * 3];
        const float t2 = tx[x];
        out[3 * x] = l[0] + t2 * (l[3] - l[0]);
        out[3 * x + 1] = l[1] + t2 * (l[4] - l[1]);
        out[3 * x + 2] = l[2] + t2 * (l[5] - l[2]);
      }
    }
  }

  // Mean of the rendered skin spectrum over all pixels: the bilinear weights are separable, so the
  // mean is a weighted sum of node spectra.
  color::Spectral36 Mean(int width, int height) const {
    std::vector<double> wx(nx_, 0.0), wy(ny_, 0.0);
    for (int x = 0; x < width; ++x) {
      int i, j;
      double t, u;
      Cell(x, 0, &i, &j, &t, &u);
      wx[i] += 1 - t;
      wx[i + 1] += t;
    }
    for (int y = 0; y < height; ++y) {
      int i, j;
      double t, u;
      Cell(0, y, &i, &j, &t, &u);
      wy[j] += 1 - u;
      wy[j + 1] += u;
    }
    color::Spectral36 mean{};
    for (int j = 0; j < ny_; ++j)
      for (int i = 0; i < nx_; ++i) {
        const double wgt = wx[i] * wy[j];
        if (wgt == 0) continue;
        const float* s = &spectra_[(static_cast<size_t>(j) * nx_ + i) * color::kBands];
        for (int k = 0; k < color::kBands; ++k) mean[k] += wgt * s[k];
      }
    for (double& v : mean) v /= static_cast<double>(width) * height;
    return mean;
  }

 private:
  void Cell(double x, double y, int* i, int* j, double* tx, double* ty) const {
    const double fx = std::max(0.0, x) / step_px_, fy = std::max(0.0, y) / step_px_;
    *i = std::min(static_cast<int>(fx), nx_ - 2);
    *j = std::min(static_cast<int>(fy), ny_ - 2);
    *tx = std::min(1.0, fx - *i);
    *ty = std::min(1.0, fy - *j);
  }

  const ScalpOptions& o_;
  ValueNoise melanin_, blood_;
  double step_px_ = 1;
  int nx_ = 0, ny_ = 0;
  std::vector<float> spectra_;  // node spectra, 36 per node
  std::vector<float> rgb_;      // node sensor RGB (exposure applied)
};

// The chart lying flat in the frame: a similarity transform (scale = px/mm, a rotation).
struct ChartPlacement {
  ChartLayout layout;
  double cx = 0, cy = 0;       // card centre, pixels
  double cos_t = 1, sin_t = 0;
  double ppm = 1;

  Point ToPx(double u, double v) const {
    const double a = (u - 0.5 * layout.width_mm) * ppm, b = (v - 0.5 * layout.height_mm) * ppm;
    return {cx + cos_t * a - sin_t * b, cy + sin_t * a + cos_t * b};
  }
  Point ToMm(double x, double y) const {
    const double a = x - cx, b = y - cy;
    return {(cos_t * a + sin_t * b) / ppm + 0.5 * layout.width_mm, (-sin_t * a + cos_t * b) / ppm + 0.5 * layout.height_mm};
  }
  // True when pixel point (x, y) lies on the card or within margin_mm of it.
  bool Near(double x, double y, double margin_mm) const {
    const Point p = ToMm(x, y);
    return p.x > -margin_mm && p.y > -margin_mm && p.x < layout.width_mm + margin_mm &&
           p.y < layout.height_mm + margin_mm;
  }
};

// Circles placed so far (a few thousand at most: brute force).
struct Placed {
  Point c;
  double radius_px;  // a follicle's outer radius; unused for dots
};

// True when no placed circle is closer to p than `distance(q)`.
template <typename F>
bool Free(const std::vector<Placed>& placed, const Point& p, F distance) {
  for (const Placed& q : placed) {
    const double d2 = (p.x - q.c.x) * (p.x - q.c.x) + (p.y - q.c.y) * (p.y - q.c.y);
    const double m = distance(q);
    if (d2 < m * m) return false;
  }
  return true;
}

double DistanceToSegment(const Point& p, const Point& a, const Point& b) {
  const double vx = b.x - a.x, vy = b.y - a.y;
  const double l2 = vx * vx + vy * vy;
  double t = l2 > 0 ? ((p.x - a.x) * vx + (p.y - a.y) * vy) / l2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  const double dx = p.x - (a.x + t * vx), dy = p.y - (a.y + t * vy);
  return std::sqrt(dx * dx + dy * dy);
}

double DistanceToPolyline(const Point& p, const std::vector<Point>& line) {
  double d = INFINITY;
  for (size_t k = 0; k + 1 < line.size(); ++k) d = std::min(d, DistanceToSegment(p, line[k], line[k + 1]));
  return d;
}

color::Spectral36 Mix(const color::Spectral36& under, const color::Spectral36& over, double a) {
  color::Spectral36 out;
  for (int k = 0; k < color::kBands; ++k) out[k] = (1 - a) * under[k] + a * over[k];
  return out;
}

// Composites a flat sensor colour over the image with coverage `a` at pixel (x, y).
// The Monte Carlo dot of a skin and recipe, computed once per process (a render of many frames of
// one client reuses it).
DotProfileMc CachedDotMc(const optics::SkinParams& skin, const optics::BlendKS& blend, double load,
                         const optics::ModelParams& params, const DotMcOptions& mc) {
  std::ostringstream key;
  key.precision(17);
  key << skin.melanin << ' ' << skin.blood << ' ' << skin.scattering_scale << ' ' << load << ' ' << params.depth_mm
      << ' ' << params.dot_diameter_mm << ' ' << params.sieve_scale << ' ' << params.scattering_a_per_cm << ' '
      << params.scattering_b << ' ' << blend.sieve << ' ' << mc.photons << ' ' << mc.seed << ' ' << mc.step_mm;
  for (double w : blend.weighted) key << ' ' << w;
  static std::mutex mu;
  static std::map<std::string, DotProfileMc> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key.str());
    if (it != cache.end()) return it->second;
  }
  DotProfileMc r = RenderDotMc(skin, blend, load, params, mc);
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() > 64) cache.clear();
  cache.emplace(key.str(), r);
  return r;
}

// A healed dot of the frame: the Monte Carlo profile at the nominal skin as a ratio to the skin per
// band, and the radii beyond which it darkens the skin by at most 1 % (tail) and 0.2 % (extent).
struct McDot {
  optics::BlendKS blend;
  DotProfileMc mc;
  std::vector<color::Spectral36> ratio;  // R_dot(rho) / R_skin per band
  double tail_mm = 0, extent_mm = 0;

  static McDot Make(const ScalpOptions& o) {
    McDot d;
    d.tail_mm = d.extent_mm = 0.5 * o.params.dot_diameter_mm;
    if (o.dots <= 0 || o.dot_blend.empty()) return d;
    d.blend = optics::MixBlend(o.dot_blend, o.params);
    d.mc = CachedDotMc(o.skin, d.blend, o.dot_load, o.params, o.dot_mc);
    const color::Colorimeter& d50 = color::D50Colorimeter();
    const double y_skin = d50.Xyz36(d.mc.skin.data())[1];
    for (size_t j = 0; j < d.mc.profile.size(); ++j) {
      color::Spectral36 q;
      for (int k = 0; k < color::kBands; ++k) q[k] = d.mc.skin[k] > 0 ? d.mc.profile[j][k] / d.mc.skin[k] : 1.0;
      d.ratio.push_back(q);
      const double darkening = 1.0 - d50.Xyz36(d.mc.profile[j].data())[1] / y_skin;
      const double rho = static_cast<double>(j + 1) * d.mc.step_mm;
      if (darkening > 0.01) d.tail_mm = std::max(d.tail_mm, rho);
      if (darkening > 0.002) d.extent_mm = std::max(d.extent_mm, rho);
    }
    return d;
  }
  bool empty() const { return ratio.empty(); }
  double RatioAt(double rho_mm, int k) const {
    const double f = rho_mm / mc.step_mm;
    const size_t i = static_cast<size_t>(f);
    if (i + 1 >= ratio.size()) return 1.0;
    return ratio[i][k] + (f - static_cast<double>(i)) * (ratio[i + 1][k] - ratio[i][k]);
  }
  // The truth's dot: the nominal model skin (the skin field is the model's) darkened by the ratio.
  optics::RenderResult Truth(const ScalpOptions& o) const {
    optics::RenderResult dm;
    dm.skin_reflectance = optics::SkinReflectance(o.skin, o.params);
    for (int k = 0; k < color::kBands; ++k) dm.dot_reflectance[k] = dm.skin_reflectance[k] * ratio.front()[k];
    dm.skin_lab = LabD50(dm.skin_reflectance);
    dm.dot_lab = LabD50(dm.dot_reflectance);
    dm.contrast_de00 = color::DeltaE00(dm.dot_lab, dm.skin_lab);
    dm.coverage = optics::InkFill(blend, o.dot_load, o.params);
    return dm;
  }
};

inline void Over(ImageF* img, int x, int y, const float rgb[3], float a) {
  float* p = &img->data[(static_cast<size_t>(y) * img->width + x) * 3];
  p[0] += a * (rgb[0] - p[0]);
  p[1] += a * (rgb[1] - p[1]);
  p[2] += a * (rgb[2] - p[2]);
}

// Each dot's pixels: the local skin's spectrum times the Monte Carlo's ratio at the pixel's distance
// from the centre, band by band; each blob's `lab` is its centre over the local skin.
template <typename Sensor>
void DrawDots(const McDot& dot, const SkinField& skin, const Sensor& sensor, double ppm, ImageF* image,
              std::vector<ScalpBlob>* dots) {
  if (dot.empty()) return;
  const int W = image->width, H = image->height;
  for (ScalpBlob& b : *dots) {
    color::Spectral36 core;
    const color::Spectral36 skin_c = skin.SpectrumAt(b.center.x, b.center.y);
    for (int k = 0; k < color::kBands; ++k) core[k] = skin_c[k] * dot.ratio.front()[k];
    b.lab = LabD50(core);
    const double ext_px = dot.extent_mm * ppm;
    const int x0 = std::max(0, static_cast<int>(std::floor(b.center.x - ext_px)));
    const int x1 = std::min(W - 1, static_cast<int>(std::ceil(b.center.x + ext_px)));
    const int y0 = std::max(0, static_cast<int>(std::floor(b.center.y - ext_px)));
    const int y1 = std::min(H - 1, static_cast<int>(std::ceil(b.center.y + ext_px)));
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        const double rho_mm = std::hypot(x - b.center.x, y - b.center.y) / ppm;
        if (rho_mm > dot.extent_mm) continue;
        const color::Spectral36 sk = skin.SpectrumAt(x, y);
        color::Spectral36 m;
        for (int k = 0; k < color::kBands; ++k) m[k] = sk[k] * dot.RatioAt(rho_mm, k);
        float rgb[3];
        sensor(m, rgb);
        Over(image, x, y, rgb, 1.0f);
      }
    }
  }
}

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

color::Spectral36 HairShaftReflectance(const HairOptics& hair, const optics::ModelParams& params) {
  const optics::Chromophores& ch = optics::GetChromophores();
  color::Spectral36 r;
  const double s = 0.75 * hair.scattering_per_mm;
  for (int k = 0; k < color::kBands; ++k) {
    const double mel = (1.0 - hair.pheomelanin_share) * ch.eumelanin[k] + hair.pheomelanin_share * ch.pheomelanin[k];
    const double mua = hair.melanin * mel + (1.0 - hair.melanin) * ch.baseline[k];
    const double body =
        optics::km::Saunderson(optics::km::RInfinity(2.0 * mua, s), params.saunderson_k1, params.saunderson_k2);
    r[k] = hair.surface_reflectance + (1.0 - hair.surface_reflectance) * body;
  }
  return r;
}

std::string HairColorToString(HairColor c) {
  switch (c) {
    case HairColor::kBlack: return "black";
    case HairColor::kDarkBrown: return "dark_brown";
    case HairColor::kBrown: return "brown";
    case HairColor::kBlond: return "blond";
    case HairColor::kGrey: return "grey";
    case HairColor::kWhite: return "white";
  }
  return "black";
}

HairColor HairColorFromString(const std::string& s) {
  for (HairColor c : {HairColor::kBlack, HairColor::kDarkBrown, HairColor::kBrown, HairColor::kBlond, HairColor::kGrey,
                      HairColor::kWhite})
    if (HairColorToString(c) == s) return c;
  throw std::invalid_argument("unknown hair colour '" + s + "' (expected black, dark_brown, brown, blond, grey or white)");
}

std::optional<color::Lab> PublishedHairLab(HairColor c) {
  if (c == HairColor::kBlack) return color::Lab{18.00, 0.02, -0.91};
  if (c == HairColor::kDarkBrown) return color::Lab{22.72, 3.35, 3.85};
  return std::nullopt;
}

HairOptics HairOpticsFor(HairColor c, const optics::ModelParams& params, double* residual_de00) {
  const auto target = PublishedHairLab(c);
  if (!target)
    throw std::invalid_argument("hair colour '" + HairColorToString(c) +
                                "': no published fibre colour to render it from (only black and dark_brown; "
                                "docs/synth.md)");
  HairOptics best;
  double best_de = INFINITY;
  // Only melanin / scattering matters for the opaque shaft: scan melanin (log), pheomelanin share and
  // the cuticle's flat surface reflectance.
  for (int i = 0; i <= 60; ++i)
    for (int j = 0; j <= 10; ++j)
      for (int k = 0; k <= 16; ++k) {
        HairOptics h;
        // Only melanin / scattering matters for the opaque shaft: ratios 0.001-4 per mm.
        const double ratio = 0.001 * std::pow(4000.0, i / 60.0);
        h.melanin = std::min(1.0, 2.0 * ratio);
        h.scattering_per_mm = h.melanin / ratio;
        h.pheomelanin_share = j / 10.0;
        h.surface_reflectance = 0.005 * k;
        const double de = color::DeltaE00(LabD50(HairShaftReflectance(h, params)), *target);
        if (de < best_de) {
          best_de = de;
          best = h;
        }
      }
  if (residual_de00) *residual_de00 = best_de;
  return best;
}

bool ScalpOptions::IsValid(std::string* message) const {
  auto fail = [&](const std::string& m) {
    if (message) *message = m;
    return false;
  };
  if (width < 64 || height < 64 || width > 20000 || height > 20000)
    return fail("size must be 64-20000 pixels per side, got " + std::to_string(width) + "x" + std::to_string(height));
  if (!(px_per_mm >= 2 && px_per_mm <= 500)) return fail("px/mm must be 2-500, got " + Fmt(px_per_mm));
  if (!(skin.melanin > 0 && skin.melanin < 1)) return fail("melanin must be a fraction in (0, 1), got " + Fmt(skin.melanin));
  if (!(skin.blood > 0 && skin.blood < 1)) return fail("blood must be a fraction in (0, 1), got " + Fmt(skin.blood));
  if (!(skin.scattering_scale > 0)) return fail("scattering scale must be > 0");
  if (!(skin_variation >= 0 && skin_variation <= 0.5))
    return fail("skin variation must be 0-0.5 (relative), got " + Fmt(skin_variation));
  if (skin.melanin * (1 + skin_variation) >= 1 || skin.blood * (1 + skin_variation) >= 1)
    return fail("melanin or blood times (1 + skin variation) reaches 1");
  if (!(variation_scale_mm > 0)) return fail("variation scale must be > 0 mm");
  if (!(skin_node_mm > 0) || skin_node_mm * px_per_mm < 1) return fail("skin node spacing must be at least 1 px");
  if (follicles < 0 || follicles > 100000) return fail("follicles must be 0-100000, got " + std::to_string(follicles));
  if (!(follicle_diameter_mm >= 0.02 && follicle_diameter_mm <= 2))
    return fail("follicle diameter must be 0.02-2 mm, got " + Fmt(follicle_diameter_mm));
  if (!(follicle_core_coverage >= 0 && follicle_core_coverage <= 1)) return fail("follicle core coverage must be 0-1");
  if (!(follicle_edge >= 0 && follicle_edge <= 1)) return fail("follicle edge must be 0-1 of the radius");
  if (dots < 0 || dots > 100000) return fail("dots must be 0-100000, got " + std::to_string(dots));
  if (dots > 0 && dot_blend.empty()) return fail("dots need a recipe (PIGMENT:SHARE,...)");
  for (const auto& c : dot_blend)
    if (c.pigment == nullptr || !(c.fraction >= 0)) return fail("the dot recipe has an invalid component");
  if (!(dot_load > 0 && dot_load <= 10)) return fail("dot load must be in (0, 10], got " + Fmt(dot_load));
  std::string why;
  if (!params.IsValid(&why)) return fail("optics parameters: " + why);
  if (hairs < 0 || hairs > 100000) return fail("hairs must be 0-100000, got " + std::to_string(hairs));
  if (!(hair_length_min_mm > 0 && hair_length_max_mm >= hair_length_min_mm))
    return fail("hair length range must be positive and ordered");
  if (!(hair_width_min_mm > 0 && hair_width_max_mm >= hair_width_min_mm && hair_width_max_mm <= 1))
    return fail("hair width range must be positive, ordered and at most 1 mm");
  if (!(hair.melanin >= 0 && hair.melanin <= 1 && hair.scattering_per_mm > 0 && hair.pheomelanin_share >= 0 &&
        hair.pheomelanin_share <= 1 && hair.surface_reflectance >= 0 && hair.surface_reflectance <= 0.1))
    return fail("hair optics out of range");
  if (!(chart_max_rotation_deg >= 0 && chart_max_rotation_deg <= 45)) return fail("chart rotation must be 0-45 degrees");
  return true;
}

ScalpRender RenderScalp(const ScalpOptions& o, const CameraResponse& response, const CaptureOptions& capture) {
  std::string why;
  if (!o.IsValid(&why)) throw std::invalid_argument("scalp render options: " + why);
  if (!capture.IsValid(&why)) throw std::invalid_argument("capture options: " + why);
  const int W = o.width, H = o.height;
  const double ppm = o.px_per_mm;

  ScalpRender out;
  out.exposure = ComputeExposure(response, capture);
  const double scale = out.exposure.scale;
  auto sensor = [&](const color::Spectral36& r, float rgb[3]) {
    const Rgb raw = response.Raw36(r);
    for (int c = 0; c < 3; ++c) rgb[c] = static_cast<float>(scale * raw[c]);
  };

  // ---- Chart placement (first: everything else keeps out of it) ----
  ChartPlacement chart;
  std::vector<color::Spectral36> chart_mats;
  if (o.chart != nullptr) {
    chart.layout = LayoutOf(*o.chart);
    chart.ppm = ppm;
    Random rng(Random::Derive(o.seed, kStreamChart));
    const double theta = rng.Uniform(-1, 1) * o.chart_max_rotation_deg * M_PI / 180.0;
    chart.cos_t = std::cos(theta);
    chart.sin_t = std::sin(theta);
    const double wpx = chart.layout.width_mm * ppm, hpx = chart.layout.height_mm * ppm;
    const double bw = std::abs(chart.cos_t) * wpx + std::abs(chart.sin_t) * hpx;
    const double bh = std::abs(chart.sin_t) * wpx + std::abs(chart.cos_t) * hpx;
    const double margin = std::max(4.0, 0.5 * ppm);  // half a millimetre of skin around the card
    // Whether it fits is judged at the largest rotation, so the answer does not depend on the seed.
    const double tmax = o.chart_max_rotation_deg * M_PI / 180.0;
    const double tw = std::min(tmax, std::atan2(hpx, wpx)), th = std::min(tmax, std::atan2(wpx, hpx));
    const double bw_max = std::cos(tw) * wpx + std::sin(tw) * hpx;  // largest over [0, tmax]
    const double bh_max = std::sin(th) * wpx + std::cos(th) * hpx;
    if (std::max(bw, bw_max) + 2 * margin > W || std::max(bh, bh_max) + 2 * margin > H)
      throw std::invalid_argument("the chart '" + o.chart->id() + "' (" + Fmt(chart.layout.width_mm) + " x " +
                                  Fmt(chart.layout.height_mm) + " mm = " + std::to_string(std::lround(wpx)) + " x " +
                                  std::to_string(std::lround(hpx)) + " px at " + Fmt(ppm) +
                                  " px/mm, turned up to " + Fmt(o.chart_max_rotation_deg) + " deg) does not fit in the " +
                                  std::to_string(W) + "x" + std::to_string(H) +
                                  " frame; enlarge --size or lower --px-per-mm");
    chart.cx = rng.Uniform(margin + 0.5 * bw, W - 1 - margin - 0.5 * bw);
    chart.cy = rng.Uniform(margin + 0.5 * bh, H - 1 - margin - 0.5 * bh);
    chart_mats = PatchSpectra(*o.chart);
    color::Spectral36 card;
    card.fill(o.chart->card_reflectance() > 0 ? o.chart->card_reflectance() : 0.035);
    chart_mats.push_back(card);

    out.has_chart = true;
    ChartRender& cr = out.chart;
    const double cw = chart.layout.width_mm, chh = chart.layout.height_mm;
    cr.corners = {chart.ToPx(0, 0), chart.ToPx(cw, 0), chart.ToPx(cw, chh), chart.ToPx(0, chh)};
    for (const Point& c : chart.layout.centers_mm) cr.patch_centers.push_back(chart.ToPx(c.x, c.y));
    cr.px_per_mm = ppm;
    cr.exposure = out.exposure;
    for (size_t k = 0; k + 1 < chart_mats.size(); ++k) {
      cr.patch_camera_rgb.push_back(DevelopedLinear(response.Raw36(chart_mats[k]), out.exposure));
      cr.patch_lab.push_back(LabD50(chart_mats[k]));
    }
  }
  const double chart_margin_mm = 1.0;
  auto off_chart = [&](const Point& p, double extra_mm) {
    return !out.has_chart || !chart.Near(p.x, p.y, chart_margin_mm + extra_mm);
  };

  // ---- Dot profile: the photon-transport Monte Carlo at the nominal skin (synth/dot_mc.h) ----
  const double dot_r_mm = 0.5 * o.params.dot_diameter_mm;
  const McDot dot = McDot::Make(o);
  const double tail_mm = dot.tail_mm, extent_mm = dot.extent_mm;

  // ---- Placement: dots, then follicles, then hairs ----
  // Every core stays clean: no dot centre and no follicle within another dot's tail (where its
  // profile exceeds 1e-3), follicles do not touch each other.
  std::vector<Placed> dot_list, follicle_list;
  const double gap_px = 0.05 * ppm;
  const double tail_px = std::max(tail_mm, o.params.dot_diameter_mm + 0.05) * ppm;
  {
    Random rng(Random::Derive(o.seed, kStreamDots));
    const double border = dot_r_mm * ppm + 1.0;
    for (int n = 0; n < o.dots; ++n) {
      bool ok = false;
      for (int attempt = 0; attempt < 2000 && !ok; ++attempt) {
        const Point p{rng.Uniform(border, W - 1 - border), rng.Uniform(border, H - 1 - border)};
        if (!off_chart(p, extent_mm) || !Free(dot_list, p, [&](const Placed&) { return tail_px; })) continue;
        dot_list.push_back({p, 0});
        ScalpBlob b;
        b.center = p;
        b.diameter_mm = o.params.dot_diameter_mm;
        out.dots.push_back(b);
        ok = true;
      }
      if (!ok)
        throw std::invalid_argument("could place only " + std::to_string(n) + " of " + std::to_string(o.dots) +
                                    " dots without overlap in a " + Fmt(W / ppm) + " x " + Fmt(H / ppm) +
                                    " mm frame; lower --dots or enlarge --size");
    }
  }
  {
    Random rng(Random::Derive(o.seed, kStreamFollicles));
    for (int n = 0; n < o.follicles; ++n) {
      const double d_mm = o.follicle_diameter_mm * rng.Uniform(2.0 / 3.0, 4.0 / 3.0);
      const double outer_px = 0.5 * d_mm * (1 + 0.5 * o.follicle_edge) * ppm + 0.5;
      bool ok = false;
      for (int attempt = 0; attempt < 2000 && !ok; ++attempt) {
        const Point p{rng.Uniform(outer_px + 1, W - 2 - outer_px), rng.Uniform(outer_px + 1, H - 2 - outer_px)};
        if (!off_chart(p, 0.5 * d_mm) ||
            !Free(dot_list, p, [&](const Placed&) { return tail_px + outer_px + gap_px; }) ||
            !Free(follicle_list, p, [&](const Placed& q) { return q.radius_px + outer_px + gap_px; }))
          continue;
        follicle_list.push_back({p, outer_px});
        ScalpBlob b;
        b.center = p;
        b.diameter_mm = d_mm;
        out.follicles.push_back(b);
        ok = true;
      }
      if (!ok)
        throw std::invalid_argument("could place only " + std::to_string(n) + " of " + std::to_string(o.follicles) +
                                    " follicles without overlap in a " + Fmt(W / ppm) + " x " + Fmt(H / ppm) +
                                    " mm frame; lower --follicles or enlarge --size");
    }
  }
  {
    Random rng(Random::Derive(o.seed, kStreamHairs));
    for (int n = 0; n < o.hairs; ++n) {
      bool ok = false;
      for (int attempt = 0; attempt < 500 && !ok; ++attempt) {
        const double width_mm = rng.Uniform(o.hair_width_min_mm, o.hair_width_max_mm);
        const double length_px = rng.Uniform(o.hair_length_min_mm, o.hair_length_max_mm) * ppm;
        const double angle = rng.Uniform(0, 2 * M_PI);
        const double bend = rng.Uniform(-0.15, 0.15) * length_px;
        const double ux = std::cos(angle), uy = std::sin(angle);
        Point start;
        if (!out.follicles.empty()) {
          // A hair grows out of a follicle: it starts just outside the opening's disc.
          const ScalpBlob& f = out.follicles[std::min(out.follicles.size() - 1,
                                                      static_cast<size_t>(rng.Uniform() * out.follicles.size()))];
          const double r0 = 0.5 * f.diameter_mm * (1 + 0.5 * o.follicle_edge) * ppm + 0.5 * width_mm * ppm + 0.5;
          start = {f.center.x + r0 * ux, f.center.y + r0 * uy};
        } else {
          start = {rng.Uniform(0, W - 1), rng.Uniform(0, H - 1)};
        }
        // A quadratic Bezier bent sideways by `bend`, as a 12-segment polyline.
        const Point end{start.x + length_px * ux, start.y + length_px * uy};
        const Point mid{0.5 * (start.x + end.x) - bend * uy, 0.5 * (start.y + end.y) + bend * ux};
        ScalpHair h;
        h.width_mm = width_mm;
        bool clear = true;
        for (int k = 0; k <= 12 && clear; ++k) {
          const double t = k / 12.0;
          const Point q{(1 - t) * (1 - t) * start.x + 2 * t * (1 - t) * mid.x + t * t * end.x,
                        (1 - t) * (1 - t) * start.y + 2 * t * (1 - t) * mid.y + t * t * end.y};
          clear = off_chart(q, width_mm);
          h.points.push_back(q);
        }
        if (!clear) continue;
        out.hairs.push_back(std::move(h));
        ok = true;
      }
      if (!ok)
        throw std::invalid_argument("could place only " + std::to_string(n) + " of " + std::to_string(o.hairs) +
                                    " hairs off the chart; lower --hairs or enlarge --size");
    }
  }

  // ---- Spectra ----
  SkinField skin(o, response, scale);
  out.skin_mean = skin.Mean(W, H);
  out.skin_lab = LabD50(out.skin_mean);
  out.skin_camera_rgb = DevelopedLinear(response.Raw36(out.skin_mean), out.exposure);

  out.hair_reflectance = HairShaftReflectance(o.hair, o.params);
  out.hair_lab = LabD50(out.hair_reflectance);
  float hair_rgb[3];
  sensor(out.hair_reflectance, hair_rgb);

  out.follicle_core = Mix(out.skin_mean, out.hair_reflectance, o.follicle_core_coverage);
  out.follicle_lab = LabD50(out.follicle_core);
  out.follicle_camera_rgb = DevelopedLinear(response.Raw36(out.follicle_core), out.exposure);

  if (!dot.empty()) {
    out.dot_model = dot.Truth(o);
    out.dot_camera_rgb = DevelopedLinear(response.Raw36(out.dot_model.dot_reflectance), out.exposure);
  }

  // ---- Drawing: skin, dots (beneath the surface), follicles, hairs (on it), the chart (on top) ----
  out.image = ImageF(W, H, 3);
  skin.Fill(&out.image);

  DrawDots(dot, skin, sensor, ppm, &out.image, &out.dots);

  for (ScalpBlob& b : out.follicles) {
    const double r_px = 0.5 * b.diameter_mm * ppm;
    // Soft edge: coverage falls from the core value to 0 across [r_in, r_out] (at least 1 px wide).
    const double half_edge = std::max(0.5 * o.follicle_edge * r_px, 0.5);
    const double r_in = std::max(0.0, r_px - half_edge), r_out = r_px + half_edge;
    b.lab = LabD50(Mix(skin.SpectrumAt(b.center.x, b.center.y), out.hair_reflectance, o.follicle_core_coverage));
    const int x0 = std::max(0, static_cast<int>(std::floor(b.center.x - r_out)));
    const int x1 = std::min(W - 1, static_cast<int>(std::ceil(b.center.x + r_out)));
    const int y0 = std::max(0, static_cast<int>(std::floor(b.center.y - r_out)));
    const int y1 = std::min(H - 1, static_cast<int>(std::ceil(b.center.y + r_out)));
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        const double rho = std::hypot(x - b.center.x, y - b.center.y);
        if (rho >= r_out) continue;
        const double t = rho <= r_in ? 0.0 : (rho - r_in) / (r_out - r_in);
        Over(&out.image, x, y, hair_rgb, static_cast<float>(o.follicle_core_coverage * (1.0 - SmoothStep(t))));
      }
    }
  }

  std::vector<float> cover;
  for (const ScalpHair& h : out.hairs) {
    // Area coverage of a stroke of half-width hw at distance d from the centre line (box filter of
    // one pixel): clamp(hw + 0.5 - d, 0, 1), scaled down for strokes thinner than a pixel.
    const double hw = 0.5 * h.width_mm * ppm;
    const double thin = std::min(1.0, 2.0 * hw);
    double bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
    for (const Point& p : h.points) {
      bx0 = std::min(bx0, p.x);
      by0 = std::min(by0, p.y);
      bx1 = std::max(bx1, p.x);
      by1 = std::max(by1, p.y);
    }
    const double pad = hw + 1.0;
    const int x0 = std::max(0, static_cast<int>(std::floor(bx0 - pad)));
    const int x1 = std::min(W - 1, static_cast<int>(std::ceil(bx1 + pad)));
    const int y0 = std::max(0, static_cast<int>(std::floor(by0 - pad)));
    const int y1 = std::min(H - 1, static_cast<int>(std::ceil(by1 + pad)));
    if (x0 > x1 || y0 > y1) continue;  // entirely outside the frame
    const int bw = x1 - x0 + 1;
    cover.assign(static_cast<size_t>(bw) * (y1 - y0 + 1), 0.0f);
    for (size_t k = 0; k + 1 < h.points.size(); ++k) {
      const Point& a = h.points[k];
      const Point& b = h.points[k + 1];
      const int sx0 = std::max(x0, static_cast<int>(std::floor(std::min(a.x, b.x) - pad)));
      const int sx1 = std::min(x1, static_cast<int>(std::ceil(std::max(a.x, b.x) + pad)));
      const int sy0 = std::max(y0, static_cast<int>(std::floor(std::min(a.y, b.y) - pad)));
      const int sy1 = std::min(y1, static_cast<int>(std::ceil(std::max(a.y, b.y) + pad)));
      for (int y = sy0; y <= sy1; ++y)
        for (int x = sx0; x <= sx1; ++x) {
          const double d = DistanceToSegment({static_cast<double>(x), static_cast<double>(y)}, a, b);
          const float f = static_cast<float>(thin * std::clamp(hw + 0.5 - d, 0.0, 1.0));
          float& c = cover[static_cast<size_t>(y - y0) * bw + (x - x0)];
          c = std::max(c, f);
        }
    }
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const float f = cover[static_cast<size_t>(y - y0) * bw + (x - x0)];
        if (f > 0) Over(&out.image, x, y, hair_rgb, f);
      }
  }
  // A blob is occluded when a hair's stroke reaches its core.
  auto mark_occluded = [&](std::vector<ScalpBlob>* blobs, double core_frac) {
    for (ScalpBlob& b : *blobs)
      for (const ScalpHair& h : out.hairs)
        if (DistanceToPolyline(b.center, h.points) < core_frac * 0.5 * b.diameter_mm * ppm + 0.5 * h.width_mm * ppm + 0.5)
          b.occluded = true;
  };
  mark_occluded(&out.dots, 1.0);
  mark_occluded(&out.follicles, 1.0 - 0.5 * o.follicle_edge);

  if (out.has_chart) {
    std::vector<std::array<float, 3>> mat_rgb(chart_mats.size());
    for (size_t k = 0; k < chart_mats.size(); ++k) sensor(chart_mats[k], mat_rgb[k].data());
    const std::array<Point, 4>& c = out.chart.corners;
    const int x0 = std::max(0, static_cast<int>(std::floor(std::min({c[0].x, c[1].x, c[2].x, c[3].x}))) - 1);
    const int x1 = std::min(W - 1, static_cast<int>(std::ceil(std::max({c[0].x, c[1].x, c[2].x, c[3].x}))) + 1);
    const int y0 = std::max(0, static_cast<int>(std::floor(std::min({c[0].y, c[1].y, c[2].y, c[3].y}))) - 1);
    const int y1 = std::min(H - 1, static_cast<int>(std::ceil(std::max({c[0].y, c[1].y, c[2].y, c[3].y}))) + 1);
    constexpr int kSs = 3;  // supersamples per pixel side: area-weighted edges
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        float* p = &out.image.data[(static_cast<size_t>(y) * W + x) * 3];
        auto material = [&](int sx, int sy) {
          const Point uv = chart.ToMm(x + (sx + 0.5) / kSs - 0.5, y + (sy + 0.5) / kSs - 0.5);
          return PatchAtMm(chart.layout, uv.x, uv.y);
        };
        // Inside one surface (the four corner samples and the centre agree; the chart's features
        // are far wider than a pixel): no supersampling.
        const int m0 = material(0, 0);
        if (material(kSs - 1, 0) == m0 && material(0, kSs - 1) == m0 && material(kSs - 1, kSs - 1) == m0 &&
            material(kSs / 2, kSs / 2) == m0) {
          if (m0 >= 0) std::copy(mat_rgb[m0].begin(), mat_rgb[m0].end(), p);
          continue;
        }
        float acc[3] = {0, 0, 0};
        for (int sy = 0; sy < kSs; ++sy)
          for (int sx = 0; sx < kSs; ++sx) {
            const int k = material(sx, sy);
            const float* v = k < 0 ? p : mat_rgb[k].data();
            for (int ch = 0; ch < 3; ++ch) acc[ch] += v[ch];
          }
        for (int ch = 0; ch < 3; ++ch) p[ch] = acc[ch] / (kSs * kSs);
      }
  }

  Develop(&out.image, out.exposure, capture, o.seed);
  return out;
}

}  // namespace shadecast::synth
