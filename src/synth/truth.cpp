#include "synth/truth.h"

#include <stdexcept>

#include "color/appearance_pb.h"
#include "synth/appearance_truth.h"
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
  t.set_scene("chart");
  return t;
}

namespace {
void AddBlob(const ScalpBlob& b, pb::TruthBlobs* blobs) {
  pb::Point2* c = blobs->add_centers_px();
  c->set_x(b.center.x);
  c->set_y(b.center.y);
  pb::TruthBlob* item = blobs->add_items();
  *item->mutable_center_px() = *c;
  item->set_diameter_mm(b.diameter_mm);
  for (double v : b.lab) item->add_lab(v);
  item->set_occluded(b.occluded);
}
}  // namespace

namespace {

// The look at viewing distance from the scene's own clean rendering (synth/appearance_truth.h).
void AddLookTruth(const ScalpOptions& o, pb::TruthBlobs* follicle, pb::TruthBlobs* dots) {
  const color::ViewingOptions viewing;
  const SceneLookTruth look = ComputeSceneLookTruth(o, viewing);
  auto fill = [&](const std::optional<FeatureLookTruth>& t, pb::TruthBlobs* b) {
    for (int v : {look.region.x, look.region.y, look.region.w, look.region.h}) b->add_look_region(v);
    if (!t) return;
    color::AppearanceToPb(t->look, viewing, b->mutable_near(), b->mutable_regional());
    b->set_density_per_cm2(t->density_per_cm2);
  };
  fill(look.follicles, follicle);
  fill(look.dots, dots);
}

}  // namespace

pb::Truth ScalpTruth(const ScalpRender& r, const ScalpOptions& o, const CaptureOptions& capture,
                     const CameraResponse& response) {
  pb::Truth t;
  if (r.has_chart && o.chart != nullptr) {
    ChartRenderOptions co;
    co.width = o.width;
    co.height = o.height;
    co.perspective = 0;
    co.seed = o.seed;
    t = ChartTruth(*o.chart, r.chart, co, capture, response);
  } else {
    t.set_camera(response.camera_name());
    t.set_illuminant(response.light_name());
    t.set_seed(static_cast<int64_t>(o.seed));
    SetCapture(capture, r.exposure, &t);
    t.set_width(o.width);
    t.set_height(o.height);
  }
  t.set_scene("scalp");
  t.set_px_per_mm(o.px_per_mm);

  pb::TruthSkin* skin = t.mutable_skin();
  for (double v : r.skin_lab) skin->add_lab(v);
  skin->set_melanin(o.skin.melanin);
  skin->set_blood(o.skin.blood);
  skin->set_variation(o.skin_variation);
  for (double v : r.skin_camera_rgb) skin->add_camera_rgb(v);
  for (double v : r.skin_mean) skin->add_reflectance(v);

  pb::TruthBlobs* f = t.mutable_follicle();
  for (double v : r.follicle_lab) f->add_lab(v);
  f->set_count(static_cast<int>(r.follicles.size()));
  for (const ScalpBlob& b : r.follicles) AddBlob(b, f);
  f->set_diameter_mm(o.follicle_diameter_mm);
  for (double v : r.follicle_camera_rgb) f->add_camera_rgb(v);
  for (double v : r.follicle_core) f->add_reflectance(v);
  f->set_coverage(o.follicle_core_coverage);

  pb::TruthBlobs* d = t.mutable_dots();
  d->set_count(static_cast<int>(r.dots.size()));
  if (!o.dot_blend.empty()) {
    for (double v : r.dot_model.dot_lab) d->add_lab(v);
    for (double v : r.dot_camera_rgb) d->add_camera_rgb(v);
    for (double v : r.dot_model.dot_reflectance) d->add_reflectance(v);
    d->set_coverage(r.dot_model.coverage);
    d->set_recipe(o.dot_recipe);
    d->set_load(o.dot_load);
  }
  d->set_diameter_mm(o.params.dot_diameter_mm);
  d->set_depth_mm(o.params.depth_mm);
  for (const ScalpBlob& b : r.dots) AddBlob(b, d);
  AddLookTruth(o, f, d);

  pb::TruthHairs* h = t.mutable_hairs();
  h->set_count(static_cast<int>(r.hairs.size()));
  for (double v : r.hair_lab) h->add_lab(v);
  for (double v : r.hair_reflectance) h->add_reflectance(v);
  h->set_hair_color(o.hair_color);
  h->set_hair_color_residual_de00(o.hair_color_residual_de00);
  for (const ScalpHair& hair : r.hairs) {
    pb::TruthStroke* s = h->add_strokes();
    s->set_width_mm(hair.width_mm);
    for (const Point& p : hair.points) {
      pb::Point2* q = s->add_points_px();
      q->set_x(p.x);
      q->set_y(p.y);
    }
  }
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
