// Adding-doubling solver against published tables, an exact semi-infinite solution, and physics
// identities. Each test states its source and tolerance.
#include "optics/adding_doubling.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ad = shadecast::optics::ad;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

ad::Options Matched(int n = 24) {
  ad::Options o;
  o.quadrature_points = n;
  o.n_tissue = 1.0;
  return o;
}

// Relative difference |x - ref| / ref.
double Rel(double x, double ref) { return std::abs(x - ref) / std::abs(ref); }

// Gauss-Legendre nodes and weights on [0, 1] (Newton on P_n), for the independent references below.
void GaussOnUnit(int n, std::vector<double>& x, std::vector<double>& w) {
  x.assign(n, 0.0);
  w.assign(n, 0.0);
  for (int i = 0; i < n; ++i) {
    double t = std::cos(M_PI * (i + 0.75) / (n + 0.5)), dp = 1.0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1.0, p1 = t;
      for (int k = 1; k < n; ++k) {
        const double p2 = ((2 * k + 1) * t * p1 - k * p0) / (k + 1);
        p0 = p1;
        p1 = p2;
      }
      dp = n * (t * p1 - p0) / (t * t - 1.0);
      const double dt = p1 / dp;
      t -= dt;
      if (std::abs(dt) < 1e-15) break;
    }
    x[i] = 0.5 * (1.0 + t);
    w[i] = 1.0 / ((1.0 - t * t) * dp * dp);
  }
}

// Chandrasekhar's H function for isotropic scattering with albedo a at mu = 1, by iterating
// 1/H(mu) = sqrt(1 - a) + (a/2) int_0^1 mu' H(mu') / (mu + mu') dmu' (Chandrasekhar 1960, eq. V.29)
// on a 400-point Gauss grid.
double HFunctionAtOne(double a) {
  std::vector<double> x, w;
  GaussOnUnit(400, x, w);
  const int n = static_cast<int>(x.size());
  std::vector<double> h(n, 1.0);
  const auto evaluate = [&](double mu) {
    double sum = 0.0;
    for (int j = 0; j < n; ++j) sum += w[j] * x[j] * h[j] / (mu + x[j]);
    return 1.0 / (std::sqrt(1.0 - a) + 0.5 * a * sum);
  };
  for (int it = 0; it < 2000; ++it) {
    std::vector<double> next(n);
    double change = 0.0;
    for (int i = 0; i < n; ++i) {
      next[i] = evaluate(x[i]);
      change = std::max(change, std::abs(next[i] - h[i]));
    }
    h = next;
    if (change < 1e-14) break;
  }
  return evaluate(1.0);
}

// 2 E_3(tau) = 2 int_0^1 mu exp(-tau / mu) dmu: diffuse transmission of a purely absorbing layer.
double TwoE3(double tau) {
  std::vector<double> x, w;
  GaussOnUnit(200, x, w);
  double sum = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) sum += 2.0 * w[i] * x[i] * std::exp(-tau / x[i]);
  return sum;
}

}  // namespace

TEST_CASE("Adding-doubling: van de Hulst's slab, albedo 0.9, optical thickness 2, g 0.75, n 1",
          "[adding_doubling]") {
  // van de Hulst (1980), Multiple Light Scattering, vol. 2, as quoted in the validation tables of
  // Wang, Jacques & Zheng (1995), "MCML", Comput. Methods Programs Biomed. 47:131 (numbers checked
  // against a second, independent quotation; the paper itself was not at hand): total diffuse
  // reflectance 0.09739 and total transmittance 0.66096 (unscattered exp(-2) included). mua = 1/mm,
  // mus = 9/mm, d = 0.2 mm. Tolerance 0.5 % (measured with N = 24: < 0.01 %).
  const auto r = ad::Solve({{1.0, 9.0, 0.75, 0.2}}, Matched());
  CHECK(Rel(r.diffuse_reflectance, 0.09739) < 0.005);
  CHECK(Rel(r.total_transmittance, 0.66096) < 0.005);
  CHECK(r.specular_reflectance == 0.0);
  CHECK(r.unscattered_transmittance == Approx(std::exp(-2.0)).epsilon(1e-12));
  CHECK(r.absorbed > 0.0);
}

TEST_CASE("Adding-doubling: Giovanelli's semi-infinite medium, n 1.5, albedo 0.9, isotropic",
          "[adding_doubling]") {
  // Giovanelli (1955), Optica Acta 2:153, as quoted in the validation tables of Wang, Jacques &
  // Zheng (1995) (through a secondary quotation; the paper itself was not at hand) (mua = 10/cm,
  // mus = 90/cm, g = 0, n = 1.5, air above): total reflectance 0.2600 of the incident beam, the 4 %
  // specular reflection included. Tolerance 1 % (measured: < 0.05 %).
  ad::Options o;
  o.n_tissue = 1.5;
  const auto r = ad::Solve({{1.0, 9.0, 0.0, kInf}}, o);
  CHECK(r.specular_reflectance == Approx(0.04).epsilon(1e-12));
  CHECK(Rel(r.specular_reflectance + r.diffuse_reflectance, 0.2600) < 0.01);
  CHECK(r.total_transmittance == 0.0);
  CHECK(r.unscattered_transmittance == 0.0);
}

TEST_CASE("Adding-doubling: mismatched slab, n 1.5 in air, albedo 0.9, optical thickness 1, g 0",
          "[adding_doubling]") {
  // No published table found for this slab; the reference is Prahl's own adding-doubling code,
  // iadpython 0.7.0dev (github.com/scottprahl/iadpython, commit dc8c91c0),
  // Sample(a=0.9, b=1, g=0, n=1.5, n_above=1, n_below=1, quad_pts=24).rt():
  // UR1 = 0.2220212 (specular 0.04 included), UT1 = 0.5059792; for diffuse incidence URU =
  // 0.2795761, UTU = 0.4412990. Code against code, so tight: 0.05 %.
  ad::Options o;
  o.n_tissue = 1.5;
  o.n_below = 1.0;
  const auto r = ad::Solve({{1.0, 9.0, 0.0, 0.1}}, o);
  CHECK(Rel(r.specular_reflectance + r.diffuse_reflectance, 0.2220212) < 5e-4);
  CHECK(Rel(r.total_transmittance, 0.5059792) < 5e-4);
  CHECK(Rel(r.diffuse_incidence_reflectance, 0.2795761) < 5e-4);
  CHECK(Rel(r.diffuse_incidence_transmittance, 0.4412990) < 5e-4);
  // The unscattered beam bounces between the two surfaces: (1-r)^2 e^-1 / (1 - r^2 e^-2), r = 0.04.
  const double e = std::exp(-1.0);
  CHECK(r.unscattered_transmittance == Approx(0.96 * 0.96 * e / (1 - 0.04 * 0.04 * e * e)));
}

TEST_CASE("Adding-doubling: semi-infinite isotropic medium against Chandrasekhar's H function",
          "[adding_doubling]") {
  // Exact: the reflectance of a semi-infinite isotropically scattering medium for normal incidence
  // is 1 - H(1) sqrt(1 - a) (Chandrasekhar 1960, Radiative Transfer, ch. VI; van de Hulst 1980,
  // vol. 1), H computed here independently from its integral equation. Tolerance 0.1 %
  // (measured: < 0.01 %).
  for (double a : {0.5, 0.9, 0.99}) {
    const double reference = 1.0 - HFunctionAtOne(a) * std::sqrt(1.0 - a);
    const auto r = ad::Solve({{(1.0 - a) * 2.0, a * 2.0, 0.0, kInf}}, Matched());
    INFO("albedo " << a << ": H-function reference " << reference);
    CHECK(Rel(r.diffuse_reflectance, reference) < 1e-3);
  }
}

TEST_CASE("Adding-doubling: without absorption all light is reflected or transmitted",
          "[adding_doubling]") {
  // Identity; tolerance 1e-9 absolute.
  for (double g : {0.0, 0.5, 0.9, -0.3}) {
    const std::vector<ad::Layer> stack = {{0.0, 10.0, g, 0.3}, {0.0, 3.0, g, 1.0}};
    const auto m = ad::Solve(stack, Matched());
    CHECK(m.diffuse_reflectance + m.total_transmittance == Approx(1.0).epsilon(0).margin(1e-9));
    CHECK(m.diffuse_incidence_reflectance + m.diffuse_incidence_transmittance ==
          Approx(1.0).epsilon(0).margin(1e-9));
    ad::Options air;  // n = 1.4 with air above and below
    air.n_below = 1.0;
    const auto a = ad::Solve(stack, air);
    CHECK(a.specular_reflectance + a.diffuse_reflectance + a.total_transmittance ==
          Approx(1.0).epsilon(0).margin(1e-9));
    CHECK(a.diffuse_incidence_reflectance + a.diffuse_incidence_transmittance ==
          Approx(1.0).epsilon(0).margin(1e-9));
    CHECK(a.absorbed == Approx(0.0).epsilon(0).margin(1e-9));
  }
  // A conservative semi-infinite medium reflects everything; its doubling converges only as 1/tau
  // and stops once T < 1e-9 per matrix element, hence 1e-5 here.
  ad::Options o;
  const auto s = ad::Solve({{0.0, 5.0, 0.8, kInf}}, o);
  CHECK(s.specular_reflectance + s.diffuse_reflectance == Approx(1.0).epsilon(0).margin(1e-5));
}

TEST_CASE("Adding-doubling: splitting a layer into identical halves changes nothing",
          "[adding_doubling]") {
  // Identity. Two equal halves repeat the whole layer's doubling sequence: 1e-12 absolute. An
  // uneven split starts its layers from other thin-layer thicknesses (the diamond start is accurate
  // to O(d^2) per start): 1e-7 absolute (measured ~1e-9).
  ad::Options o;
  o.n_below = 1.33;
  const auto whole = ad::Solve({{0.3, 12.0, 0.85, 0.8}}, o);
  const auto halves = ad::Solve({{0.3, 12.0, 0.85, 0.4}, {0.3, 12.0, 0.85, 0.4}}, o);
  const auto uneven = ad::Solve({{0.3, 12.0, 0.85, 0.05}, {0.3, 12.0, 0.85, 0.75}}, o);
  for (const auto& [r, tol] : {std::pair{&halves, 1e-12}, std::pair{&uneven, 1e-7}}) {
    CHECK(r->diffuse_reflectance == Approx(whole.diffuse_reflectance).epsilon(0).margin(tol));
    CHECK(r->total_transmittance == Approx(whole.total_transmittance).epsilon(0).margin(tol));
    CHECK(r->diffuse_incidence_reflectance ==
          Approx(whole.diffuse_incidence_reflectance).epsilon(0).margin(tol));
  }
  // A zero-thickness layer is transparent.
  const auto with_empty = ad::Solve({{5.0, 1.0, 0.0, 0.0}, {0.3, 12.0, 0.85, 0.8}}, o);
  CHECK(with_empty.diffuse_reflectance ==
        Approx(whole.diffuse_reflectance).epsilon(0).margin(1e-12));
}

TEST_CASE("Adding-doubling: a thick black-backed slab converges to the semi-infinite medium",
          "[adding_doubling]") {
  // Identity; tolerance 1e-9 once the slab is ~100 transport lengths thick.
  ad::Options o;
  const ad::Layer dermis{0.02, 20.0, 0.9, kInf};
  const auto semi = ad::Solve({{0.5, 20.0, 0.9, 0.1}, dermis}, o);
  double previous = 0.0;
  for (double d : {0.1, 0.5, 2.0, 10.0, 60.0}) {
    const auto r = ad::Solve({{0.5, 20.0, 0.9, 0.1}, {0.02, 20.0, 0.9, d}}, o);
    CHECK(r.diffuse_reflectance > previous);  // a deeper black sheet absorbs less
    CHECK(r.diffuse_reflectance <= semi.diffuse_reflectance + 1e-10);
    previous = r.diffuse_reflectance;
  }
  CHECK(previous == Approx(semi.diffuse_reflectance).epsilon(0).margin(1e-9));
}

TEST_CASE("Adding-doubling: non-scattering layers follow Beer-Lambert", "[adding_doubling]") {
  // Exact; tolerance 1e-5 relative (the diamond start replaces exp(-d/mu) of its thin layer by the
  // Pade approximant (1 - d/2mu)/(1 + d/2mu); measured error ~2e-7). Matched: T = exp(-tau). Air
  // above (n 1.4), matched black below: T = (1 - r) exp(-tau) with r = (0.4/2.4)^2; no diffuse
  // reflectance.
  const auto m = ad::Solve({{0.7, 0.0, 0.0, 1.0}, {0.2, 0.0, 0.0, 2.0}}, Matched());
  CHECK(m.total_transmittance == Approx(std::exp(-1.1)).epsilon(1e-5));
  CHECK(m.diffuse_reflectance == Approx(0.0).epsilon(0).margin(1e-12));
  const double r = std::pow(0.4 / 2.4, 2);
  const auto t = ad::Solve({{0.7, 0.0, 0.0, 1.0}}, ad::Options{});
  CHECK(t.specular_reflectance == Approx(r).epsilon(1e-12));
  CHECK(t.total_transmittance == Approx((1 - r) * std::exp(-0.7)).epsilon(1e-5));
  CHECK(t.unscattered_transmittance == Approx(t.total_transmittance).epsilon(1e-5));
}

TEST_CASE("Adding-doubling: a Lambertian reflector under a purely absorbing layer",
          "[adding_doubling]") {
  // Exact, n = 1: the beam reaches the reflector with exp(-tau), Rb of it returns as Lambertian
  // light of which 2 E_3(tau) crosses the layer; no further bounces. Tolerance 1e-4 relative
  // (the quadrature integrates the Lambertian return).
  const double tau = 0.4, rb = 0.6;
  ad::Options o = Matched();
  o.bottom_reflectance = rb;
  const auto r = ad::Solve({{tau, 0.0, 0.0, 1.0}}, o);
  CHECK(Rel(r.diffuse_reflectance, rb * std::exp(-tau) * TwoE3(tau)) < 1e-4);
  // Net transmittance through the bottom: what the reflector absorbs.
  CHECK(Rel(r.total_transmittance, (1 - rb) * std::exp(-tau)) < 1e-4);
  // A white reflector behind an air gap under a conservative slab returns all the light.
  ad::Options w;
  w.n_below = 1.0;
  w.bottom_reflectance = 1.0;
  const auto white = ad::Solve({{0.0, 4.0, 0.7, 0.5}}, w);
  CHECK(white.specular_reflectance + white.diffuse_reflectance ==
        Approx(1.0).epsilon(0).margin(1e-9));
  CHECK(white.total_transmittance == Approx(0.0).epsilon(0).margin(1e-9));
}

TEST_CASE("Adding-doubling: results converge with the number of quadrature points",
          "[adding_doubling]") {
  // Self-consistency: N = 16 and N = 48 agree to 0.2 % for a skin-like, strongly forward-scattering
  // stack with n = 1.4.
  ad::Options lo, hi;
  lo.quadrature_points = 16;
  hi.quadrature_points = 48;
  const std::vector<ad::Layer> skin = {{0.8, 30.0, 0.8, 0.08}, {0.03, 20.0, 0.8, kInf}};
  const auto a = ad::Solve(skin, lo), b = ad::Solve(skin, hi);
  CHECK(Rel(a.diffuse_reflectance, b.diffuse_reflectance) < 2e-3);
  CHECK(Rel(a.diffuse_incidence_reflectance, b.diffuse_incidence_reflectance) < 2e-3);
}

TEST_CASE("Adding-doubling: skin over an opaque black sheet", "[adding_doubling]") {
  const ad::SkinStack skin{0.6, 0.08, 0.03, 20.0, 0.85};
  ad::Options o;
  o.n_below = 1.0;  // overridden: the black sheet is index matched
  o.bottom_reflectance = 0.5;
  const auto r = ad::SolveSkinOverBlackSheet(skin, 1.0, o);
  const auto direct = ad::Solve({{0.6, 20.0, 0.85, 0.08}, {0.03, 20.0, 0.85, 0.92}}, ad::Options{});
  CHECK(r.diffuse_reflectance == Approx(direct.diffuse_reflectance).epsilon(0).margin(1e-14));
  CHECK(r.total_transmittance == Approx(direct.total_transmittance).epsilon(0).margin(1e-14));
  // Semi-infinite dermis: the limit of an ever deeper sheet.
  const auto semi = ad::SolveSkinOverBlackSheet(skin, kInf);
  const auto deep = ad::SolveSkinOverBlackSheet(skin, 200.0);
  CHECK(deep.diffuse_reflectance == Approx(semi.diffuse_reflectance).epsilon(0).margin(1e-9));
  CHECK(r.diffuse_reflectance < semi.diffuse_reflectance);
  // A sheet inside the epidermis leaves only epidermis above it.
  const auto shallow = ad::SolveSkinOverBlackSheet(skin, 0.05);
  const auto epi = ad::Solve({{0.6, 20.0, 0.85, 0.05}}, ad::Options{});
  CHECK(shallow.diffuse_reflectance == Approx(epi.diffuse_reflectance).epsilon(0).margin(1e-14));
  CHECK_THROWS_WITH(ad::SolveSkinOverBlackSheet(skin, 0.0),
                    Catch::Contains("black_sheet_depth_mm"));
}

TEST_CASE("Adding-doubling: invalid input is rejected with the field named", "[adding_doubling]") {
  const ad::Layer ok{0.1, 10.0, 0.8, 1.0};
  using Catch::Contains;
  CHECK_THROWS_AS(ad::Solve({}), std::invalid_argument);
  CHECK_THROWS_WITH(ad::Solve({}), Contains("layers must not be empty"));
  CHECK_THROWS_WITH(ad::Solve({ok, {-0.1, 10.0, 0.8, 1.0}}), Contains("layers[1].mua_per_mm"));
  CHECK_THROWS_WITH(ad::Solve({{0.1, -1.0, 0.8, 1.0}}), Contains("layers[0].mus_per_mm"));
  CHECK_THROWS_WITH(ad::Solve({{0.1, 10.0, 1.0, 1.0}}), Contains("layers[0].g"));
  CHECK_THROWS_WITH(ad::Solve({{0.1, 10.0, -1.0, 1.0}}), Contains("layers[0].g"));
  CHECK_THROWS_WITH(ad::Solve({{0.1, 10.0, 0.5, -1.0}}), Contains("layers[0].thickness_mm"));
  CHECK_THROWS_WITH(ad::Solve({{0.1, 10.0, 0.5, kInf}, ok}), Contains("only for the last layer"));
  CHECK_THROWS_WITH(ad::Solve({{std::nan(""), 10.0, 0.5, 1.0}}), Contains("layers[0].mua_per_mm"));

  ad::Options o;
  std::string why;
  CHECK(o.IsValid(&why));
  o.quadrature_points = 7;
  CHECK_FALSE(o.IsValid(&why));
  CHECK_THAT(why, Contains("quadrature_points"));
  CHECK_THROWS_WITH(ad::Solve({ok}, o), Contains("Options.quadrature_points"));
  o = {};
  o.bottom_reflectance = 1.5;
  CHECK_THROWS_WITH(ad::Solve({ok}, o), Contains("Options.bottom_reflectance"));
  o = {};
  o.n_tissue = 0.0;
  CHECK_THROWS_WITH(ad::Solve({ok}, o), Contains("Options.n_tissue"));
  o = {};
  o.n_below = -1.0;
  CHECK_THROWS_WITH(ad::Solve({ok}, o), Contains("Options.n_below"));
}
