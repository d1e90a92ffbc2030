#include "calib/grid_fit.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "image/chart_layout.h"

namespace shadecast::calib {

double GridStraddle(const ImageF& rgb, const pb::ChartDefinition& chart, const Corners& corners, double fraction) {
  const ChartLayout l = LayoutOf(chart);
  const std::vector<cv::Point2f> card{cv::Point2f(0, 0), cv::Point2f(static_cast<float>(l.width_mm), 0),
                                      cv::Point2f(static_cast<float>(l.width_mm), static_cast<float>(l.height_mm)),
                                      cv::Point2f(0, static_cast<float>(l.height_mm))};
  std::vector<cv::Point2f> img;
  for (const auto& c : corners) img.emplace_back(static_cast<float>(c.x), static_cast<float>(c.y));
  const cv::Matx33d h(cv::getPerspectiveTransform(card, img));
  constexpr int kN = 12;
  double share_sum = 0;
  for (const auto& c : l.centers_mm) {
    const double hw = 0.5 * fraction * l.patch_w_mm, hh = 0.5 * fraction * l.patch_h_mm;
    std::vector<double> v;
    int outside = 0;
    for (int iy = 0; iy < kN; ++iy)
      for (int ix = 0; ix < kN; ++ix) {
        const double x = c.x - hw + 2 * hw * (ix + 0.5) / kN, y = c.y - hh + 2 * hh * (iy + 0.5) / kN;
        const cv::Vec3d p = h * cv::Vec3d(x, y, 1.0);
        const int px = static_cast<int>(std::lround(p[0] / p[2])), py = static_cast<int>(std::lround(p[1] / p[2]));
        if (px < 0 || py < 0 || px >= rgb.width || py >= rgb.height) {
          ++outside;
          continue;
        }
        v.push_back((rgb.At(px, py, 0) + rgb.At(px, py, 1) + rgb.At(px, py, 2)) / 3.0);
      }
    int off = outside;
    if (!v.empty()) {
      std::vector<double> s = v;
      std::nth_element(s.begin(), s.begin() + s.size() / 2, s.end());
      const double med = s[s.size() / 2];
      for (double x : v) off += std::abs(x - med) > 0.15 * med + 0.02;
    }
    share_sum += static_cast<double>(off) / (kN * kN);
  }
  return l.centers_mm.empty() ? 1.0 : share_sum / l.centers_mm.size();
}

}  // namespace shadecast::calib
