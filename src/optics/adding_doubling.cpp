// Adding-doubling solver; the method and its references are summarised in adding_doubling.h.
//
// Notation. Directions are the quadrature cosines mu_i in (0, 1], weights w_i (sum 1), c_i = 2 mu_i
// w_i (sum 1) and s_i = sqrt(c_i). Prahl's reflection operator R(nu, mu) maps incident radiance
// L(mu) to L_r(nu) = int R(nu, mu) L(mu) 2 mu dmu; here every operator is stored "flux-symmetrised"
// as Rt = C^(1/2) R C^(1/2), acting on phi_i = s_i L_i. Then Prahl's star product is the ordinary
// matrix product, his star identity is I, the matrices of a homogeneous layer are symmetric
// (reciprocity) and the power carried by phi is s^T phi.
#include "optics/adding_doubling.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace shadecast::optics::ad {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kPi = 3.14159265358979323846;

// ----------------------------------------------------------------------------------------------
// Quadrature

struct Quadrature {
  VectorXd mu;  // ascending, the last node is mu = 1
  VectorXd w;   // sum 1
  VectorXd s;   // sqrt(2 mu w)
};

// Legendre P_0..P_{n-1} at x.
std::vector<double> LegendreUpTo(int n, double x) {
  std::vector<double> p(std::max(n, 2));
  p[0] = 1.0;
  p[1] = x;
  for (int k = 1; k + 1 < n; ++k) p[k + 1] = ((2 * k + 1) * x * p[k] - k * p[k - 1]) / (k + 1);
  p.resize(n);
  return p;
}

// n-point Gauss-Legendre rule on [a, b] (Newton on P_n), appended to mu, w.
void AppendGauss(int n, double a, double b, std::vector<double>& mu, std::vector<double>& w) {
  for (int i = 0; i < n; ++i) {
    double x = std::cos(kPi * (i + 0.75) / (n + 0.5));
    double dp = 1.0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1.0, p1 = x;
      for (int k = 1; k < n; ++k) {
        const double p2 = ((2 * k + 1) * x * p1 - k * p0) / (k + 1);
        p0 = p1;
        p1 = p2;
      }
      dp = n * (x * p1 - p0) / (x * x - 1.0);
      const double dx = p1 / dp;
      x -= dx;
      if (std::abs(dx) < 1e-15) break;
    }
    const double wx = 2.0 / ((1.0 - x * x) * dp * dp);
    mu.push_back(0.5 * (a + b) + 0.5 * (b - a) * x);
    w.push_back(0.5 * (b - a) * wx);
  }
}

// n-point Radau rule on [a, b] with the fixed node at b, appended to mu, w. On [-1, 1] with the
// fixed node -1 the free nodes are those of Gauss-Jacobi for the weight (1 + x) (Golub-Welsch),
// with weights w_i = w_i^GJ / (1 + x_i); the fixed node has weight 2 / n^2. x = -1 maps to b.
void AppendRadau(int n, double a, double b, std::vector<double>& mu, std::vector<double>& w) {
  const int m = n - 1;
  if (m > 0) {
    MatrixXd jac = MatrixXd::Zero(m, m);
    for (int k = 0; k < m; ++k) {
      jac(k, k) = 1.0 / ((2.0 * k + 1.0) * (2.0 * k + 3.0));
      if (k + 1 < m) {
        const double kk = k + 1;
        jac(k, k + 1) = jac(k + 1, k) = std::sqrt(kk * (kk + 1.0)) / (2.0 * kk + 1.0);
      }
    }
    Eigen::SelfAdjointEigenSolver<MatrixXd> eig(jac);
    for (int i = 0; i < m; ++i) {
      const double x = eig.eigenvalues()(i);
      const double v0 = eig.eigenvectors()(0, i);
      const double wgj = 2.0 * v0 * v0;  // integral of (1 + x) over [-1, 1] is 2
      mu.push_back(b - 0.5 * (b - a) * (x + 1.0));
      w.push_back(0.5 * (b - a) * wgj / (1.0 + x));
    }
  }
  mu.push_back(b);
  w.push_back(0.5 * (b - a) * 2.0 / (double(n) * n));
}

// Radau on [0, 1], or Gauss on [0, mu_c] + Radau on [mu_c, 1] when there is a critical angle.
Quadrature MakeQuadrature(int n, double mu_critical) {
  std::vector<double> mu, w;
  if (mu_critical <= 0.0) {
    AppendRadau(n, 0.0, 1.0, mu, w);
  } else {
    AppendGauss(n / 2, 0.0, mu_critical, mu, w);
    AppendRadau(n - n / 2, mu_critical, 1.0, mu, w);
  }
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](int i, int j) { return mu[i] < mu[j]; });
  Quadrature q{VectorXd(n), VectorXd(n), VectorXd(n)};
  for (int i = 0; i < n; ++i) {
    q.mu(i) = mu[order[i]];
    q.w(i) = w[order[i]];
    q.s(i) = std::sqrt(2.0 * q.mu(i) * q.w(i));
  }
  return q;
}

// ----------------------------------------------------------------------------------------------
// Fresnel

// Unpolarised Fresnel reflectance for light in medium n_i hitting medium n_t at cos(angle) = mu.
double Fresnel(double n_i, double n_t, double mu) {
  if (n_i == n_t) return 0.0;
  if (mu <= 0.0) return 1.0;
  const double sin_t = n_i / n_t * std::sqrt(std::max(0.0, 1.0 - mu * mu));
  if (sin_t >= 1.0) return 1.0;
  const double mu_t = std::sqrt(1.0 - sin_t * sin_t);
  const double rs = (n_i * mu - n_t * mu_t) / (n_i * mu + n_t * mu_t);
  const double rp = (n_i * mu_t - n_t * mu) / (n_i * mu_t + n_t * mu);
  return 0.5 * (rs * rs + rp * rp);
}

// Cosine (inside the tissue) of the critical angle against n_out; 0 when there is none.
double CosCritical(double n_tissue, double n_out) {
  if (n_out >= n_tissue) return 0.0;
  const double r = n_out / n_tissue;
  return std::sqrt(1.0 - r * r);
}

// ----------------------------------------------------------------------------------------------
// Layers

// Reflection and transmission of a slab in flux-symmetrised form: *_down for light from above,
// *_up for light from below.
struct Slab {
  MatrixXd r_down, t_down, r_up, t_up;
};

Slab IdentitySlab(int n) {
  return {MatrixXd::Zero(n, n), MatrixXd::Identity(n, n), MatrixXd::Zero(n, n),
          MatrixXd::Identity(n, n)};
}

// Adding equations (Prahl 1995 eq. 5.19-5.22): slab a on top of slab b.
Slab Add(const Slab& a, const Slab& b) {
  const int n = static_cast<int>(a.r_down.rows());
  const MatrixXd eye = MatrixXd::Identity(n, n);
  // (I - Rb Ra_up)^-1 and (I - Ra_up Rb)^-1, applied through LU solves.
  const Eigen::PartialPivLU<MatrixXd> lu1(eye - b.r_down * a.r_up);
  const Eigen::PartialPivLU<MatrixXd> lu2(eye - a.r_up * b.r_down);
  Slab out;
  out.r_down = a.r_down + a.t_up * lu1.solve(b.r_down * a.t_down);
  out.t_down = b.t_down * lu2.solve(a.t_down);
  out.r_up = b.r_up + b.t_down * lu2.solve(a.r_up * b.t_up);
  out.t_up = a.t_up * lu1.solve(b.t_up);
  return out;
}

// Delta-M Legendre redistribution function h(mu_i, mu_j) (hp) and h(mu_i, -mu_j) (hm), normalised
// so that (1/2) int_{-1}^{1} h(mu, mu') dmu' = 1.
std::pair<MatrixXd, MatrixXd> Redistribution(const Quadrature& q, double g) {
  const int n = static_cast<int>(q.mu.size());
  if (g == 0.0) return {MatrixXd::Ones(n, n), MatrixXd::Ones(n, n)};
  const double f = std::pow(g, n);
  MatrixXd p(n, n);  // p(i, k) = P_k(mu_i)
  for (int i = 0; i < n; ++i) {
    const auto pk = LegendreUpTo(n, q.mu(i));
    for (int k = 0; k < n; ++k) p(i, k) = pk[k];
  }
  VectorXd chi(n), chi_alt(n);
  for (int k = 0; k < n; ++k) {
    chi(k) = (2 * k + 1) * (std::pow(g, k) - f) / (1.0 - f);
    chi_alt(k) = (k % 2 == 0) ? chi(k) : -chi(k);  // P_k(-mu) = (-1)^k P_k(mu)
  }
  return {p * chi.asDiagonal() * p.transpose(), p * chi_alt.asDiagonal() * p.transpose()};
}

// Diamond initialisation (Wiscombe 1976) of a layer of optical thickness d and albedo a.
// Integrating the discrete-ordinate equations over the layer with the radiances replaced by the
// mean of their values at top and bottom gives, in flux-symmetrised form with S = I + alpha/2, B =
// beta/2,
//   T + R = 2 (S - B)^-1 - I,   T - R = 2 (S + B)^-1 - I,
// alpha = d M^-1 - (a d / 2) D hp D, beta = (a d / 2) D hm D, D = diag(sqrt(w / mu)).
Slab DiamondLayer(const Quadrature& q, const MatrixXd& hp, const MatrixXd& hm, double a, double d) {
  const int n = static_cast<int>(q.mu.size());
  const VectorXd dd = (q.w.array() / q.mu.array()).sqrt();
  const MatrixXd eye = MatrixXd::Identity(n, n);
  const MatrixXd alpha = MatrixXd((d / q.mu.array()).matrix().asDiagonal()) -
                         0.5 * a * d * dd.asDiagonal() * hp * dd.asDiagonal();
  const MatrixXd beta = 0.5 * a * d * dd.asDiagonal() * hm * dd.asDiagonal();
  const MatrixXd s = eye + 0.5 * alpha;
  const MatrixXd plus = 2.0 * (s - 0.5 * beta).inverse() - eye;   // T + R
  const MatrixXd minus = 2.0 * (s + 0.5 * beta).inverse() - eye;  // T - R
  Slab out;
  out.t_down = 0.5 * (plus + minus);
  out.r_down = 0.5 * (plus - minus);
  out.t_up = out.t_down;
  out.r_up = out.r_down;
  return out;
}

// Doubling of a homogeneous (symmetric) slab: two copies on top of each other.
Slab Double(const Slab& x) {
  const int n = static_cast<int>(x.r_down.rows());
  const Eigen::PartialPivLU<MatrixXd> lu(MatrixXd::Identity(n, n) - x.r_down * x.r_down);
  Slab out;
  const MatrixXd tg = x.t_down * lu.inverse();
  out.r_down = x.r_down + tg * x.r_down * x.t_down;
  out.t_down = tg * x.t_down;
  out.r_up = out.r_down;
  out.t_up = out.t_down;
  return out;
}

// One homogeneous layer; thickness_mm may be infinite.
Slab LayerMatrices(const Quadrature& q, const Layer& layer) {
  const int n = static_cast<int>(q.mu.size());
  const double mut = layer.mua_per_mm + layer.mus_per_mm;
  if (layer.thickness_mm == 0.0 || (mut == 0.0 && std::isfinite(layer.thickness_mm)))
    return IdentitySlab(n);
  const double a = mut > 0.0 ? layer.mus_per_mm / mut : 0.0;
  const double f = std::pow(layer.g, n);
  const double a_dm = a * (1.0 - f) / (1.0 - a * f);
  const auto [hp, hm] = Redistribution(q, layer.g);
  const double mu_min = q.mu(0);
  if (!std::isfinite(layer.thickness_mm)) {
    if (mut == 0.0)
      return {MatrixXd::Zero(n, n), MatrixXd::Zero(n, n), MatrixXd::Zero(n, n),
              MatrixXd::Zero(n, n)};  // a transparent half-space: light never returns
    Slab x = DiamondLayer(q, hp, hm, a_dm, 0.5 * mu_min);
    // Double until (almost) nothing gets through: the light that deeper layers would return is then
    // below ~T^2. A conservative medium converges only as 1/tau while the round-off of I - R R
    // grows as tau, hence a threshold of 1e-9 rather than smaller.
    for (int k = 0; k < 200 && x.t_down.cwiseAbs().maxCoeff() > 1e-9; ++k) x = Double(x);
    x.t_down.setZero();
    x.t_up.setZero();
    return x;
  }
  const double tau = mut * layer.thickness_mm * (1.0 - a * f);
  int doublings = 0;
  double d = tau;
  while (d > mu_min) {
    d *= 0.5;
    ++doublings;
  }
  Slab x = DiamondLayer(q, hp, hm, a_dm, d);
  for (int k = 0; k < doublings; ++k) x = Double(x);
  return x;
}

// ----------------------------------------------------------------------------------------------
// Validation

std::string LayerError(const std::vector<Layer>& layers) {
  if (layers.empty()) return "layers must not be empty";
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    std::ostringstream os;
    os << "layers[" << i << "].";
    if (!(l.mua_per_mm >= 0.0) || !std::isfinite(l.mua_per_mm))
      os << "mua_per_mm must be finite and >= 0 (got " << l.mua_per_mm << ")";
    else if (!(l.mus_per_mm >= 0.0) || !std::isfinite(l.mus_per_mm))
      os << "mus_per_mm must be finite and >= 0 (got " << l.mus_per_mm << ")";
    else if (!(l.g > -1.0 && l.g < 1.0))
      os << "g must be in (-1, 1) (got " << l.g << ")";
    else if (!(l.thickness_mm >= 0.0))
      os << "thickness_mm must be >= 0 (got " << l.thickness_mm << ")";
    else if (!std::isfinite(l.thickness_mm) && i + 1 != layers.size())
      os << "thickness_mm may be infinite only for the last layer";
    else
      continue;
    return os.str();
  }
  return "";
}

}  // namespace

bool Options::IsValid(std::string* why) const {
  std::ostringstream os;
  if (quadrature_points < 4 || quadrature_points > 128 || quadrature_points % 2 != 0)
    os << "Options.quadrature_points must be even and in [4, 128] (got " << quadrature_points
       << ")";
  else if (!(n_tissue > 0.0) || !std::isfinite(n_tissue))
    os << "Options.n_tissue must be finite and > 0 (got " << n_tissue << ")";
  else if (!(n_above > 0.0) || !std::isfinite(n_above))
    os << "Options.n_above must be finite and > 0 (got " << n_above << ")";
  else if (n_below && (!(*n_below > 0.0) || !std::isfinite(*n_below)))
    os << "Options.n_below must be finite and > 0 when set (got " << *n_below << ")";
  else if (!(bottom_reflectance >= 0.0 && bottom_reflectance <= 1.0))
    os << "Options.bottom_reflectance must be in [0, 1] (got " << bottom_reflectance << ")";
  else
    return true;
  if (why) *why = os.str();
  return false;
}

Result Solve(const std::vector<Layer>& layers, const Options& options) {
  std::string why;
  if (!options.IsValid(&why)) throw std::invalid_argument("ad::Solve: " + why);
  why = LayerError(layers);
  if (!why.empty()) throw std::invalid_argument("ad::Solve: " + why);

  const int n = options.quadrature_points;
  const double nt = options.n_tissue;
  const bool semi_infinite = !std::isfinite(layers.back().thickness_mm);
  const double n_bot = (semi_infinite || !options.n_below) ? nt : *options.n_below;
  double mu_c = CosCritical(nt, options.n_above);
  if (mu_c == 0.0) mu_c = CosCritical(nt, n_bot);
  const Quadrature q = MakeQuadrature(n, mu_c);

  // The layers.
  Slab stack = LayerMatrices(q, layers[0]);
  for (std::size_t i = 1; i < layers.size(); ++i) stack = Add(stack, LayerMatrices(q, layers[i]));

  // Bottom boundary as seen from inside: Fresnel reflection plus, through the interface, a
  // Lambertian reflector Rb in the medium below (with its multiple reflections against the
  // interface).
  const MatrixXd eye = MatrixXd::Identity(n, n);
  MatrixXd r_bottom = MatrixXd::Zero(n, n);
  if (!semi_infinite) {
    VectorXd u(n);
    for (int i = 0; i < n; ++i) {
      const double r = Fresnel(nt, n_bot, q.mu(i));
      r_bottom(i, i) = r;
      u(i) = q.s(i) * (1.0 - r);
    }
    const double m2 = (nt / n_bot) * (nt / n_bot);
    const double r_ext_diffuse = 1.0 - m2 * q.s.dot(u);  // seen from below, by reciprocity
    const double rb = options.bottom_reflectance;
    r_bottom += m2 * rb / (1.0 - rb * r_ext_diffuse) * u * u.transpose();
  }
  const Eigen::PartialPivLU<MatrixXd> lu_b(eye - stack.r_up * r_bottom);
  const MatrixXd r_slab = stack.r_down + stack.t_up * r_bottom * lu_b.solve(stack.t_down);
  // Net power through the bottom surface per unit phi entering the slab from above.
  const Eigen::RowVectorXd t_row = q.s.transpose() * (eye - r_bottom) * lu_b.solve(stack.t_down);

  // Top surface: internal Fresnel reflection r_top; phi0 is what enters through it.
  VectorXd r_top(n);
  for (int i = 0; i < n; ++i) r_top(i) = Fresnel(nt, options.n_above, q.mu(i));
  const Eigen::PartialPivLU<MatrixXd> lu_t(eye - r_slab * r_top.asDiagonal());
  const auto reflect_transmit = [&](const VectorXd& phi0) {
    const VectorXd up = lu_t.solve(r_slab * phi0);
    const VectorXd down = phi0 + r_top.cwiseProduct(up);
    const double refl = q.s.dot((VectorXd::Ones(n) - r_top).cwiseProduct(up));
    return std::pair<double, double>(refl, t_row.dot(down));
  };

  Result res;
  res.quadrature_points = n;
  const double r1 = Fresnel(options.n_above, nt, 1.0);
  res.specular_reflectance = r1;
  VectorXd phi0 = VectorXd::Zero(n);
  phi0(n - 1) = (1.0 - r1) / q.s(n - 1);
  std::tie(res.diffuse_reflectance, res.total_transmittance) = reflect_transmit(phi0);

  const double m2_top = (nt / options.n_above) * (nt / options.n_above);
  const VectorXd phi_diffuse = m2_top * q.s.cwiseProduct(VectorXd::Ones(n) - r_top);
  const double r_surface_diffuse = 1.0 - q.s.dot(phi_diffuse);
  const auto [uru, utu] = reflect_transmit(phi_diffuse);
  res.diffuse_incidence_reflectance = r_surface_diffuse + uru;
  res.diffuse_incidence_transmittance = utu;

  if (!semi_infinite) {
    double tau = 0.0;
    for (const Layer& l : layers) tau += (l.mua_per_mm + l.mus_per_mm) * l.thickness_mm;
    const double rb1 = Fresnel(nt, n_bot, 1.0);
    const double e = std::exp(-tau);
    res.unscattered_transmittance = (1.0 - r1) * (1.0 - rb1) * e / (1.0 - r1 * rb1 * e * e);
  }
  res.absorbed = 1.0 - res.specular_reflectance - res.diffuse_reflectance - res.total_transmittance;
  return res;
}

Result SolveSkinOverBlackSheet(const SkinStack& skin, double black_sheet_depth_mm,
                               const Options& options) {
  if (!(black_sheet_depth_mm > 0.0))
    throw std::invalid_argument(
        "ad::SolveSkinOverBlackSheet: black_sheet_depth_mm must be > 0 (got " +
        std::to_string(black_sheet_depth_mm) + ")");
  if (!(skin.epidermis_thickness_mm >= 0.0) || !std::isfinite(skin.epidermis_thickness_mm))
    throw std::invalid_argument(
        "ad::SolveSkinOverBlackSheet: epidermis_thickness_mm must be finite and >= 0 (got " +
        std::to_string(skin.epidermis_thickness_mm) + ")");
  std::vector<Layer> layers;
  const double epi = std::min(skin.epidermis_thickness_mm, black_sheet_depth_mm);
  if (epi > 0.0) layers.push_back({skin.mua_epidermis_per_mm, skin.mus_per_mm, skin.g, epi});
  if (black_sheet_depth_mm > skin.epidermis_thickness_mm)
    layers.push_back({skin.mua_dermis_per_mm, skin.mus_per_mm, skin.g,
                      black_sheet_depth_mm - skin.epidermis_thickness_mm});
  Options o = options;
  o.n_below = std::nullopt;
  o.bottom_reflectance = 0.0;
  return Solve(layers, o);
}

}  // namespace shadecast::optics::ad
