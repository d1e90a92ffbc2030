#include "synth/truth.h"

#include <stdexcept>

#include "synth/random.h"

namespace shadecast::synth {
namespace {
void SetCapture(const CaptureOptions& capture, const Exposure& e, pb::Truth* t) {
  t->set_encoding(EncodingToString(capture.encoding));
  t->set_noise(capture.noise.ToString());
  t->set_exposure(e.scale);
  for (double g : e.wb_gains) t->add_wb_gains(g);
  t->set_blur_px(capture.blur_px);
  t->set_vignetting(capture.vignetting);
}
}  // namespace

pb::Truth ChartTruth(const pb::ChartDefinition& chart, const ChartRender& r, const ChartRenderOptions& o,
                     const CaptureOptions& capture, const CameraResponse& response) {
  pb::Truth t;
  t.set_camera(response.camera_name());
  t.set_illuminant(response.light_name());
  t.set_chart(chart.id());
  for (size_t k = 0; k < r.patch_lab.size(); ++k) {
    pb::TruthPatch* p = t.add_patches();
    p->set_index(chart.patches(static_cast<int>(k)).index());
    p->set_name(chart.patches(static_cast<int>(k)).name());
    for (double v : r.patch_lab[k]) p->add_lab(v);
    p->mutable_center_px()->set_x(r.patch_centers[k].x);
    p->mutable_center_px()->set_y(r.patch_centers[k].y);
    for (double v : r.patch_camera_rgb[k]) p->add_camera_rgb(v);
  }
  for (const Point& c : r.corners) {
    pb::Point2* q = t.add_corners();
    q->set_x(c.x);
    q->set_y(c.y);
  }
  t.set_px_per_mm(r.px_per_mm);
  t.set_seed(static_cast<int64_t>(o.seed));
  SetCapture(capture, r.exposure, &t);
  t.set_width(o.width);
  t.set_height(o.height);
  t.set_perspective(o.perspective);
  return t;
}

PatchesResult RenderPatches(const std::vector<color::Spectral36>& reflectances, const CameraResponse& response,
                            const CaptureOptions& capture, uint64_t seed) {
  if (reflectances.empty()) throw std::invalid_argument("RenderPatches: no reflectances");
  PatchesResult out;
  out.exposure = ComputeExposure(response, capture);
  ImageF row(static_cast<int>(reflectances.size()), 1, 3);
  for (size_t i = 0; i < reflectances.size(); ++i) {
    const Rgb raw = response.Raw36(reflectances[i]);
    out.camera_rgb.push_back(DevelopedLinear(raw, out.exposure));
    out.lab.push_back(LabD50(reflectances[i]));
    for (int c = 0; c < 3; ++c) row.data[i * 3 + c] = static_cast<float>(out.exposure.scale * raw[c]);
  }
  CaptureOptions patch = capture;
  patch.blur_px = 0;
  patch.vignetting = 0;
  Develop(&row, out.exposure, patch, seed);
  for (size_t i = 0; i < reflectances.size(); ++i)
    out.rgb.push_back({row.data[i * 3], row.data[i * 3 + 1], row.data[i * 3 + 2]});
  return out;
}

}  // namespace shadecast::synth
