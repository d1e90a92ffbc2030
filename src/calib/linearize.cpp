#include "calib/linearize.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "color/adapt.h"

namespace shadecast::calib {
namespace {

// Curve parameters of one channel inside the flat parameter list: offset of its block.
size_t CurveBlock(const std::vector<double>& p, int channel) {
  size_t at = 0;
  for (int c = 0; c < channel; ++c) at += 1 + 2 * static_cast<size_t>(p[at]);
  return at;
}

// Monotone cubic (Fritsch-Carlson) through (x_i, y_i), x and y increasing; linear beyond the ends
// (the first segment runs from (0, 0)).
double Pchip(const double* x, const double* y, int n, double v) {
  if (v <= x[0]) return y[0] * v / x[0];  // x[0] > 0 is the first knot after the origin
  if (v >= x[n - 1]) {
    const double slope = (y[n - 1] - y[n - 2]) / (x[n - 1] - x[n - 2]);
    return y[n - 1] + slope * (v - x[n - 1]);
  }
  int k = static_cast<int>(std::upper_bound(x, x + n, v) - x) - 1;
  auto secant = [&](int i) { return (y[i + 1] - y[i]) / (x[i + 1] - x[i]); };
  auto tangent = [&](int i) {
    const double d0 = i > 0 ? secant(i - 1) : y[0] / x[0];
    const double d1 = i < n - 1 ? secant(i) : d0;
    if (i == n - 1) return d0;
    if (d0 * d1 <= 0) return 0.0;
    return 2.0 / (1.0 / d0 + 1.0 / d1);  // harmonic mean keeps the interpolant monotone
  };
  const double h = x[k + 1] - x[k], t = (v - x[k]) / h;
  const double m0 = tangent(k), m1 = tangent(k + 1);
  const double h00 = 2 * t * t * t - 3 * t * t + 1, h10 = t * t * t - 2 * t * t + t;
  const double h01 = -2 * t * t * t + 3 * t * t, h11 = t * t * t - t * t;
  return h00 * y[k] + h10 * h * m0 + h01 * y[k + 1] + h11 * h * m1;
}

}  // namespace

std::vector<double> FitLinearization(Linearization kind, const std::vector<Rgb>& device, const std::vector<double>& y) {
  if (kind == Linearization::kNone || kind == Linearization::kSrgb) return {};
  std::vector<double> params;
  for (int c = 0; c < 3; ++c) {
    std::vector<std::pair<double, double>> pts;
    for (size_t i = 0; i < device.size(); ++i)
      if (device[i][c] > 1e-4 && y[i] > 0) pts.emplace_back(device[i][c], y[i]);
    std::sort(pts.begin(), pts.end());
    if (pts.size() < 2)
      throw std::invalid_argument("linearization '" + LinearizationToString(kind) +
                                  "' needs at least two usable neutral patches");
    if (kind == Linearization::kGamma) {
      // log v = (1/gamma) log Y + const: least squares over the neutrals.
      double mx = 0, my = 0;
      for (auto& [v, yy] : pts) mx += std::log(yy), my += std::log(v);
      mx /= pts.size();
      my /= pts.size();
      double sxy = 0, sxx = 0;
      for (auto& [v, yy] : pts) sxy += (std::log(yy) - mx) * (std::log(v) - my), sxx += std::pow(std::log(yy) - mx, 2);
      const double slope = sxx > 0 ? sxy / sxx : 1.0;
      params.push_back(std::clamp(1.0 / std::max(slope, 1e-3), 0.8, 4.0));
    } else {
      // Keep a strictly increasing subsequence in both v and Y (noise can swap close neutrals).
      std::vector<std::pair<double, double>> mono;
      for (auto& p : pts)
        if (mono.empty() || (p.first > mono.back().first + 1e-6 && p.second > mono.back().second)) mono.push_back(p);
      if (mono.size() < 2)
        throw std::invalid_argument("linearization 'curve': the neutral patches are not increasing in channel " +
                                    std::to_string(c));
      const double ymax = mono.back().second;
      params.push_back(static_cast<double>(mono.size()));
      for (auto& p : mono) params.push_back(p.first);
      for (auto& p : mono) params.push_back(p.second / ymax);  // relative: the exposure step rescales
    }
  }
  return params;
}

void CheckLinearization(Linearization kind, const std::vector<double>& p) {
  auto bad = [&](const std::string& why) {
    throw std::invalid_argument("linearization " + LinearizationToString(kind) + ": " + why);
  };
  switch (kind) {
    case Linearization::kNone:
    case Linearization::kSrgb:
      return;
    case Linearization::kGamma:
      if (p.size() != 3) bad("expected 3 gammas");
      for (double g : p)
        if (!(g > 0 && std::isfinite(g))) bad("gamma must be positive");
      return;
    case Linearization::kCurve: {
      size_t at = 0;
      for (int c = 0; c < 3; ++c) {
        if (at >= p.size()) bad("curve parameters are truncated");
        const double n = p[at];
        if (!(n >= 2 && n == std::floor(n)) || at + 1 + 2 * static_cast<size_t>(n) > p.size())
          bad("curve block of channel " + std::to_string(c) + " is malformed");
        const double* x = &p[at + 1];
        const double* y = x + static_cast<size_t>(n);
        for (int i = 0; i < n; ++i) {
          if (!(x[i] > 0 && y[i] > 0) || (i > 0 && !(x[i] > x[i - 1] && y[i] > y[i - 1])))
            bad("curve knots must be positive and increasing");
        }
        at += 1 + 2 * static_cast<size_t>(n);
      }
      if (at != p.size()) bad("extra curve parameters");
      return;
    }
  }
}

double Linearize(Linearization kind, const std::vector<double>& p, int c, double v) {
  switch (kind) {
    case Linearization::kNone:
      return v;
    case Linearization::kSrgb:
      return v >= 0 ? color::SrgbDecode(v) : -color::SrgbDecode(-v);
    case Linearization::kGamma:
      return v >= 0 ? std::pow(v, p[c]) : -std::pow(-v, p[c]);
    case Linearization::kCurve: {
      const size_t at = CurveBlock(p, c);
      const int n = static_cast<int>(p[at]);
      return Pchip(&p[at + 1], &p[at + 1 + n], n, v);
    }
  }
  return v;
}

}  // namespace shadecast::calib
