#include "calib/exposure_field.h"

#include <cmath>
#include <stdexcept>

namespace shadecast::calib {

std::string ExposureFieldToString(ExposureField f) {
  switch (f) {
    case ExposureField::kNone: return "none";
    case ExposureField::kLinear: return "linear";
    case ExposureField::kQuadratic: return "quadratic";
    case ExposureField::kAuto: return "auto";
  }
  return "?";
}

ExposureField ExposureFieldFromString(const std::string& s) {
  for (ExposureField f : {ExposureField::kNone, ExposureField::kLinear, ExposureField::kQuadratic, ExposureField::kAuto})
    if (s == ExposureFieldToString(f)) return f;
  throw std::invalid_argument("unknown exposure field '" + s + "': expected auto, none, linear or quadratic");
}

int FieldTermCount(ExposureField f) {
  switch (f) {
    case ExposureField::kNone: return 0;
    case ExposureField::kLinear: return 2;
    case ExposureField::kQuadratic: return 5;
    case ExposureField::kAuto: return 0;
  }
  return 0;
}

std::vector<ChartPosition> PatchPositions(const pb::ChartDefinition& chart) {
  const int rows = std::max(chart.rows(), 1), cols = std::max(chart.cols(), 1);
  std::vector<ChartPosition> out;
  out.reserve(chart.patches_size());
  for (int i = 0; i < chart.patches_size(); ++i) {
    const int k = (chart.patches(i).index() > 0 ? chart.patches(i).index() : i + 1) - 1;
    const int r = k / cols, c = k % cols;
    out.push_back({cols > 1 ? 2.0 * c / (cols - 1) - 1.0 : 0.0, rows > 1 ? 2.0 * r / (rows - 1) - 1.0 : 0.0});
  }
  return out;
}

void FieldBasis(ExposureField f, const ChartPosition& p, double* out) {
  const double u = p[0], v = p[1];
  if (f == ExposureField::kNone) return;
  out[0] = u;
  out[1] = v;
  if (f == ExposureField::kQuadratic) {
    out[2] = u * u;
    out[3] = u * v;
    out[4] = v * v;
  }
}

double FieldValue(ExposureField f, const std::vector<double>& coef, const ChartPosition& p) {
  const int n = FieldTermCount(f);
  if (n == 0) return 1.0;
  double phi[kMaxFieldTerms];
  FieldBasis(f, p, phi);
  double s = 0;
  for (int k = 0; k < n && k < static_cast<int>(coef.size()); ++k) s += coef[k] * phi[k];
  return std::exp(s);
}

}  // namespace shadecast::calib
