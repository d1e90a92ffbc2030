#include "image/chart_layout.h"

#include <cmath>
#include <stdexcept>

#include "color/colorimetry.h"
#include "color/lab.h"

namespace shadecast {

int PatchAtMm(const ChartLayout& layout, double u, double v) {
  const int n = static_cast<int>(layout.centers_mm.size());
  if (u < 0 || v < 0 || u > layout.width_mm || v > layout.height_mm) return -1;
  const Point& first = layout.centers_mm.front();
  const int c = static_cast<int>(std::lround((u - first.x) / layout.pitch_x_mm));
  const int r = static_cast<int>(std::lround((v - first.y) / layout.pitch_y_mm));
  if (c < 0 || r < 0 || c >= layout.cols || r >= layout.rows) return n;
  const int k = r * layout.cols + c;
  const Point& ctr = layout.centers_mm[k];
  if (std::abs(u - ctr.x) <= 0.5 * layout.patch_w_mm && std::abs(v - ctr.y) <= 0.5 * layout.patch_h_mm) return k;
  return n;
}

ChartLayout LayoutOf(const pb::ChartDefinition& chart) {
  const std::string who = "chart '" + chart.id() + "'";
  ChartLayout l;
  l.width_mm = chart.width_mm();
  l.height_mm = chart.height_mm();
  const double px = chart.patch_pitch_mm();
  const double py = chart.patch_pitch_y_mm() > 0 ? chart.patch_pitch_y_mm() : px;
  l.patch_w_mm = chart.patch_size_mm();
  l.patch_h_mm = chart.patch_height_mm() > 0 ? chart.patch_height_mm() : l.patch_w_mm;
  const int rows = chart.rows(), cols = chart.cols();
  if (!(l.width_mm > 0 && l.height_mm > 0 && l.patch_w_mm > 0 && px > 0) || rows < 1 || cols < 1)
    throw std::invalid_argument(who + ": width, height, rows, cols, pitch and patch size must be positive");
  l.pitch_x_mm = px;
  l.pitch_y_mm = py;
  l.rows = rows;
  l.cols = cols;
  if (rows * cols != chart.patches_size())
    throw std::invalid_argument(who + ": rows x cols = " + std::to_string(rows * cols) + " but " +
                                std::to_string(chart.patches_size()) + " patches are listed");
  if (px < l.patch_w_mm || py < l.patch_h_mm)
    throw std::invalid_argument(who + ": patch pitch is smaller than the patch size");
  const double gw = (cols - 1) * px + l.patch_w_mm, gh = (rows - 1) * py + l.patch_h_mm;
  if (gw > l.width_mm || gh > l.height_mm)
    throw std::invalid_argument(who + ": the patch grid does not fit on the card");
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      l.centers_mm.push_back({0.5 * l.width_mm + (c - 0.5 * (cols - 1)) * px,
                              0.5 * l.height_mm + (r - 0.5 * (rows - 1)) * py});
  return l;
}

std::vector<color::Spectral36> PatchSpectra(const pb::ChartDefinition& chart) {
  std::vector<color::Spectral36> out;
  for (const auto& p : chart.patches()) {
    if (p.reflectance().values_size() == 0)
      throw std::invalid_argument("chart '" + chart.id() + "': patch " + std::to_string(p.index()) + " (" + p.name() +
                                  ") has no reflectance spectrum");
    color::SampledSpectrum s{p.name(), {p.reflectance().wavelengths_nm().begin(), p.reflectance().wavelengths_nm().end()},
                             {p.reflectance().values().begin(), p.reflectance().values().end()}};
    s.Validate();
    out.push_back(color::ResampleTo36(s));
  }
  return out;
}

color::Lab LabD50(const color::Spectral36& r) {
  const color::Colorimeter& d50 = color::D50Colorimeter();
  return color::XyzToLab(d50.Xyz36(r.data()), d50.white());
}

}  // namespace shadecast
