#pragma once
// A colour chart photographed in perspective: geometry from a ChartDefinition (physical size, patch
// pitch), patch spectra from its reflectance fields, placement drawn from the seed.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "color/spectrum.h"
#include "color/triple.h"
#include "shadecast/chart.pb.h"
#include "image/chart_layout.h"
#include "synth/camera.h"
#include "synth/image.h"
#include "synth/pipeline.h"

namespace shadecast::synth {

// The chart geometry lives in image/chart_layout.h; its names are kept here for the synthesiser.
using ::shadecast::ChartLayout;
using ::shadecast::LabD50;
using ::shadecast::LayoutOf;
using ::shadecast::PatchAtMm;
using ::shadecast::PatchSpectra;
using ::shadecast::Point;

struct ChartRenderOptions {
  int width = 2048;                    // frame size in pixels (default 3.1 MP)
  int height = 1536;
  double chart_fraction = 0.55;        // chart width / frame width before the perspective jitter
  double perspective = 0.10;           // each corner moves up to this fraction of the chart width
  double center_jitter = 0.08;         // chart centre moves up to this fraction of the frame size
  double background_reflectance = 0.25;  // flat grey surface around the card
  int supersample = 2;                 // samples per pixel side (anti-aliased edges)
  uint64_t seed = 1;                   // placement and noise

  bool IsValid(std::string* message) const;
};

// Pixel coordinates follow OpenCV: the centre of pixel (0, 0) is (0, 0).
struct ChartRender {
  ImageF image;                    // developed, 0-1 in the options' encoding
  std::array<Point, 4> corners;    // card corners in pixels: top-left, top-right, bottom-right, bottom-left
  std::vector<Point> patch_centers;
  double px_per_mm = 0;            // sqrt(card area in px^2 / card area in mm^2)
  std::vector<Rgb> patch_camera_rgb;  // noiseless developed linear RGB
  std::vector<color::Lab> patch_lab;  // true L*a*b* D50
  Exposure exposure;
};

ChartRender RenderChart(const pb::ChartDefinition& chart, const CameraResponse& response,
                        const ChartRenderOptions& options, const CaptureOptions& capture);

}  // namespace shadecast::synth
