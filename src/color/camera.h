#pragma once
// Cameras are data: spectral sensitivities r, g, b on any wavelength grid. A CameraResponse is one
// camera under one light, reduced to weights on the project's 36-band reflectance grid.
#include <array>
#include <string>
#include <vector>

#include "color/colorimetry.h"
#include "color/csv.h"
#include "color/spectrum.h"

namespace shadecast::color {

using Rgb = std::array<double, 3>;

struct CameraSensitivity {
  std::string name;
  std::vector<double> wavelengths_nm;      // increasing
  std::array<std::vector<double>, 3> rgb;  // relative sensitivities per channel, one per wavelength

  // Linear interpolation inside the grid, zero outside it (a sensor has no response where its
  // data end, like an illuminant).
  double At(int channel, double nm) const;
  // Throws std::runtime_error naming the camera when the grid is empty, not increasing, does not
  // cover the visible range 400-700 nm, a value is negative or non-finite, or a channel is all zero.
  void Validate() const;
};

// Column 0 is the wavelength in nm, columns 1-3 the r, g, b sensitivities (by position; header
// names are not used). Throws std::runtime_error naming `table.source`. Validates the result.
CameraSensitivity CameraFromCsv(const CsvTable& table, const std::string& name);

// Camera x light on the 36-band grid: raw_c = sum_k weights[c][k] * reflectance[k]. The integral
// is taken at 1 nm over 360-830 nm exactly as color::Colorimeter does it (reflectance linear
// between band centres and held constant past 380/730 nm; light and sensitivities linear inside
// their data and zero outside), so for a camera whose sensitivities are the CIE CMFs the raw RGB
// is XYZ up to one scale. Normalised so that the perfect white diffuser gives green = 1.
class CameraResponse {
 public:
  // Throws std::runtime_error when the light gives a channel no signal (no spectral overlap).
  CameraResponse(const CameraSensitivity& camera, const SampledSpectrum& light);

  Rgb Raw36(const Spectral36& reflectance) const {
    Rgb out{0, 0, 0};
    for (int c = 0; c < 3; ++c)
      for (int k = 0; k < kBands; ++k) out[c] += weights_[c][k] * reflectance[k];
    return out;
  }
  // Raw RGB of the perfect white diffuser (green = 1).
  const Rgb& white() const { return white_; }
  const std::array<Spectral36, 3>& weights() const { return weights_; }
  const std::string& camera_name() const { return camera_name_; }
  const std::string& light_name() const { return light_name_; }

 private:
  std::string camera_name_, light_name_;
  std::array<Spectral36, 3> weights_{};
  Rgb white_{};
};

// How far a camera under a light is from the Luther condition (its sensitivities a linear mix of the
// CIE 1931 observer's; Luther 1927, Ives 1915): per channel r, g, b, the share of its 36-band weights
// (camera x light) outside the span of the observer's weights under the same light,
// ||w - P w|| / ||w|| with P the least-squares projection onto span{x, y, z}. 0: a colorimetric
// camera (one 3x3 matrix maps it to XYZ for every reflectance). The measured Canon EOS 5D Mark II
// reads 17 / 25 / 30 % under D50 (`measure_bench luther`).
std::array<double, 3> LutherResidual(const CameraResponse& camera, const Colorimeter& observer);

}  // namespace shadecast::color
