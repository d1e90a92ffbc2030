#include "calib/spectral.h"

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace shadecast::calib {
namespace {

constexpr int kBasis = 15;  // Gaussians centred 380, 405, ..., 730 nm

Eigen::MatrixXd Basis() {
  Eigen::MatrixXd b(color::kBands, kBasis);
  for (int k = 0; k < color::kBands; ++k)
    for (int j = 0; j < kBasis; ++j) {
      const double d = (color::BandNm(k) - (380.0 + 25.0 * j)) / 25.0;
      b(k, j) = std::exp(-0.5 * d * d);
    }
  return b;
}

using Gram = Eigen::Matrix<double, kBasis, kBasis>;
using Vec = Eigen::Matrix<double, kBasis, 1>;

// Lawson-Hanson non-negative least squares, min |A x - b| with x >= 0, on the normal equations:
// G = A'A, h = A'b (A'(b - A x) = h - G x). The problem is small (kBasis unknowns) and solved
// ~10^4 times per spectral calibration (leave-one-out inside leave-one-out), so the per-solve cost
// is a kBasis x kBasis Cholesky instead of a QR of the stacked rows. The penalty rows keep G
// positive definite (lambda > 0), so the solution is unique whatever the algorithm's path.
Vec Nnls(const Gram& g, const Vec& h) {
  constexpr int n = kBasis;
  Vec x = Vec::Zero();
  bool passive[n] = {};
  int p[n];
  for (int outer = 0; outer < 3 * n; ++outer) {
    const Vec w = h - g * x;
    int best = -1;
    double wmax = 1e-12;
    for (int j = 0; j < n; ++j)
      if (!passive[j] && w(j) > wmax) wmax = w(j), best = j;
    if (best < 0) break;
    passive[best] = true;
    for (int inner = 0; inner < 3 * n; ++inner) {
      int np = 0;
      for (int j = 0; j < n; ++j)
        if (passive[j]) p[np++] = j;
      Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, n, n> gp(np, np);
      Eigen::Matrix<double, Eigen::Dynamic, 1, 0, n, 1> hp(np);
      for (int a = 0; a < np; ++a) {
        hp(a) = h(p[a]);
        for (int b = 0; b < np; ++b) gp(a, b) = g(p[a], p[b]);
      }
      const Eigen::Matrix<double, Eigen::Dynamic, 1, 0, n, 1> zp = gp.ldlt().solve(hp);
      bool feasible = true;
      for (int k = 0; k < np; ++k) feasible &= zp(k) > 0;
      if (feasible) {
        x.setZero();
        for (int k = 0; k < np; ++k) x(p[k]) = zp(k);
        break;
      }
      double alpha = 1.0;
      for (int k = 0; k < np; ++k)
        if (zp(k) <= 0) alpha = std::min(alpha, x(p[k]) / (x(p[k]) - zp(k)));
      Vec z = Vec::Zero();
      for (int k = 0; k < np; ++k) z(p[k]) = zp(k);
      x += alpha * (z - x);
      for (int j = 0; j < n; ++j)
        if (passive[j] && x(j) <= 1e-14) passive[j] = false, x(j) = 0;
    }
  }
  return x;
}

}  // namespace

SensitivityEstimate EstimateSensitivities(const std::vector<color::Spectral36>& refl, const std::vector<Rgb>& rgb,
                                          const std::vector<double>& weight) {
  const int m = static_cast<int>(refl.size());
  if (m < 6) throw std::invalid_argument("spectral mode: at least 6 patches with spectra are needed");
  static const Eigen::MatrixXd basis = Basis();
  Eigen::MatrixXd r(m, color::kBands);
  for (int i = 0; i < m; ++i)
    for (int k = 0; k < color::kBands; ++k) r(i, k) = refl[i][k] * std::sqrt(weight[i]);
  const Eigen::MatrixXd a = r * basis;  // m x kBasis
  Eigen::MatrixXd d2 = Eigen::MatrixXd::Zero(color::kBands - 2, color::kBands);
  for (int k = 0; k + 2 < color::kBands; ++k) d2(k, k) = 1, d2(k, k + 1) = -2, d2(k, k + 2) = 1;
  const Eigen::MatrixXd pen = d2 * basis;
  const double norm = a.squaredNorm() / std::max(pen.squaredNorm(), 1e-30);  // lambda is dimensionless
  // Normal equations of every patch subset from the full ones: leaving patch i out subtracts its
  // row's outer product (and its share of A'b).
  const Gram ata = a.transpose() * a;
  const Gram ptp = pen.transpose() * pen;
  Eigen::MatrixXd bw(m, 3);
  for (int i = 0; i < m; ++i)
    for (int c = 0; c < 3; ++c) bw(i, c) = rgb[i][c] * std::sqrt(weight[i]);
  const Eigen::Matrix<double, kBasis, 3> atb = a.transpose() * bw;

  SensitivityEstimate best;
  double best_err = std::numeric_limits<double>::infinity();
  for (double lambda : {1e-5, 1e-4, 1e-3, 1e-2, 1e-1}) {
    const Gram g = ata + (lambda * norm) * ptp;
    double err = 0;
    for (int i = 0; i < m; ++i) {
      const Vec ai = a.row(i).transpose();
      const Gram gi = g - ai * ai.transpose();
      for (int c = 0; c < 3; ++c) {
        const Vec x = Nnls(gi, atb.col(c) - ai * bw(i, c));
        const double pred = ai.dot(x) / std::sqrt(weight[i]);
        // relative error: dark patches matter as much as light ones
        err += std::pow((pred - rgb[i][c]) / (std::abs(rgb[i][c]) + 0.02), 2);
      }
    }
    if (err < best_err) {
      best_err = err;
      best.lambda = lambda;
    }
  }
  double rss = 0;
  const Gram g = ata + (best.lambda * norm) * ptp;
  for (int c = 0; c < 3; ++c) {
    const Eigen::VectorXd s = basis * Nnls(g, atb.col(c));
    for (int k = 0; k < color::kBands; ++k) best.s[c][k] = s(k);
  }
  for (int i = 0; i < m; ++i) {
    const Rgb p = PredictRgb(best, refl[i]);
    for (int c = 0; c < 3; ++c) rss += std::pow(p[c] - rgb[i][c], 2);
  }
  best.rms_residual = std::sqrt(rss / (3.0 * m));
  return best;
}

TrainingSet SkinTrainingSet(const optics::ModelParams& params, const std::vector<optics::BlendKS>& pigments) {
  TrainingSet t;
  std::vector<optics::SkinParams> skins;
  for (double mel : {0.01, 0.02, 0.04, 0.07, 0.11, 0.16, 0.23, 0.32, 0.42})
    for (double blood : {0.004, 0.01, 0.025, 0.05})
      for (double sc : {0.7, 1.0, 1.4}) skins.push_back({mel, blood, sc});
  for (const auto& skin : skins) {
    t.reflectance.push_back(optics::SkinReflectance(skin, params));
    t.lab.push_back(optics::ReflectanceToLab(t.reflectance.back()));
  }
  // Dots of each pigment under a light, a medium and a dark skin at three loads.
  const optics::SkinParams dot_skins[] = {{0.02, 0.01, 1.0}, {0.08, 0.015, 1.0}, {0.25, 0.01, 1.0}};
  for (const auto& ks : pigments)
    for (const auto& skin : dot_skins)
      for (double load : {0.15, 0.4, 1.0}) {
        const auto r = optics::Render(skin, ks, load * params.load, params);
        t.reflectance.push_back(r.dot_reflectance);
        t.lab.push_back(r.dot_lab);
      }
  t.description = std::to_string(skins.size()) + " skins and " + std::to_string(t.reflectance.size() - skins.size()) +
                  " dots from the optics model";
  return t;
}

}  // namespace shadecast::calib
