#include "synth/pipeline.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "color/adapt.h"
#include "color/csv.h"
#include "synth/random.h"

namespace shadecast::synth {

std::string EncodingToString(Encoding e) {
  switch (e) {
    case Encoding::kSrgb8: return "srgb8";
    case Encoding::kLinear16: return "linear16";
    case Encoding::kLinear: return "linear";
  }
  return "?";
}

Encoding EncodingFromString(const std::string& s) {
  for (Encoding e : {Encoding::kSrgb8, Encoding::kLinear16, Encoding::kLinear})
    if (s == EncodingToString(e)) return e;
  throw std::invalid_argument("unknown encoding '" + s + "' (known: srgb8, linear16, linear)");
}

std::string NoiseModel::ToString() const {
  switch (kind) {
    case Kind::kNone: return "none";
    case Kind::kRealistic: return "realistic";
    case Kind::kGaussian: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", sigma);
      return buf;
    }
  }
  return "?";
}

NoiseModel NoiseModel::FromString(const std::string& s) {
  NoiseModel m;
  if (s == "realistic") return m;
  if (s == "none") {
    m.kind = Kind::kNone;
    return m;
  }
  double sigma = 0;
  if (!color::ParseDouble(s, &sigma) || sigma < 0 || sigma > 1)
    throw std::invalid_argument("noise '" + s +
                                "': expected realistic, none, or a sigma 0-1 (fraction of full scale)");
  m.kind = sigma == 0 ? Kind::kNone : Kind::kGaussian;
  m.sigma = sigma;
  return m;
}

bool CaptureOptions::IsValid(std::string* message) const {
  auto fail = [&](const std::string& m) {
    if (message) *message = m;
    return false;
  };
  if (!(white_level > 0 && white_level <= 1)) return fail("white_level must be in (0, 1]");
  if (!(blur_px >= 0 && blur_px <= 50)) return fail("blur must be 0-50 px");
  if (!(vignetting >= 0 && vignetting <= 0.9)) return fail("vignetting must be 0-0.9");
  if (noise.kind == NoiseModel::Kind::kRealistic && !(noise.full_well_e > 0 && noise.read_noise_e >= 0))
    return fail("noise: full well must be > 0 and read noise >= 0 electrons");
  if (noise.kind == NoiseModel::Kind::kGaussian && !(noise.sigma >= 0 && noise.sigma <= 1))
    return fail("noise sigma must be 0-1");
  return true;
}

Exposure ComputeExposure(const CameraResponse& response, const CaptureOptions& options) {
  Exposure e;
  const Rgb& w = response.white();  // green = 1 by construction
  e.scale = options.white_level / std::max({w[0], w[1], w[2]});
  for (int c = 0; c < 3; ++c) e.wb_gains[c] = options.white_balance ? w[1] / w[c] : 1.0;
  return e;
}

Rgb DevelopedLinear(const Rgb& raw, const Exposure& exposure) {
  return {exposure.wb_gains[0] * exposure.scale * raw[0], exposure.wb_gains[1] * exposure.scale * raw[1],
          exposure.wb_gains[2] * exposure.scale * raw[2]};
}

void EncodeSrgbInPlace(std::vector<float>* values) {
  constexpr int kN = 4096;
  static const std::vector<float> table = [] {
    std::vector<float> t(kN + 2);
    for (int i = 0; i <= kN; ++i) t[i] = static_cast<float>(color::SrgbEncode(static_cast<double>(i) / kN));
    t[kN + 1] = t[kN];
    return t;
  }();
  for (float& v : *values) {
    const float x = std::clamp(v, 0.0f, 1.0f) * kN;
    const int i = static_cast<int>(x);
    const float t = x - static_cast<float>(i);
    v = table[i] + t * (table[i + 1] - table[i]);
  }
}

void Develop(ImageF* img, const Exposure& exposure, const CaptureOptions& options, uint64_t seed) {
  std::string why;
  if (!options.IsValid(&why)) throw std::invalid_argument("capture options: " + why);
  if (img->channels != 3) throw std::invalid_argument("Develop expects an RGB image");
  const int w = img->width, h = img->height;
  float* px = img->data.data();

  if (options.vignetting > 0) {
    const double cx = 0.5 * (w - 1), cy = 0.5 * (h - 1);
    const double r2max = cx * cx + cy * cy;
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        const double r2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / std::max(r2max, 1.0);
        const float g = static_cast<float>(1.0 - options.vignetting * r2);
        float* p = px + (static_cast<size_t>(y) * w + x) * 3;
        p[0] *= g;
        p[1] *= g;
        p[2] *= g;
      }
    }
  }
  if (options.blur_px > 0 && w > 1 && h > 1) {
    cv::Mat m(h, w, CV_32FC3, px);  // wraps the buffer, no copy
    cv::GaussianBlur(m, m, cv::Size(0, 0), options.blur_px, options.blur_px, cv::BORDER_REFLECT);
  }

  const size_t n = img->data.size();
  const NoiseModel& nm = options.noise;
  if (nm.kind == NoiseModel::Kind::kRealistic) {
    Random rng(Random::Derive(seed, 2));
    const double fw = nm.full_well_e, inv = 1.0 / nm.full_well_e;
    const double read_var = nm.read_noise_e * nm.read_noise_e;
    for (size_t i = 0; i < n; ++i) {
      const double e = std::clamp(static_cast<double>(px[i]), 0.0, 1.0) * fw;
      // Above 30 e- the Poisson count is drawn as a normal; shot and read noise then add as one
      // normal of variance e + read^2 (one draw per value: this loop is most of a render's time).
      const double counted = e < 30.0 ? rng.Poisson(e) + nm.read_noise_e * rng.Normal()
                                      : e + std::sqrt(e + read_var) * rng.Normal();
      px[i] = static_cast<float>(counted * inv);
    }
  } else if (nm.kind == NoiseModel::Kind::kGaussian) {
    Random rng(Random::Derive(seed, 2));
    for (size_t i = 0; i < n; ++i) px[i] = static_cast<float>(px[i] + nm.sigma * rng.Normal());
  }

  // Sensor clipping, white balance, output clipping.
  const float g[3] = {static_cast<float>(exposure.wb_gains[0]), static_cast<float>(exposure.wb_gains[1]),
                      static_cast<float>(exposure.wb_gains[2])};
  for (size_t i = 0; i < n; ++i) {
    const float s = std::clamp(px[i], 0.0f, 1.0f);
    px[i] = std::min(1.0f, s * g[i % 3]);
  }
  if (options.encoding == Encoding::kSrgb8) EncodeSrgbInPlace(&img->data);
}

}  // namespace shadecast::synth
