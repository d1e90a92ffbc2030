#include "synth/scene.h"

#include <stdexcept>

namespace shadecast::synth {

ImageF RenderMaterialScene(const MaterialScene& scene, const CameraResponse& response, double exposure,
                           int width, int height, int supersample) {
  if (width <= 0 || height <= 0 || supersample < 1)
    throw std::invalid_argument("RenderMaterialScene: size and supersampling must be positive");
  const auto& mats = scene.materials();
  std::vector<Rgb> rgb(mats.size());
  for (size_t i = 0; i < mats.size(); ++i) {
    rgb[i] = response.Raw36(mats[i]);
    for (double& v : rgb[i]) v *= exposure;
  }
  ImageF out(width, height, 3);
  const int ss = supersample;
  const double step = 1.0 / ss, inv = 1.0 / (ss * ss);
  const int nmat = static_cast<int>(mats.size());
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      double acc[3] = {0, 0, 0};
      int first = -1;
      bool uniform = true;
      for (int sy = 0; sy < ss; ++sy) {
        for (int sx = 0; sx < ss; ++sx) {
          const int m = scene.MaterialAt(x + (sx + 0.5) * step, y + (sy + 0.5) * step);
          if (m < 0 || m >= nmat) throw std::logic_error("MaterialScene returned an invalid material index");
          if (first < 0) first = m;
          uniform = uniform && m == first;
          for (int c = 0; c < 3; ++c) acc[c] += rgb[m][c];
        }
      }
      float* p = &out.data[(static_cast<size_t>(y) * width + x) * 3];
      for (int c = 0; c < 3; ++c) p[c] = static_cast<float>(uniform ? rgb[first][c] : acc[c] * inv);
    }
  }
  return out;
}

ImageF RenderSpectralImage(const SpectralImage& scene, const CameraResponse& response, double exposure) {
  const size_t n = static_cast<size_t>(scene.width) * scene.height;
  if (scene.width <= 0 || scene.height <= 0 || scene.reflectance.size() != n * color::kBands)
    throw std::invalid_argument("RenderSpectralImage: reflectance must hold width * height * 36 values");
  ImageF out(scene.width, scene.height, 3);
  const auto& w = response.weights();
  for (size_t i = 0; i < n; ++i) {
    const float* r = &scene.reflectance[i * color::kBands];
    for (int c = 0; c < 3; ++c) {
      double s = 0;
      for (int k = 0; k < color::kBands; ++k) s += w[c][k] * r[k];
      out.data[i * 3 + c] = static_cast<float>(exposure * s);
    }
  }
  return out;
}

}  // namespace shadecast::synth
