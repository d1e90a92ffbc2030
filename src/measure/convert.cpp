// Device RGB -> L*a*b* D50 planes with tables (measure.h, LabConverter).
#include <algorithm>
#include <cassert>
#include <cmath>

#include "calib/mapping.h"
#include "color/lab.h"
#include "measure/measure.h"

namespace shadecast::measure {
namespace {
constexpr float kCbrtMax = 2.0f;   // f(t) tabulated on [0, 2]; beyond, std::cbrt
constexpr int kCbrtN = 16384;
constexpr double kEps = 216.0 / 24389.0, kKappa = 24389.0 / 27.0;

double LabF(double t) { return t > kEps ? std::cbrt(t) : (kKappa * t + 16.0) / 116.0; }
}  // namespace

LabConverter::LabConverter(const pb::CameraProfile& profile, int levels) : levels_(levels) {
  if (levels < 1 || levels > 65535) throw std::invalid_argument("LabConverter: levels must be 1-65535");
  const calib::ProfileTransform t(profile);  // validates
  n_terms_ = t.n_terms();
  coef_.assign(t.coefficients().begin(), t.coefficients().end());
  // Fold the white into the coefficients: rows give X/Xw, Y/Yw, Z/Zw.
  for (int c = 0; c < 3; ++c)
    for (int j = 0; j < n_terms_; ++j) coef_[c * n_terms_ + j] /= static_cast<float>(color::kIccD50White[c]);
  for (int c = 0; c < 3; ++c) {
    lin_[c].resize(levels + 1);
    sqrt_[c].resize(levels + 1);
  }
  for (int i = 0; i <= levels; ++i) {
    const double v = static_cast<double>(i) / levels;
    const calib::Rgb n = t.Normalised({v, v, v});  // per-channel linearisation and exposure
    for (int c = 0; c < 3; ++c) {
      lin_[c][i] = static_cast<float>(n[c]);
      sqrt_[c][i] = static_cast<float>(std::sqrt(std::max(n[c], 0.0)));
    }
  }
  if (levels == 255) {
    // Y (white 1) as three pair tables over 8-bit codes: the linear terms and the cross terms of the
    // model's Y row, each pair of channels in one table (3 reads a pixel instead of 6 and 9 products).
    const float* k = coef_.data() + n_terms_;
    const auto cross = [&](int j) { return n_terms_ == 6 ? k[j] : 0.0f; };
    for (auto& t : pair_) t.resize(256 * 256);
    for (int u = 0; u < 256; ++u)
      for (int v = 0; v < 256; ++v) {
        const size_t i = static_cast<size_t>(u) * 256 + v;
        pair_[0][i] = k[0] * lin_[0][u] + cross(3) * (sqrt_[0][u] * sqrt_[1][v]);  // (r, g)
        pair_[1][i] = k[1] * lin_[1][u] + cross(4) * (sqrt_[1][u] * sqrt_[2][v]);  // (g, b)
        pair_[2][i] = k[2] * lin_[2][v] + cross(5) * (sqrt_[0][u] * sqrt_[2][v]);  // (r, b)
      }
  }
  cbrt_.resize(kCbrtN + 2);
  for (int i = 0; i <= kCbrtN + 1; ++i) cbrt_[i] = static_cast<float>(LabF(double(kCbrtMax) * i / kCbrtN));
}

// The per-pixel pieces of the conversion, shared by Convert, ConvertL and PixelToLab.
struct LabConverter::Kernel {
  float scale, inv_step;
  const float* cb;
  const float* k;
  int n;
  const std::vector<float>* lin;
  const std::vector<float>* sq;
  float F(float t) const {
    if (t < 0) return static_cast<float>((kKappa * t + 16.0) / 116.0);
    if (t >= kCbrtMax) return std::cbrt(t);
    const float u = t * inv_step;
    const int i = static_cast<int>(u);
    const float w = u - i;
    return cb[i] + w * (cb[i + 1] - cb[i]);
  }
  // Device RGB -> the model's terms (linear, then the root-polynomial cross terms).
  void Terms(const float* src, float t[6]) const {
    int q[3];
    for (int c = 0; c < 3; ++c) q[c] = static_cast<int>(std::clamp(src[c], 0.0f, 1.0f) * scale + 0.5f);
    t[0] = lin[0][q[0]], t[1] = lin[1][q[1]], t[2] = lin[2][q[2]];
    if (n == 6) {
      const float sr = sq[0][q[0]], sg = sq[1][q[1]], sb = sq[2][q[2]];
      t[3] = sr * sg, t[4] = sg * sb, t[5] = sr * sb;
    }
  }
  float Row(int c, const float t[6]) const {
    float s = 0;
    for (int j = 0; j < n; ++j) s += k[c * n + j] * t[j];
    return s;
  }
};

LabConverter::Kernel LabConverter::MakeKernel() const {
  return {static_cast<float>(levels_), kCbrtN / kCbrtMax, cbrt_.data(), coef_.data(), n_terms_, lin_, sqrt_};
}

void LabConverter::Convert(const ImageF& rgb, int x0, int y0, int w, int h, float* lp, float* ap,
                           float* bp) const {
  assert(rgb.channels == 3 && x0 >= 0 && y0 >= 0 && x0 + w <= rgb.width && y0 + h <= rgb.height);
  const Kernel K = MakeKernel();
  for (int y = 0; y < h; ++y) {
    const float* src = rgb.data.data() + (static_cast<size_t>(y0 + y) * rgb.width + x0) * 3;
    float* lo = lp + static_cast<size_t>(y) * w;
    float* ao = ap + static_cast<size_t>(y) * w;
    float* bo = bp + static_cast<size_t>(y) * w;
    for (int x = 0; x < w; ++x) {
      float t[6];
      K.Terms(src + 3 * x, t);
      const float fx = K.F(K.Row(0, t)), fy = K.F(K.Row(1, t)), fz = K.F(K.Row(2, t));
      lo[x] = 116.0f * fy - 16.0f;
      ao[x] = 500.0f * (fx - fy);
      bo[x] = 200.0f * (fy - fz);
    }
  }
}

void LabConverter::ConvertL(const ImageF& rgb, int x0, int y0, int w, int h, float* lp) const {
  assert(rgb.channels == 3 && x0 >= 0 && y0 >= 0 && x0 + w <= rgb.width && y0 + h <= rgb.height);
  const Kernel K = MakeKernel();
  const bool pairs = !pair_[0].empty() && !pair_tables_off_;
  std::vector<uint8_t> q(pairs ? static_cast<size_t>(3) * w : 0);
  for (int y = 0; y < h; ++y) {
    const float* src = rgb.data.data() + (static_cast<size_t>(y0 + y) * rgb.width + x0) * 3;
    float* lo = lp + static_cast<size_t>(y) * w;
    if (pairs) {
      // The row's codes first (a loop the compiler vectorises), then three table reads a pixel.
      for (int i = 0; i < 3 * w; ++i) q[i] = static_cast<uint8_t>(std::clamp(src[i], 0.0f, 1.0f) * 255.0f + 0.5f);
      const float *rg = pair_[0].data(), *gb = pair_[1].data(), *rb = pair_[2].data();
      for (int x = 0; x < w; ++x) {
        const unsigned r = q[3 * x], g = q[3 * x + 1], b = q[3 * x + 2];
        lo[x] = 116.0f * K.F(rg[r << 8 | g] + gb[g << 8 | b] + rb[r << 8 | b]) - 16.0f;
      }
      continue;
    }
    for (int x = 0; x < w; ++x) {
      float t[6];
      K.Terms(src + 3 * x, t);
      lo[x] = 116.0f * K.F(K.Row(1, t)) - 16.0f;
    }
  }
}

color::Lab LabConverter::PixelToLab(const float* device_rgb) const {
  const Kernel K = MakeKernel();
  float t[6];
  K.Terms(device_rgb, t);
  const float fx = K.F(K.Row(0, t)), fy = K.F(K.Row(1, t)), fz = K.F(K.Row(2, t));
  return {116.0f * fy - 16.0f, 500.0f * (fx - fy), 200.0f * (fy - fz)};
}

color::Xyz LabConverter::PixelToXyz(const float* device_rgb) const {
  const Kernel K = MakeKernel();
  float t[6];
  K.Terms(device_rgb, t);
  return {K.Row(0, t) * color::kIccD50White[0], K.Row(1, t) * color::kIccD50White[1], K.Row(2, t) * color::kIccD50White[2]};
}

calib::Rgb LabConverter::Normalised(const float* device_rgb) const {
  const Kernel K = MakeKernel();
  float t[6];
  K.Terms(device_rgb, t);
  return {t[0], t[1], t[2]};
}

color::Lab LabConverter::ToLab(const calib::Rgb& device) const {
  const float px[3] = {static_cast<float>(device[0]), static_cast<float>(device[1]), static_cast<float>(device[2])};
  return PixelToLab(px);
}

}  // namespace shadecast::measure
