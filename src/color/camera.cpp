#include "color/camera.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace shadecast::color {
namespace {
constexpr const char* kChannel[3] = {"r", "g", "b"};
}

double CameraSensitivity::At(int channel, double nm) const {
  const auto& w = wavelengths_nm;
  const auto& v = rgb[channel];
  if (w.empty() || nm < w.front() || nm > w.back()) return 0.0;
  const auto it = std::upper_bound(w.begin(), w.end(), nm);
  if (it == w.end()) return v.back();
  const size_t i = static_cast<size_t>(it - w.begin());
  if (i == 0) return v.front();
  const double t = (nm - w[i - 1]) / (w[i] - w[i - 1]);
  return v[i - 1] + t * (v[i] - v[i - 1]);
}

void CameraSensitivity::Validate() const {
  const std::string who = "camera '" + name + "'";
  if (wavelengths_nm.empty()) throw std::runtime_error(who + ": no samples");
  for (const auto& ch : rgb)
    if (ch.size() != wavelengths_nm.size())
      throw std::runtime_error(who + ": wavelength and sensitivity counts differ");
  for (size_t i = 1; i < wavelengths_nm.size(); ++i)
    if (!(wavelengths_nm[i] > wavelengths_nm[i - 1]))
      throw std::runtime_error(who + ": wavelengths must increase (row " + std::to_string(i + 1) + ": " +
                               std::to_string(wavelengths_nm[i]) + " nm)");
  if (wavelengths_nm.front() > 400.0 || wavelengths_nm.back() < 700.0)
    throw std::runtime_error(who + ": wavelengths " + std::to_string(wavelengths_nm.front()) + "-" +
                             std::to_string(wavelengths_nm.back()) +
                             " nm do not cover the visible range 400-700 nm");
  for (int c = 0; c < 3; ++c) {
    double peak = 0;
    for (double v : rgb[c]) {
      if (!std::isfinite(v) || v < 0)
        throw std::runtime_error(who + ": channel " + kChannel[c] + " has sensitivity " + std::to_string(v) +
                                 ", expected finite values >= 0");
      peak = std::max(peak, v);
    }
    if (!(peak > 0)) throw std::runtime_error(who + ": channel " + kChannel[c] + " is zero everywhere");
  }
}

CameraSensitivity CameraFromCsv(const color::CsvTable& table, const std::string& name) {
  if (table.cols() < 4)
    throw std::runtime_error(table.source + ": expected 4 columns (wavelength_nm, r, g, b), got " +
                             std::to_string(table.cols()));
  if (table.rows.empty()) throw std::runtime_error(table.source + ": no data rows");
  CameraSensitivity cam;
  cam.name = name;
  cam.wavelengths_nm = table.NumericColumn(0);
  for (int c = 0; c < 3; ++c) cam.rgb[c] = table.NumericColumn(c + 1);
  try {
    cam.Validate();
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(table.source + ": " + e.what());
  }
  return cam;
}

CameraResponse::CameraResponse(const CameraSensitivity& camera, const color::SampledSpectrum& light)
    : camera_name_(camera.name), light_name_(light.name) {
  camera.Validate();
  light.Validate();
  const double lo = light.wavelengths_nm.front(), hi = light.wavelengths_nm.back();
  // 1 nm over the CIE observer's range (360-830 nm), as color::Colorimeter integrates.
  for (int nm_i = 360; nm_i <= 830; ++nm_i) {
    const double nm = nm_i;
    const double e = (nm < lo || nm > hi) ? 0.0 : light.At(nm);
    if (e == 0.0) continue;
    const double pos = (nm - color::kFirstNm) / color::kStepNm;
    int k0 = 0;
    double t = 0;
    if (pos >= color::kBands - 1) {
      k0 = color::kBands - 1;
    } else if (pos > 0) {
      k0 = static_cast<int>(pos);
      t = pos - k0;
    }
    for (int c = 0; c < 3; ++c) {
      const double w = e * camera.At(c, nm);
      weights_[c][k0] += (1 - t) * w;
      if (t > 0) weights_[c][k0 + 1] += t * w;
    }
  }
  for (int c = 0; c < 3; ++c) {
    double s = 0;
    for (double w : weights_[c]) s += w;
    white_[c] = s;
    if (!(s > 0))
      throw std::runtime_error("camera '" + camera.name + "' channel " + kChannel[c] + " receives no light from '" +
                               light.name + "' (their spectra do not overlap)");
  }
  const double g = white_[1];
  for (int c = 0; c < 3; ++c) {
    for (double& w : weights_[c]) w /= g;
    white_[c] /= g;
  }
}

std::array<double, 3> LutherResidual(const CameraResponse& camera, const Colorimeter& observer) {
  const auto& x = observer.weights();
  // Normal equations of the projection onto span{x, y, z}: G c = X^T w, G = X^T X (3 x 3).
  double g[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      g[i][j] = 0;
      for (int k = 0; k < kBands; ++k) g[i][j] += x[i][k] * x[j][k];
    }
  // Inverse by cofactors (G is symmetric positive definite for the CIE observer).
  const double det = g[0][0] * (g[1][1] * g[2][2] - g[1][2] * g[2][1]) - g[0][1] * (g[1][0] * g[2][2] - g[1][2] * g[2][0]) +
                     g[0][2] * (g[1][0] * g[2][1] - g[1][1] * g[2][0]);
  double inv[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const int a = (j + 1) % 3, b = (j + 2) % 3, c = (i + 1) % 3, d = (i + 2) % 3;
      inv[i][j] = (g[a][c] * g[b][d] - g[a][d] * g[b][c]) / det;
    }
  std::array<double, 3> out{};
  for (int ch = 0; ch < 3; ++ch) {
    const Spectral36& w = camera.weights()[ch];
    double xtw[3] = {0, 0, 0}, norm2 = 0;
    for (int k = 0; k < kBands; ++k) {
      for (int i = 0; i < 3; ++i) xtw[i] += x[i][k] * w[k];
      norm2 += w[k] * w[k];
    }
    double coef[3];
    for (int i = 0; i < 3; ++i) coef[i] = inv[i][0] * xtw[0] + inv[i][1] * xtw[1] + inv[i][2] * xtw[2];
    double r2 = 0;
    for (int k = 0; k < kBands; ++k) {
      const double p = coef[0] * x[0][k] + coef[1] * x[1][k] + coef[2] * x[2][k];
      r2 += (w[k] - p) * (w[k] - p);
    }
    out[ch] = norm2 > 0 ? std::sqrt(r2 / norm2) : 1.0;
  }
  return out;
}

}  // namespace shadecast::color
