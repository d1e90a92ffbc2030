#include "synth/chart.h"

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "color/colorimetry.h"
#include "color/lab.h"
#include "synth/random.h"
#include "synth/scene.h"

namespace shadecast::synth {
namespace {

// Frame pixels -> chart millimetres through the inverse homography; materials 0..n-1 are the
// patches, n the card, n+1 the background.
class ChartScene : public MaterialScene {
 public:
  ChartScene(const ChartLayout& layout, const cv::Matx33d& frame_to_mm, std::vector<color::Spectral36> materials)
      : layout_(layout), h_(frame_to_mm), materials_(std::move(materials)) {}

  int MaterialAt(double x, double y) const override {
    const double w = h_(2, 0) * x + h_(2, 1) * y + h_(2, 2);
    const double u = (h_(0, 0) * x + h_(0, 1) * y + h_(0, 2)) / w;
    const double v = (h_(1, 0) * x + h_(1, 1) * y + h_(1, 2)) / w;
    const int k = PatchAtMm(layout_, u, v);
    return k < 0 ? static_cast<int>(layout_.centers_mm.size()) + 1 : k;
  }
  const std::vector<color::Spectral36>& materials() const override { return materials_; }

 private:
  ChartLayout layout_;
  cv::Matx33d h_;
  std::vector<color::Spectral36> materials_;
};

color::Spectral36 Flat(double r) {
  color::Spectral36 s;
  s.fill(r);
  return s;
}

Point Apply(const cv::Matx33d& h, const Point& p) {
  const double w = h(2, 0) * p.x + h(2, 1) * p.y + h(2, 2);
  return {(h(0, 0) * p.x + h(0, 1) * p.y + h(0, 2)) / w, (h(1, 0) * p.x + h(1, 1) * p.y + h(1, 2)) / w};
}

}  // namespace

bool ChartRenderOptions::IsValid(std::string* message) const {
  auto fail = [&](const std::string& m) {
    if (message) *message = m;
    return false;
  };
  if (width < 64 || height < 64 || width > 20000 || height > 20000)
    return fail("size must be 64-20000 pixels per side, got " + std::to_string(width) + "x" + std::to_string(height));
  if (!(chart_fraction > 0.05 && chart_fraction <= 0.9)) return fail("chart_fraction must be 0.05-0.9");
  if (!(perspective >= 0 && perspective <= 0.3)) return fail("perspective must be 0-0.3");
  if (!(center_jitter >= 0 && center_jitter <= 0.3)) return fail("center_jitter must be 0-0.3");
  if (!(background_reflectance >= 0 && background_reflectance <= 1)) return fail("background reflectance must be 0-1");
  if (supersample < 1 || supersample > 8) return fail("supersample must be 1-8");
  return true;
}

ChartRender RenderChart(const pb::ChartDefinition& chart, const CameraResponse& response,
                        const ChartRenderOptions& o, const CaptureOptions& capture) {
  std::string why;
  if (!o.IsValid(&why)) throw std::invalid_argument("chart render options: " + why);
  if (!capture.IsValid(&why)) throw std::invalid_argument("capture options: " + why);
  const ChartLayout layout = LayoutOf(chart);
  std::vector<color::Spectral36> mats = PatchSpectra(chart);
  const size_t n = mats.size();
  const double card_r = chart.card_reflectance() > 0 ? chart.card_reflectance() : 0.035;
  mats.push_back(Flat(card_r));
  mats.push_back(Flat(o.background_reflectance));

  // Placement: the card, scaled to chart_fraction of the frame width (or less, to fit the height),
  // centred with jitter, then each corner displaced by up to `perspective` x chart width.
  Random rng(Random::Derive(o.seed, 1));
  const double W = o.width, H = o.height;
  double cw = o.chart_fraction * W;
  double ch = cw * layout.height_mm / layout.width_mm;
  if (ch > o.chart_fraction * H) {
    ch = o.chart_fraction * H;
    cw = ch * layout.width_mm / layout.height_mm;
  }
  const double cx = 0.5 * W + rng.Uniform(-1, 1) * o.center_jitter * W;
  const double cy = 0.5 * H + rng.Uniform(-1, 1) * o.center_jitter * H;
  std::array<Point, 4> corners = {Point{cx - cw / 2, cy - ch / 2}, Point{cx + cw / 2, cy - ch / 2},
                                  Point{cx + cw / 2, cy + ch / 2}, Point{cx - cw / 2, cy + ch / 2}};
  for (Point& p : corners) {
    const double r = rng.Uniform() * o.perspective * cw;
    const double a = rng.Uniform() * 2.0 * M_PI;
    p.x += r * std::cos(a);
    p.y += r * std::sin(a);
  }
  const cv::Point2f src[4] = {{0.f, 0.f},
                              {static_cast<float>(layout.width_mm), 0.f},
                              {static_cast<float>(layout.width_mm), static_cast<float>(layout.height_mm)},
                              {0.f, static_cast<float>(layout.height_mm)}};
  cv::Point2f dst[4];
  for (int i = 0; i < 4; ++i) dst[i] = cv::Point2f(static_cast<float>(corners[i].x), static_cast<float>(corners[i].y));
  const cv::Matx33d mm_to_px(cv::getPerspectiveTransform(src, dst));
  // Recompute the corners through the (float-rounded) homography so the truth matches the pixels.
  for (int i = 0; i < 4; ++i) corners[i] = Apply(mm_to_px, {src[i].x, src[i].y});

  ChartRender out;
  out.corners = corners;
  for (const Point& c : layout.centers_mm) out.patch_centers.push_back(Apply(mm_to_px, c));
  double area = 0;  // shoelace
  for (int i = 0; i < 4; ++i) {
    const Point& a = corners[i];
    const Point& b = corners[(i + 1) % 4];
    area += a.x * b.y - b.x * a.y;
  }
  out.px_per_mm = std::sqrt(std::abs(0.5 * area) / (layout.width_mm * layout.height_mm));

  out.exposure = ComputeExposure(response, capture);
  for (size_t k = 0; k < n; ++k) {
    out.patch_camera_rgb.push_back(DevelopedLinear(response.Raw36(mats[k]), out.exposure));
    out.patch_lab.push_back(LabD50(mats[k]));
  }

  // Pixel centres are at integer + 0.5 in the scene; OpenCV's pixel (i, j) is centred at (i, j).
  const cv::Matx33d shift(1, 0, -0.5, 0, 1, -0.5, 0, 0, 1);
  const ChartScene scene(layout, mm_to_px.inv() * shift, mats);
  out.image = RenderMaterialScene(scene, response, out.exposure.scale, o.width, o.height, o.supersample);
  Develop(&out.image, out.exposure, capture, o.seed);
  return out;
}

}  // namespace shadecast::synth
