#pragma once
// Sampled spectra and the project's standard 36-band grid (380-730 nm, 10 nm).
#include <array>
#include <string>
#include <vector>

#include "color/csv.h"

namespace shadecast::color {

inline constexpr int kBands = 36;
inline constexpr double kFirstNm = 380.0;
inline constexpr double kStepNm = 10.0;
inline constexpr double BandNm(int k) { return kFirstNm + kStepNm * k; }

using Spectral36 = std::array<double, kBands>;

// A spectrum on an arbitrary increasing wavelength grid (nm).
struct SampledSpectrum {
  std::string name;
  std::vector<double> wavelengths_nm;
  std::vector<double> values;

  // Linear interpolation inside the grid, the end value outside it (ASTM E308 practice for
  // reflectance). Asserts a valid spectrum; use Validate() on data from outside.
  double At(double nm) const;
  // Throws std::runtime_error naming the spectrum when the grid is empty, not increasing, or does
  // not reach into the visible range (400-700 nm).
  void Validate() const;
};

// Linear resampling onto the standard grid (end values held outside the source range).
Spectral36 ResampleTo36(const SampledSpectrum& s);
std::vector<double> Grid36Nm();

// Column 0 of `table` is the wavelength in nm; every other column becomes one spectrum named by its
// header. `scale` multiplies the values (0.01 for percent). Validates each spectrum.
std::vector<SampledSpectrum> SpectraFromCsv(const CsvTable& table, double scale = 1.0);

}  // namespace shadecast::color
