#pragma once
// What the camera sees, before the capture pipeline: a scene turns into a sensor image (linear
// camera RGB times the exposure scale). Two kinds of scene source are supported, so the scalp
// renderer can reuse the pipeline:
//   * MaterialScene: a few surfaces with 36-band reflectances and a function telling which one is
//     at a point of the frame (charts; dots on skin drawn as discs). Rendered with supersampling, so
//     edges are area-weighted.
//   * SpectralImage: a reflectance spectrum per pixel (a skin map from the optics model).
#include <cstdint>
#include <vector>

#include "color/spectrum.h"
#include "synth/camera.h"
#include "synth/image.h"

namespace shadecast::synth {

class MaterialScene {
 public:
  virtual ~MaterialScene() = default;
  // Index into materials() of the surface seen at frame point (x, y), in pixels (pixel centres at
  // integer + 0.5).
  virtual int MaterialAt(double x, double y) const = 0;
  virtual const std::vector<color::Spectral36>& materials() const = 0;
};

struct SpectralImage {
  int width = 0;
  int height = 0;
  std::vector<float> reflectance;  // width * height * 36, band-interleaved per pixel, 0-1
};

// Sensor image (RGB) of a material scene: each pixel is the mean of supersample x supersample
// samples of exposure * CameraResponse::Raw36(material).
ImageF RenderMaterialScene(const MaterialScene& scene, const CameraResponse& response, double exposure,
                           int width, int height, int supersample = 2);

// Sensor image (RGB) of per-pixel spectra.
ImageF RenderSpectralImage(const SpectralImage& scene, const CameraResponse& response, double exposure);

}  // namespace shadecast::synth
