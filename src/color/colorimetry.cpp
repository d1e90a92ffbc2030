#include "color/colorimetry.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>

#include "color/csv.h"

namespace shadecast::embedded {
extern const char kCie1931Cmf[];
extern const char kCieIlluminants[];
}  // namespace shadecast::embedded

namespace shadecast::color {
namespace {

const CsvTable& IlluminantTable() {
  static const CsvTable table = ParseCsv(embedded::kCieIlluminants, "<embedded cie_illuminants_spd.csv>");
  return table;
}

std::string Upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

}  // namespace

const Observer& Cie1931() {
  static const Observer obs = [] {
    CsvTable t = ParseCsv(embedded::kCie1931Cmf, "<embedded cie1931_2deg_cmf.csv>");
    return Observer{t.NumericColumn(0), t.NumericColumn(1), t.NumericColumn(2), t.NumericColumn(3)};
  }();
  return obs;
}

std::vector<std::string> CieIlluminantNames() {
  const auto& h = IlluminantTable().header;
  return {h.begin() + 1, h.end()};
}

SampledSpectrum CieIlluminant(std::string_view name) {
  const CsvTable& t = IlluminantTable();
  const std::string want = Upper(name);
  for (size_t c = 1; c < t.cols(); ++c) {
    if (Upper(t.header[c]) == want) {
      return SampledSpectrum{t.header[c], t.NumericColumn(0), t.NumericColumn(c)};
    }
  }
  std::string known;
  for (const auto& n : CieIlluminantNames()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown illuminant '" + std::string(name) + "' (known: " + known +
                              ", or a path to a CSV of wavelength,relative power)");
}

Colorimeter::Colorimeter(const SampledSpectrum& illuminant) : name_(illuminant.name) {
  illuminant.Validate();
  const Observer& o = Cie1931();
  const size_t n = o.nm.size();
  ex_.resize(n);
  ey_.resize(n);
  ez_.resize(n);
  const double lo = illuminant.wavelengths_nm.front(), hi = illuminant.wavelengths_nm.back();
  double ysum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double nm = o.nm[i];
    const double e = (nm < lo || nm > hi) ? 0.0 : illuminant.At(nm);
    ex_[i] = e * o.xbar[i];
    ey_[i] = e * o.ybar[i];
    ez_[i] = e * o.zbar[i];
    ysum += ey_[i];
  }
  if (!(ysum > 0)) throw std::runtime_error("illuminant '" + name_ + "' has no power in the visible range");
  const double k = 100.0 / ysum;
  for (size_t i = 0; i < n; ++i) {
    ex_[i] *= k;
    ey_[i] *= k;
    ez_[i] *= k;
  }
  // 36-band weights: the reflectance between band centres is linear (hat functions), and held
  // constant beyond the first and last band.
  for (size_t i = 0; i < n; ++i) {
    const double pos = (o.nm[i] - kFirstNm) / kStepNm;
    int k0;
    double t;
    if (pos <= 0) {
      k0 = 0;
      t = 0;
    } else if (pos >= kBands - 1) {
      k0 = kBands - 1;
      t = 0;
    } else {
      k0 = static_cast<int>(pos);
      t = pos - k0;
    }
    const double e[3] = {ex_[i], ey_[i], ez_[i]};
    for (int c = 0; c < 3; ++c) {
      weights_[c][k0] += (1 - t) * e[c];
      if (t > 0) weights_[c][k0 + 1] += t * e[c];
    }
  }
  for (int c = 0; c < 3; ++c) {
    double s = 0;
    for (double w : weights_[c]) s += w;
    white_[c] = s;
  }
}

Xyz Colorimeter::ToXyz(const SampledSpectrum& r) const {
  const Observer& o = Cie1931();
  Xyz xyz{0, 0, 0};
  for (size_t i = 0; i < o.nm.size(); ++i) {
    const double v = r.At(o.nm[i]);
    xyz[0] += ex_[i] * v;
    xyz[1] += ey_[i] * v;
    xyz[2] += ez_[i] * v;
  }
  return xyz;
}

const Colorimeter& D50Colorimeter() {
  static const Colorimeter c(CieIlluminant("D50"));
  return c;
}

}  // namespace shadecast::color
