#include "synth/appearance_truth.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "color/camera.h"
#include "color/colorimetry.h"

namespace shadecast::synth {
namespace {

// The CIE 1931 observer as a camera: its raw RGB under a light is XYZ with Y = 1 for the perfect
// white (color/camera.h).
const CameraResponse& ObserverUnderD50() {
  static const CameraResponse response = [] {
    const color::Observer& obs = color::Cie1931();
    CameraSensitivity cmf;
    cmf.name = "CIE 1931 2 deg observer";
    cmf.wavelengths_nm = obs.nm;
    cmf.rgb = {obs.xbar, obs.ybar, obs.zbar};
    cmf.Validate();
    return CameraResponse(cmf, color::CieIlluminant("D50"));
  }();
  return response;
}

FeatureLookTruth LookOf(const color::XyzPlanes& planes, const RectI& region, const std::vector<ScalpBlob>& blobs,
                        const color::Xyz& skin, const color::ViewingOptions& viewing, double ppm, double skin_area_px) {
  FeatureLookTruth t;
  color::AppearanceInputs in;
  in.image = &planes;
  in.skin = skin;
  in.camera_sigma_px = 0;
  for (const ScalpBlob& b : blobs)
    if (region.Contains(b.center.x, b.center.y)) in.centres.push_back({b.center.x - region.x, b.center.y - region.y});
  t.count = static_cast<int>(in.centres.size());
  // Density as the measurement defines it: every feature of the frame over the frame less the chart's box.
  t.density_per_cm2 = blobs.size() / (skin_area_px / (ppm * ppm) / 100.0);
  t.look = color::ComputeAppearance(in, viewing);
  return t;
}

}  // namespace

SceneLookTruth ComputeSceneLookTruth(const ScalpOptions& options, const color::ViewingOptions& viewing) {
  ScalpOptions o = options;
  o.hairs = 0;  // hair shafts lying on the skin are what the measurement must see past
  CaptureOptions clean;
  clean.white_level = 1.0;  // brightest channel of the white (Y) at 1: pixels are XYZ, Y = 1 white
  clean.white_balance = false;
  clean.noise.kind = NoiseModel::Kind::kNone;
  clean.blur_px = 0;
  clean.vignetting = 0;
  clean.encoding = Encoding::kLinear;
  const CameraResponse& xyz = ObserverUnderD50();
  const ScalpRender r = RenderScalp(o, xyz, clean);

  SceneLookTruth out;
  const RectI frame{0, 0, o.width, o.height};
  out.region = frame;
  double skin_area_px = static_cast<double>(frame.area());
  if (r.has_chart) {
    std::array<std::array<double, 2>, 4> c;
    for (int k = 0; k < 4; ++k) c[k] = {r.chart.corners[k].x, r.chart.corners[k].y};
    const RectI box = BoundingBox(c, 1.0 * o.px_per_mm);
    out.region = LargestRectBeside(frame, box);
    const int bw = std::min(frame.w, box.x + box.w) - std::max(0, box.x), bh = std::min(frame.h, box.y + box.h) - std::max(0, box.y);
    if (bw > 0 && bh > 0) skin_area_px -= static_cast<double>(bw) * bh;
  }
  out.region = CapCentred(out.region, static_cast<int>(std::lround(viewing.max_region_side_mm * o.px_per_mm)));
  if (out.region.area() <= 0) throw std::invalid_argument("scalp render: no skin beside the chart for the look");
  const Rgb s = xyz.Raw36(r.skin_mean);
  out.skin = {s[0], s[1], s[2]};

  const RectI& g = out.region;
  color::XyzPlanes planes(g.w, g.h, o.px_per_mm, o.px_per_mm);
  for (int y = 0; y < g.h; ++y)
    for (int x = 0; x < g.w; ++x)
      for (int c = 0; c < 3; ++c)
        planes.c[c][static_cast<size_t>(y) * g.w + x] = r.image.At(g.x + x, g.y + y, c);
  auto any_in = [&](const std::vector<ScalpBlob>& v) {
    for (const ScalpBlob& b : v)
      if (g.Contains(b.center.x, b.center.y)) return true;
    return false;
  };
  if (any_in(r.follicles)) out.follicles = LookOf(planes, g, r.follicles, out.skin, viewing, o.px_per_mm, skin_area_px);
  if (any_in(r.dots)) out.dots = LookOf(planes, g, r.dots, out.skin, viewing, o.px_per_mm, skin_area_px);
  return out;
}

}  // namespace shadecast::synth
