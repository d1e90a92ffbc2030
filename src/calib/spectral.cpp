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

// Lawson-Hanson non-negative least squares: min |A x - b|, x >= 0.
Eigen::VectorXd Nnls(const Eigen::MatrixXd& a, const Eigen::VectorXd& b) {
  const int n = static_cast<int>(a.cols());
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
  std::vector<bool> passive(n, false);
  for (int outer = 0; outer < 3 * n; ++outer) {
    Eigen::VectorXd w = a.transpose() * (b - a * x);
    int best = -1;
    double wmax = 1e-12;
    for (int j = 0; j < n; ++j)
      if (!passive[j] && w(j) > wmax) wmax = w(j), best = j;
    if (best < 0) break;
    passive[best] = true;
    for (int inner = 0; inner < 3 * n; ++inner) {
      std::vector<int> p;
      for (int j = 0; j < n; ++j)
        if (passive[j]) p.push_back(j);
      Eigen::MatrixXd ap(a.rows(), p.size());
      for (size_t k = 0; k < p.size(); ++k) ap.col(k) = a.col(p[k]);
      const Eigen::VectorXd zp = ap.colPivHouseholderQr().solve(b);
      bool feasible = true;
      for (size_t k = 0; k < p.size(); ++k) feasible &= zp(k) > 0;
      if (feasible) {
        x.setZero();
        for (size_t k = 0; k < p.size(); ++k) x(p[k]) = zp(k);
        break;
      }
      double alpha = 1.0;
      for (size_t k = 0; k < p.size(); ++k)
        if (zp(k) <= 0) alpha = std::min(alpha, x(p[k]) / (x(p[k]) - zp(k)));
      Eigen::VectorXd z = Eigen::VectorXd::Zero(n);
      for (size_t k = 0; k < p.size(); ++k) z(p[k]) = zp(k);
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

  auto solve = [&](const std::vector<bool>& use, int c, double lambda) {
    int rows = 0;
    for (bool u : use) rows += u;
    Eigen::MatrixXd aa(rows + pen.rows(), kBasis);
    Eigen::VectorXd bb = Eigen::VectorXd::Zero(rows + pen.rows());
    int at = 0;
    for (int i = 0; i < m; ++i)
      if (use[i]) {
        aa.row(at) = a.row(i);
        bb(at++) = rgb[i][c] * std::sqrt(weight[i]);
      }
    aa.bottomRows(pen.rows()) = std::sqrt(lambda * norm) * pen;
    return Nnls(aa, bb);
  };

  SensitivityEstimate best;
  double best_err = std::numeric_limits<double>::infinity();
  for (double lambda : {1e-5, 1e-4, 1e-3, 1e-2, 1e-1}) {
    double err = 0;
    std::vector<bool> use(m, true);
    for (int i = 0; i < m; ++i) {
      use[i] = false;
      for (int c = 0; c < 3; ++c) {
        const Eigen::VectorXd x = solve(use, c, lambda);
        const double pred = (r.row(i) * basis * x)(0) / std::sqrt(weight[i]);
        // relative error: dark patches matter as much as light ones
        err += std::pow((pred - rgb[i][c]) / (std::abs(rgb[i][c]) + 0.02), 2);
      }
      use[i] = true;
    }
    if (err < best_err) {
      best_err = err;
      best.lambda = lambda;
    }
  }
  std::vector<bool> all(m, true);
  double rss = 0;
  for (int c = 0; c < 3; ++c) {
    const Eigen::VectorXd s = basis * solve(all, c, best.lambda);
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
