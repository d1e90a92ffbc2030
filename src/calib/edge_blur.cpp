// The photo's blur from the chart's patch edges (see detect.h, EstimateBlurFromChart).
#include <ceres/tiny_solver.h>
#include <ceres/tiny_solver_autodiff_function.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "calib/detect.h"
#include "image/chart_layout.h"

namespace shadecast::calib {
namespace {

constexpr int kSamples = 48;

// An edge spread function: lo + (hi - lo) Phi((t - t0) / s), Phi the normal CDF, over kSamples
// samples (t_i, g_i). Parameters: lo, hi, t0, log s.
struct EdgeCost {
  const double* t;
  const double* g;
  template <typename T>
  bool operator()(const T* p, T* r) const {
    using std::erf;
    using std::exp;
    const T s = exp(p[3]);
    for (int i = 0; i < kSamples; ++i) {
      const T phi = T(0.5) * (T(1.0) + erf((T(t[i]) - p[2]) / (s * T(M_SQRT2))));
      r[i] = p[0] + (p[1] - p[0]) * phi - T(g[i]);
    }
    return true;
  }
};

double Bilinear(const ImageF& img, double x, double y, int c) {
  const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
  if (x0 < 0 || y0 < 0 || x0 + 1 >= img.width || y0 + 1 >= img.height) return std::numeric_limits<double>::quiet_NaN();
  const double fx = x - x0, fy = y - y0;
  auto at = [&](int u, int v) { return static_cast<double>(img.data[img.Index(u, v, c)]); };
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

}  // namespace

double EstimateBlurFromChart(const ImageF& rgb, const pb::ChartDefinition& chart, const Corners& corners,
                             const ProfileTransform& profile, EdgeBlurStats* stats) {
  const ChartLayout l = LayoutOf(chart);
  std::vector<cv::Point2f> src{{0, 0},
                               {static_cast<float>(l.width_mm), 0},
                               {static_cast<float>(l.width_mm), static_cast<float>(l.height_mm)},
                               {0, static_cast<float>(l.height_mm)}};
  std::vector<cv::Point2f> dst;
  for (const auto& p : corners) dst.emplace_back(static_cast<float>(p.x), static_cast<float>(p.y));
  const cv::Matx33d h(cv::getPerspectiveTransform(src, dst));
  auto map = [&](double u, double v) {
    const cv::Vec3d q = h * cv::Vec3d(u, v, 1);
    return cv::Point2d(q[0] / q[2], q[1] / q[2]);
  };
  // The lightest patches (published L*) give the strongest edges against the dark frame.
  std::vector<std::pair<double, int>> by_l;
  for (int k = 0; k < chart.patches_size() && k < static_cast<int>(l.centers_mm.size()); ++k)
    by_l.push_back({chart.patches(k).reference_lab().l(), k});
  std::sort(by_l.rbegin(), by_l.rend());
  const double gap_y = l.pitch_y_mm - l.patch_h_mm;
  const double reach_mm = std::min(0.45 * gap_y, 0.35 * l.patch_h_mm);
  if (!(reach_mm > 0)) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> sigmas;
  for (size_t j = 0; j < by_l.size() && j < 6; ++j) {
    const auto& c = l.centers_mm[by_l[j].second];
    for (int side : {-1, 1}) {  // top and bottom edge
      const double edge_v = c.y + side * 0.5 * l.patch_h_mm;
      for (int k = 0; k < 7; ++k) {
        const double u = c.x + (k - 3) / 3.0 * 0.3 * l.patch_w_mm;
        // Samples from inside the patch (t < 0) out across the edge into the frame (t > 0), t in
        // pixels along the image path of the profile.
        double t[kSamples], g[kSamples];
        const cv::Point2d a = map(u, edge_v - side * reach_mm), b = map(u, edge_v + side * reach_mm);
        const double len = std::hypot(b.x - a.x, b.y - a.y);
        bool ok = len > 6;
        for (int i = 0; i < kSamples && ok; ++i) {
          const double f = i / (kSamples - 1.0);
          const double x = a.x + f * (b.x - a.x), y = a.y + f * (b.y - a.y);
          Rgb dev;
          for (int ch = 0; ch < 3; ++ch) dev[ch] = Bilinear(rgb, x, y, ch);
          if (!std::isfinite(dev[1])) ok = false;
          t[i] = (f - 0.5) * len;
          g[i] = profile.Normalised(dev)[1];
        }
        if (!ok) continue;
        const double hi = g[0], lo = g[kSamples - 1];
        if (!(hi - lo > 0.1 * std::max(hi, 1e-6))) continue;  // no edge worth the name
        EdgeCost cost{t, g};
        ceres::TinySolverAutoDiffFunction<EdgeCost, kSamples, 4> fn(cost);
        Eigen::Vector4d p(lo, hi, 0.0, std::log(1.0));
        ceres::TinySolver<ceres::TinySolverAutoDiffFunction<EdgeCost, kSamples, 4>> solver;
        solver.options.max_num_iterations = 50;
        solver.Solve(fn, &p);
        const double s = std::exp(p[3]);
        if (std::isfinite(s) && s > 0.05 && s < 0.4 * len && std::abs(p[2]) < 0.3 * len) sigmas.push_back(s);
      }
    }
  }
  if (stats) stats->profiles = static_cast<int>(sigmas.size());
  if (sigmas.size() < 8) return std::numeric_limits<double>::quiet_NaN();
  std::nth_element(sigmas.begin(), sigmas.begin() + sigmas.size() / 2, sigmas.end());
  return sigmas[sigmas.size() / 2];
}

}  // namespace shadecast::calib
