#pragma once
// Ground truth beside every synthetic image (shadecast.pb.Truth), and `synth patches`: camera RGB
// and true L*a*b* D50 of arbitrary reflectances at the same exposure as a chart render.
#include <cstdint>
#include <string>
#include <vector>

#include "color/spectrum.h"
#include "color/triple.h"
#include "shadecast/synth.pb.h"
#include "synth/chart.h"
#include "synth/pipeline.h"
#include "synth/scalp.h"

namespace shadecast::synth {

// Truth of a chart render: patches (index, name, lab, centre, camera_rgb), corners, px_per_mm,
// camera, light, chart, seed and the capture settings.
pb::Truth ChartTruth(const pb::ChartDefinition& chart, const ChartRender& render, const ChartRenderOptions& options,
                     const CaptureOptions& capture, const CameraResponse& response);

// Truth of a scalp render: skin, follicle, dots (nominal cores, counts, centres, per-blob cores),
// hairs, px_per_mm, and the chart truth (patches, corners) when a chart is in the frame.
pb::Truth ScalpTruth(const ScalpRender& render, const ScalpOptions& options, const CaptureOptions& capture,
                     const CameraResponse& response);

struct PatchesResult {
  std::vector<Rgb> rgb;           // developed values in the capture's encoding (noise if asked), 0-1
  std::vector<Rgb> camera_rgb;    // noiseless developed linear RGB (unclipped)
  std::vector<color::Lab> lab;    // true L*a*b* D50
  Exposure exposure;
};
// Each reflectance as one pixel through the same exposure, noise, clipping, white balance and
// encoding as RenderChart (no blur or vignetting: a patch interior), seeded by `seed`.
PatchesResult RenderPatches(const std::vector<color::Spectral36>& reflectances, const CameraResponse& response,
                            const CaptureOptions& capture, uint64_t seed);

}  // namespace shadecast::synth
