// The shipped Monte Carlo tables and their interpolant (src/optics/mc_tables.h, table_model.h)
// against fresh photon-transport runs (not the tables) and an independent method (adding-doubling).
#include "optics/mc_tables.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "blend/pigment_ks.h"
#include "color/ciede2000.h"
#include "optics/adding_doubling.h"
#include "optics/mc.h"
#include "optics/model.h"
#include "optics/sobol.h"
#include "optics/table_model.h"

#include <ceres/jet.h>
#include <array>
#include <utility>
#include "store/pigment_library.h"
#include "synth/dot_mc.h"
#include "support/test_support.h"

namespace op = shadecast::optics;
namespace sc = shadecast::color;

namespace {

const op::PigmentKS& SmpBlack() {
  static const op::PigmentKS p = shadecast::blend::PigmentKsFromProto(
      shadecast::store::FindPigment(shadecast::store::LoadDefaultPigmentLibrary(), "smp_carbon_black", "default"));
  return p;
}

// One check point in model inputs: skin, depth, diameter and the fill of the SMP carbon ink.
struct Point {
  op::SkinParams skin;
  op::ModelParams params;
  double load = 1;
};

// The ranges: melanin 0.01-0.45, blood 0.002-0.05 (log-uniform), scattering 0.5-2x,
// depth 0.05-0.3 mm, dot 0.2-1.2 mm, fill 0-0.999 (load from the ink's sieve).
Point FromUnit(const std::array<double, op::Sobol::kMaxDims>& u) {
  Point p;
  p.skin.melanin = std::exp(std::log(0.01) + u[0] * std::log(45.0));
  p.skin.blood = std::exp(std::log(0.002) + u[1] * std::log(25.0));
  p.skin.scattering_scale = std::exp(std::log(0.5) + u[2] * std::log(4.0));
  p.params.depth_mm = 0.05 + 0.25 * u[3];
  p.params.dot_diameter_mm = 0.2 + 1.0 * u[4];
  const double fill = 0.999 * u[5];
  p.load = -std::log(1.0 - fill) / SmpBlack().sieve_k;
  return p;
}

}  // namespace

TEST_CASE("Tables: the interpolant agrees with fresh Monte Carlo runs at 20 Sobol points", "[mc_tables]") {
  // Reference: the synthesiser's own Monte Carlo (synth::RenderDotMc: a new white run, seed 99,
  // exact absorption at every band, no table) at the first 20 points of a 6-D Sobol sequence (Joe &
  // Kuo directions) over the ranges. Its 40,000 photons leave ~0.1-0.2 dE00 of noise.
  // Tolerances from the issue: 95th percentile <= 0.5 dE00, worst <= 1.5 (bench/optics_bench prints 200).
  // The sanitizer build checks the first 4 points only (20 take > 600 s under ASan, 196 s in GCC).
  const int points = shadecast::test::kSanitizerBuild ? 4 : 20;
  op::Sobol sobol(6);
  for (int i = 0; i < 7; ++i) sobol.Next();  // skip the first, axis-aligned points
  std::vector<double> de;
  for (int i = 0; i < points; ++i) {
    const Point p = FromUnit(sobol.Next());
    const op::BlendKS ink = op::MixBlend({{&SmpBlack(), 1.0}}, p.params);
    const auto model = op::Render(p.skin, ink, p.load, p.params);
    shadecast::synth::DotMcOptions mo;
    mo.photons = 40000;
    mo.seed = 99;
    mo.extent_mm = 1e-6;  // the centre only
    const auto mc = shadecast::synth::RenderDotMc(p.skin, ink, p.load, p.params, mo);
    const double d = sc::DeltaE00(model.dot_lab, op::ReflectanceToLab(mc.profile[0]));
    INFO("point " << i << " melanin " << p.skin.melanin << " blood " << p.skin.blood << " scat "
                  << p.skin.scattering_scale << " depth " << p.params.depth_mm << " dot " << p.params.dot_diameter_mm
                  << " load " << p.load << ": model " << model.dot_lab[0] << "," << model.dot_lab[1] << ","
                  << model.dot_lab[2] << " dE00 " << d);
    CHECK(d <= 1.5);
    de.push_back(d);
  }
  std::sort(de.begin(), de.end());
  const double p95 = de[static_cast<size_t>(0.95 * (de.size() - 1))];
  WARN("interpolant vs fresh Monte Carlo over " << points << " points: median " << de[de.size() / 2] << ", p95 " << p95 << ", max "
                                                                   << de.back() << " dE00");
  CHECK(p95 <= 0.5);
}

TEST_CASE("Tables: bare skin agrees with adding-doubling, an independent method", "[mc_tables]") {
  // Reference: optics/adding_doubling.h (Prahl's method; its own tests check van de Hulst and
  // Giovanelli) for the same layers (epidermis 0.06 mm over a semi-infinite dermis, common mus,
  // g 0.8, n 1.4 under air), band by band. Tolerance 1 dE00 per skin (light to dark).
  const op::TableModel& tm = op::TableModel::Shipped();
  for (const op::SkinParams skin : {op::SkinParams{0.01, 0.01, 1.0}, op::SkinParams{0.05, 0.02, 0.8},
                                    op::SkinParams{0.15, 0.01, 1.4}, op::SkinParams{0.35, 0.03, 1.0}}) {
    const op::BandInputs in = op::SkinBandInputs(skin, op::ModelParams{});
    sc::Spectral36 ad_r{}, table_r{};
    for (int k = 0; k < sc::kBands; ++k) {
      op::ad::SkinStack st{in.mua_epidermis[k], tm.epidermis_mm(), in.mua_dermis[k], in.mus[k], tm.g()};
      ad_r[k] = op::ad::SolveSkinOverBlackSheet(st, std::numeric_limits<double>::infinity()).diffuse_reflectance;
      table_r[k] = tm.Skin(in.mus[k], in.mua_epidermis[k], in.mua_dermis[k]);
    }
    const double d = sc::DeltaE00(op::ReflectanceToLab(ad_r), op::ReflectanceToLab(table_r));
    INFO("melanin " << skin.melanin << " blood " << skin.blood << ": dE00 " << d);
    WARN("bare skin, tables vs adding-doubling, melanin " << skin.melanin << ": " << d << " dE00");
    CHECK(d <= 1.0);
  }
}

TEST_CASE("Monte Carlo vs adding-doubling: an opaque black sheet 0.1 mm under light skin", "[mc_tables]") {
  // The review's case: textbook light skin (melanin 0.01, blood 0.01), an opaque sheet 0.1 mm deep.
  // Monte Carlo: a direct run per band with a 40 mm opaque disc (fill 1); adding-doubling: a black
  // boundary at 0.1 mm. Tolerance 1 dE00 (the issue's). Two-flux KM put this sheet near L* 51.
  const op::SkinParams skin{0.01, 0.01, 1.0};
  const op::BandInputs in = op::SkinBandInputs(skin, op::ModelParams{});
  const double e = op::ShippedTables().epidermis_mm, g = op::ShippedTables().g;
  sc::Spectral36 mc_r{}, ad_r{};
  op::mc::Options o;
  o.photons = 20000;
  for (int k = 0; k < sc::kBands; ++k) {
    o.seed = 500 + static_cast<uint64_t>(k);
    const std::vector<op::mc::Layer> layers{{in.mua_epidermis[k], in.mus[k], g, e},
                                            {in.mua_dermis[k], in.mus[k], g, op::mc::kInfinite}};
    mc_r[k] = op::mc::Run(layers, op::mc::InkDisc{0.1, 40.0, 1.0}, op::mc::Beam{}, o).diffuse_reflectance;
    op::ad::SkinStack st{in.mua_epidermis[k], e, in.mua_dermis[k], in.mus[k], g};
    ad_r[k] = op::ad::SolveSkinOverBlackSheet(st, 0.1).diffuse_reflectance;
  }
  const auto mc_lab = op::ReflectanceToLab(mc_r), ad_lab = op::ReflectanceToLab(ad_r);
  INFO("Monte Carlo " << mc_lab[0] << "," << mc_lab[1] << "," << mc_lab[2] << " adding-doubling " << ad_lab[0] << ","
                      << ad_lab[1] << "," << ad_lab[2]);
  WARN("opaque sheet 0.1 mm under light skin: Monte Carlo L* " << mc_lab[0] << ", adding-doubling L* " << ad_lab[0]
                                                              << ", " << sc::DeltaE00(mc_lab, ad_lab) << " dE00");
  CHECK(sc::DeltaE00(mc_lab, ad_lab) <= 1.0);
  CHECK(mc_lab[0] < 35.0);  // far darker than two-flux's ~51
}

TEST_CASE("Tables: a regenerated slice agrees with the shipped tables within 3 sigma", "[mc_tables]") {
  // A fresh white run (seed 4242, 20,000 photons) on a slice of the shipped nodes: every bare-skin
  // node within 3 combined standard errors of the shipped value; the opaque dot centre (fill 1,
  // h_0) within 3 sigma with sigma ~ sqrt(h_0 / N) of the small run.
  const op::McTables& shipped = op::ShippedTables();
  op::TabulateOptions t;
  t.photons = 20000;
  t.seed = 4242;
  t.epidermis_mm = shipped.epidermis_mm;
  t.g = shipped.g;
  t.n_tissue = shipped.n_tissue;
  t.max_path_mfp = shipped.max_path_mfp;
  const auto& a = shipped.axes;
  t.axes.mus_per_mm = {a.mus_per_mm[3], a.mus_per_mm[6]};
  t.axes.mua_epidermis_per_mm = {a.mua_epidermis_per_mm[0], a.mua_epidermis_per_mm[2], a.mua_epidermis_per_mm[5]};
  t.axes.mua_dermis_per_mm = {a.mua_dermis_per_mm[1], a.mua_dermis_per_mm[3]};
  t.axes.depth_mm = {a.depth_mm[3], a.depth_mm[6]};
  t.axes.diameter_mm = {a.diameter_mm[4], a.diameter_mm[7]};
  t.axes.crossing_bins = a.crossing_bins;
  const op::McTables fresh = op::Tabulate(t);
  const size_t S[] = {3, 6}, E[] = {0, 2, 5}, D[] = {1, 3}, Z[] = {3, 6}, M[] = {4, 7};
  int checked = 0;
  for (size_t s = 0; s < 2; ++s)
    for (size_t e = 0; e < 3; ++e)
      for (size_t d = 0; d < 2; ++d) {
        const size_t fi = fresh.SkinIndex(s, e, d), si = shipped.SkinIndex(S[s], E[e], D[d]);
        const double sig = std::hypot(fresh.skin_se[fi], shipped.skin_se[si]);
        INFO("skin node " << s << e << d << ": fresh " << fresh.skin[fi] << " shipped " << shipped.skin[si]);
        CHECK(std::abs(fresh.skin[fi] - shipped.skin[si]) <= 3 * sig);
        for (size_t z = 0; z < 2; ++z)
          for (size_t m = 0; m < 2; ++m) {
            double share_f = 0, share_s = 0;
            for (int n = 0; n < a.crossing_bins; ++n) {
              share_f += fresh.share[fresh.ShareIndex(s, z, m, n, e, d)];
              share_s += shipped.share[shipped.ShareIndex(S[s], Z[z], M[m], n, E[e], D[d])];
            }
            const double h0_f = fresh.skin[fi] * (1 - share_f), h0_s = shipped.skin[si] * (1 - share_s);
            const double sig0 = std::sqrt(std::max(h0_f, 1e-6) / static_cast<double>(t.photons));
            INFO("opaque dot node z " << z << " D " << m << ": fresh " << h0_f << " shipped " << h0_s);
            CHECK(std::abs(h0_f - h0_s) <= 3 * sig0);
            ++checked;
          }
      }
  CHECK(checked == 48);
}

TEST_CASE("Tables: the dot's radial profile agrees with a fresh Monte Carlo profile", "[mc_tables]") {
  // Reference: synth::RenderDotMc (a new white run, seed 77, 40,000 photons, exact absorption) along
  // the radius of a 0.6 mm SMP carbon dot 0.12 mm deep in light and medium skin, at fill 0.9. The
  // profile is tabulated on every other node of the centre's tables: tolerance 1.0 dE00 at 0, 0.5,
  // 1, 1.5 and 2.5 radii; it falls monotonically (to 0.3 dE00 of noise) to the bare skin.
  const op::PigmentKS& ink = SmpBlack();
  for (const op::SkinParams skin : {op::SkinParams{0.015, 0.01, 1.0}, op::SkinParams{0.08, 0.015, 1.2}}) {
    op::ModelParams params;
    params.depth_mm = 0.12;
    params.dot_diameter_mm = 0.6;
    const op::BlendKS blend = op::MixBlend({{&ink, 1.0}}, params);
    const double load = -std::log(0.1) / ink.sieve_k;
    shadecast::synth::DotMcOptions mo;
    mo.photons = 40000;
    mo.seed = 77;
    mo.step_mm = 0.075;  // 0.25 dot radii
    mo.extent_mm = 0.76;
    const auto mc = shadecast::synth::RenderDotMc(skin, blend, load, params, mo);
    const auto bare = op::ReflectanceToLab(op::SkinReflectance(skin, params));
    double last_l = -1;
    for (double rel : {0.0, 0.5, 1.0, 1.5, 2.5}) {
      const double rho = rel * 0.3;
      const auto table = op::ReflectanceToLab(op::DotProfileReflectance(skin, blend, load, params, rho));
      const auto fresh = op::ReflectanceToLab(mc.profile[static_cast<size_t>(std::lround(rho / mo.step_mm))]);
      INFO("melanin " << skin.melanin << " rho " << rho << " mm: tables " << table[0] << "," << table[1] << ","
                      << table[2] << " Monte Carlo " << fresh[0] << "," << fresh[1] << "," << fresh[2]);
      CHECK(sc::DeltaE00(table, fresh) <= 1.0);
      CHECK(table[0] >= last_l - 0.3);
      CHECK(table[0] <= bare[0] + 0.3);
      last_l = table[0];
    }
    CHECK(sc::DeltaE00(op::ReflectanceToLab(op::DotProfileReflectance(skin, blend, load, params, 1.0)), bare) < 1e-9);
  }
}

TEST_CASE("Tables: the fast crossing-class paths equal the generic interpolant", "[mc_tables]") {
  // Reference: TableModel::Classes instantiated on a one-component Jet (the generic loop that Ceres
  // differentiates; its value part is the plain sum). The double path (zero weights skipped) and the
  // depth/diameter-collapsed path (SharesAt + ClassesAt) must agree to 1e-12 relative: they are the
  // same sum in another order. On a node (depth 0.10, dot 0.50) and between nodes.
  using J = ceres::Jet<double, 1>;
  const auto& tm = op::TableModel::Shipped();
  const int nb = tm.bins();
  for (const auto& [depth, diameter] : std::vector<std::pair<double, double>>{{0.10, 0.50}, {0.117, 0.61}, {0.05, 1.2}}) {
    const std::vector<double> at = tm.SharesAt(depth, diameter);
    for (const auto& [mus, mua_e, mua_d] : std::vector<std::array<double, 3>>{{7.5, 3.0, 0.4}, {40.0, 55.0, 9.0}, {20.0, 0.3, 0.05}}) {
      std::vector<double> fast(nb + 1), collapsed(nb + 1);
      std::vector<J> generic(nb + 1);
      tm.Classes(mus, mua_e, mua_d, depth, diameter, fast.data());
      tm.ClassesAt(at, mus, mua_e, mua_d, collapsed.data());
      tm.Classes(J(mus), J(mua_e), J(mua_d), J(depth), J(diameter), generic.data());
      for (int n = 0; n <= nb; ++n) {
        INFO("depth " << depth << " dot " << diameter << " mus " << mus << " class " << n);
        const double ref = generic[n].a, scale = std::max(1e-6, std::abs(ref));
        CHECK(std::abs(fast[n] - ref) <= 1e-12 * scale + 1e-15);
        CHECK(std::abs(collapsed[n] - ref) <= 1e-12 * scale + 1e-15);
      }
    }
  }
}

TEST_CASE("Tables: the bare skin's fast value and derivatives equal the generic interpolant", "[mc_tables]") {
  // Reference: TableModel::SkinGeneric on three-component Jets (Ceres's autodiff through the whole
  // interpolant). Skin() on doubles and on Jets (value and partials chained once) agree to 1e-12
  // relative, also with one coordinate clamped to an end node (mua_d 0: zero slope there).
  using J = ceres::Jet<double, 3>;
  const auto& tm = op::TableModel::Shipped();
  for (const auto& p : std::vector<std::array<double, 3>>{{7.5, 3.0, 0.4}, {40.0, 55.0, 9.0}, {20.0, 0.3, 0.0}, {90.0, 1.0, 1.0}}) {
    const J mus(p[0], 0), mua_e(p[1], 1), mua_d(p[2], 2);
    const J ref = tm.SkinGeneric(mus, mua_e, mua_d);
    const J fast = tm.Skin(mus, mua_e, mua_d);
    INFO("mus " << p[0] << " mua_e " << p[1] << " mua_d " << p[2]);
    CHECK(std::abs(fast.a - ref.a) <= 1e-12 * ref.a);
    CHECK(std::abs(tm.Skin(p[0], p[1], p[2]) - ref.a) <= 1e-12 * ref.a);
    for (int k = 0; k < 3; ++k) CHECK(std::abs(fast.v[k] - ref.v[k]) <= 1e-10 * std::max(1.0, std::abs(ref.v[k])));
  }
}
