#include "color/spectrum.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace shadecast::color {

double SampledSpectrum::At(double nm) const {
  assert(!wavelengths_nm.empty() && wavelengths_nm.size() == values.size());
  const auto& w = wavelengths_nm;
  if (nm <= w.front()) return values.front();
  if (nm >= w.back()) return values.back();
  size_t hi = static_cast<size_t>(std::upper_bound(w.begin(), w.end(), nm) - w.begin());
  size_t lo = hi - 1;
  double t = (nm - w[lo]) / (w[hi] - w[lo]);
  return values[lo] + t * (values[hi] - values[lo]);
}

void SampledSpectrum::Validate() const {
  const std::string who = "spectrum '" + name + "'";
  if (wavelengths_nm.empty()) throw std::runtime_error(who + ": no samples");
  if (wavelengths_nm.size() != values.size())
    throw std::runtime_error(who + ": wavelength and value counts differ");
  for (size_t i = 1; i < wavelengths_nm.size(); ++i) {
    if (!(wavelengths_nm[i] > wavelengths_nm[i - 1]))
      throw std::runtime_error(who + ": wavelengths must increase (row " + std::to_string(i + 1) +
                               ": " + std::to_string(wavelengths_nm[i]) + " nm)");
  }
  if (wavelengths_nm.front() > 400.0 || wavelengths_nm.back() < 700.0) {
    throw std::runtime_error(who + ": wavelengths " + std::to_string(wavelengths_nm.front()) + "-" +
                             std::to_string(wavelengths_nm.back()) +
                             " nm do not cover the visible range 400-700 nm");
  }
}

Spectral36 ResampleTo36(const SampledSpectrum& s) {
  Spectral36 out{};
  for (int k = 0; k < kBands; ++k) out[k] = s.At(BandNm(k));
  return out;
}

std::vector<double> Grid36Nm() {
  std::vector<double> g(kBands);
  for (int k = 0; k < kBands; ++k) g[k] = BandNm(k);
  return g;
}

std::vector<SampledSpectrum> SpectraFromCsv(const CsvTable& table, double scale) {
  if (table.cols() < 2)
    throw std::runtime_error(table.source + ": expected a wavelength column and at least one spectrum");
  std::vector<double> nm = table.NumericColumn(0);
  std::vector<SampledSpectrum> out;
  for (size_t c = 1; c < table.cols(); ++c) {
    SampledSpectrum s;
    s.name = table.header[c];
    s.wavelengths_nm = nm;
    s.values = table.NumericColumn(c);
    for (double& v : s.values) v *= scale;
    s.name = table.header[c].empty() ? ("column " + std::to_string(c + 1)) : table.header[c];
    try {
      s.Validate();
    } catch (const std::exception& e) {
      throw std::runtime_error(table.source + ": " + e.what());
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace shadecast::color
