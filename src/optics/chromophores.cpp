#include "optics/chromophores.h"

#include <cmath>

#include "color/csv.h"

namespace shadecast::embedded {
extern const char kHemoglobinPrahl[];
}

namespace shadecast::optics {

const Chromophores& GetChromophores() {
  static const Chromophores c = [] {
    Chromophores out;
    const color::CsvTable hb = color::ParseCsv(embedded::kHemoglobinPrahl, "<embedded hemoglobin_prahl.csv>");
    const color::SampledSpectrum oxy{"HbO2", hb.NumericColumn(0), hb.NumericColumn(3)};
    const color::SampledSpectrum deoxy{"Hb", hb.NumericColumn(0), hb.NumericColumn(4)};
    for (int k = 0; k < color::kBands; ++k) {
      const double nm = color::BandNm(k);
      constexpr double kPerCmToPerMm = 0.1;
      out.eumelanin[k] = 6.6e11 * std::pow(nm, -3.33) * kPerCmToPerMm;
      out.pheomelanin[k] = 2.9e15 * std::pow(nm, -4.75) * kPerCmToPerMm;
      out.blood_oxy[k] = oxy.At(nm) * kPerCmToPerMm;
      out.blood_deoxy[k] = deoxy.At(nm) * kPerCmToPerMm;
      out.baseline[k] = (0.244 + 85.3 * std::exp(-(nm - 154.0) / 66.2)) * kPerCmToPerMm;
    }
    return out;
  }();
  return c;
}

}  // namespace shadecast::optics
