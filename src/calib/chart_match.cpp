#include "calib/chart_match.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <vector>

#include <Eigen/Dense>

#include "calib/linearize.h"
#include "color/lab.h"

namespace shadecast::calib {
namespace {

// R^2 of the least-squares fit of the columns of y on [1, x] (both n rows): 1 - SS_res / SS_tot over
// every column of y. Invariant to any affine change of x (exposure, white balance, primaries).
double RSquared(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
  Eigen::MatrixXd a(x.rows(), x.cols() + 1);
  a.col(0).setOnes();
  a.rightCols(x.cols()) = x;
  const Eigen::MatrixXd coef = a.colPivHouseholderQr().solve(y);
  const Eigen::MatrixXd res = y - a * coef;
  const Eigen::MatrixXd centred = y.rowwise() - y.colwise().mean();
  const double tot = centred.squaredNorm();
  return tot > 0 ? 1.0 - res.squaredNorm() / tot : 0.0;
}

}  // namespace

ChartMatch MatchChart(const CalibrationInput& in, Linearization lin) {
  const Linearization kind = lin == Linearization::kNone ? Linearization::kNone : Linearization::kSrgb;
  std::vector<Rgb> cam_log;
  std::vector<double> y_ref, rg_ref, bg_ref, rg_cam, bg_cam;
  const int n = std::min<int>(in.chart.patches_size(), static_cast<int>(in.patches.size()));
  constexpr double kFloor = 1e-4;  // below black noise: logs of near-zero values are noise
  for (int i = 0; i < n; ++i) {
    const auto& o = in.patches[static_cast<size_t>(i)];
    if (o.clipped || o.non_uniform) continue;
    const auto& p = in.chart.patches(i);
    const color::Lab lab = in.reference.empty() ? color::Lab{p.reference_lab().l(), p.reference_lab().a(), p.reference_lab().b()}
                                                : in.reference[static_cast<size_t>(i)];
    const color::Xyz xyz = color::LabToXyz(lab, color::kIccD50White);
    const Rgb cam = Linearize(kind, {}, o.rgb);
    cam_log.push_back({std::log(std::max(cam[0], kFloor)), std::log(std::max(cam[1], kFloor)), std::log(std::max(cam[2], kFloor))});
    // Chromaticities (each triple over its sum): a camera's are a projective image of the
    // reference's, close to affine over a chart's gamut.
    const double cs = std::max(cam[0], kFloor) + std::max(cam[1], kFloor) + std::max(cam[2], kFloor);
    rg_cam.push_back(std::max(cam[0], kFloor) / cs);
    bg_cam.push_back(std::max(cam[2], kFloor) / cs);
    const double xs = xyz[0] + xyz[1] + xyz[2];
    y_ref.push_back(std::log(std::max(xyz[1], kFloor)));
    rg_ref.push_back(xyz[0] / xs);
    bg_ref.push_back(xyz[2] / xs);
  }
  ChartMatch m;
  m.patches = static_cast<int>(cam_log.size());
  if (m.patches < 8) {
    m.reason = "only " + std::to_string(m.patches) + " usable patches to compare with the chart";
    return m;
  }
  const Eigen::Index k = m.patches;
  Eigen::MatrixXd x_lum(k, 3), y_lum(k, 1), x_chroma(k, 2), y_chroma(k, 2);
  for (Eigen::Index i = 0; i < k; ++i) {
    const Rgb& c = cam_log[static_cast<size_t>(i)];
    x_lum.row(i) << c[0], c[1], c[2];
    y_lum(i, 0) = y_ref[static_cast<size_t>(i)];
    x_chroma.row(i) << rg_cam[static_cast<size_t>(i)], bg_cam[static_cast<size_t>(i)];
    y_chroma.row(i) << rg_ref[static_cast<size_t>(i)], bg_ref[static_cast<size_t>(i)];
  }
  m.luminance = RSquared(x_lum, y_lum);
  m.chroma = RSquared(x_chroma, y_chroma);
  m.matches = m.luminance >= kChartMatchMin && m.chroma >= kChartMatchMin;
  if (!m.matches) {
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "the patches do not follow the chart '%s': brightness agreement %.2f, colour agreement %.2f "
                  "(a photo of that card scores above 0.9 on both; below %.1f is another card, a wrong orientation or "
                  "wrong corners)",
                  in.chart.id().c_str(), m.luminance, m.chroma, kChartMatchMin);
    m.reason = buf;
  }
  return m;
}

}  // namespace shadecast::calib
