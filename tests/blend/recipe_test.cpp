// Recipe matching: round trips through the optics model (ground truth: recipes rendered with the
// model itself), physical sense, unreachable targets, the lattice baseline.
#include "blend/recipe.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <random>

#include "blend/pigment_ks.h"
#include "color/ciede2000.h"
#include "optics/model.h"
#include "store/pigment_library.h"

namespace bl = shadecast::blend;
namespace op = shadecast::optics;

namespace {
struct Lib {
  std::vector<op::PigmentKS> pigments;
  std::vector<bl::Candidate> candidates;
};
const Lib& ShippedLibrary() {
  static const Lib lib = [] {
    Lib l;
    const auto proto = shadecast::store::LoadPigmentLibrary(
        std::string(SHADECAST_REPO_DIR) + "/data/pigments/default.textproto");
    std::vector<shadecast::pb::PigmentRole> roles;
    for (const auto& p : proto.pigments()) {
      if (p.role() == shadecast::pb::REFERENCE || p.characterisation_only()) continue;  // the SMP inks
      l.pigments.push_back(bl::PigmentKsFromProto(p));
      roles.push_back(p.role());
    }
    for (size_t i = 0; i < l.pigments.size(); ++i) l.candidates.push_back({&l.pigments[i], roles[i] == shadecast::pb::BLACK});
    return l;
  }();
  return lib;
}
double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * (v.size() - 1))];
}
}  // namespace

TEST_CASE("Match round trip: 200 random recipes on random skins") {
  // Acceptance (issue 7): 90th percentile continuous dE00 <= 0.3; the pourable 5 % recipe within
  // 0.1 dE00 of the exhaustive 5 % lattice optimum (scores, same component penalty) and <= 1.0 from
  // the target at the 90th percentile. Ground truth: targets rendered by the optics model.
  const Lib& lib = ShippedLibrary();
  std::vector<const op::PigmentKS*> blacks, others;
  for (const auto& c : lib.candidates) (c.black ? blacks : others).push_back(c.pigment);
  std::mt19937_64 rng(2026);
  std::uniform_real_distribution<double> u(0, 1);
  const op::ModelParams params;
  bl::MatchOptions o;
  std::vector<double> cont, pour, pour10, gap;
  auto desc = [](const bl::Recipe& r) {
    std::string d;
    for (const auto& c : r.components) d += c.pigment + ":" + std::to_string(c.parts) + " ";
    return d + "load " + std::to_string(r.load) + " de " + std::to_string(r.de00);
  };
  for (int i = 0; i < 200; ++i) {
    std::vector<const op::PigmentKS*> pigs{blacks[i % blacks.size()]};
    std::vector<double> shares{1.0};
    const int extra = static_cast<int>(u(rng) * 3);  // 0, 1 or 2 neutralizers
    std::vector<const op::PigmentKS*> pool = others;
    std::shuffle(pool.begin(), pool.end(), rng);
    for (int k = 0; k < extra; ++k) {
      pigs.push_back(pool[k]);
      shares.push_back(0.05 + 0.25 * u(rng));
    }
    double total = 0;
    for (double s : shares) total += s;
    const double load = 0.1 + 0.85 * u(rng);
    std::vector<double> amounts;
    for (double s : shares) amounts.push_back(load * s / total);
    const op::SkinParams skin{std::exp(std::log(0.01) + u(rng) * std::log(25.0)), 0.005 + 0.02 * u(rng),
                              1.1 + 0.6 * u(rng)};
    const auto target = bl::PredictDot(skin, pigs, amounts, params);
    const auto m = bl::Match(target, skin, lib.candidates, params, o);
    cont.push_back(m.continuous.de00);
    pour.push_back(m.recipe.de00);
    {
      // Parts of 10 (reported, and the same lattice check on every 8th pair).
      bl::MatchOptions o10 = o;
      o10.units = bl::PourUnits::kParts10;
      const auto m10 = bl::Match(target, skin, lib.candidates, params, o10);
      pour10.push_back(m10.recipe.de00);
      if (i % 8 == 0) {
        const auto best10 = bl::LatticeOptimum(target, skin, lib.candidates, params, o10);
        INFO("pair " << i << " parts10: match " << desc(m10.recipe) << " score " << m10.recipe.score << "; lattice "
                     << desc(best10) << " score " << best10.score << "; continuous " << desc(m10.continuous));
        CHECK(m10.recipe.score <= best10.score + 0.1);
      }
    }
    if (i % 4 == 0) {  // the lattice baseline on every 4th pair (50 pairs; ~0.1 s each)
      const auto best = bl::LatticeOptimum(target, skin, lib.candidates, params, o);
      gap.push_back(m.recipe.score - best.score);
      INFO("pair " << i << " pourable " << desc(m.recipe) << " score " << m.recipe.score << "; lattice " << desc(best)
                   << " score " << best.score << "; continuous " << desc(m.continuous));
      CHECK(m.recipe.score <= best.score + 0.1);
    }
  }
  const double p90c = Percentile(cont, 0.9), p90p = Percentile(pour, 0.9);
  WARN("match round trip: continuous p90 " << p90c << " dE00, pourable p90 " << p90p << " dE00, worst gap to lattice "
                                           << *std::max_element(gap.begin(), gap.end()) << "; parts of 10: pourable p90 "
                                           << Percentile(pour10, 0.9) << " dE00");
  CHECK(p90c <= 0.3);
  CHECK(p90p <= 1.0);
}

TEST_CASE("Warmer targets get more warm neutralizer, darker targets a higher load") {
  const Lib& lib = ShippedLibrary();
  const op::ModelParams params;
  const op::SkinParams skin{0.03, 0.01, 1.4};
  bl::MatchOptions o;
  auto warm_share = [&](const bl::MatchResult& m) {
    double s = 0;
    for (const auto& c : m.continuous.components)
      if (c.pigment == "smp_warm_neutralizer") s += c.fraction;
    return s;
  };
  // Targets either side of what the black alone makes at load 0.15 on this skin: one warmer (a*, b*
  // raised), one cooler.
  const op::PigmentKS* black = nullptr;
  for (const auto& c : lib.candidates)
    if (c.black) black = c.pigment;
  const auto plain = bl::PredictDot(skin, {black}, {0.15}, params);
  const auto cool = bl::Match({plain[0], plain[1] - 2, plain[2] - 4}, skin, lib.candidates, params, o);
  const auto warm = bl::Match({plain[0], plain[1] + 2, plain[2] + 4}, skin, lib.candidates, params, o);
  INFO("cool share " << warm_share(cool) << " warm share " << warm_share(warm));
  CHECK(warm_share(warm) > warm_share(cool));
  const auto light = bl::Match({55, 2, 4}, skin, lib.candidates, params, o);
  const auto dark = bl::Match({48, 2, 4}, skin, lib.candidates, params, o);
  CHECK(dark.continuous.load > light.continuous.load);
}

TEST_CASE("An unreachable target is reported as such with the nearest recipe") {
  // L* 20 with b* +30 on very dark skin: no mix of these inks through that skin gets there.
  const Lib& lib = ShippedLibrary();
  const auto m = bl::Match({20, 5, 30}, {0.45, 0.01, 1.4}, lib.candidates, op::ModelParams{}, bl::MatchOptions{});
  CHECK_FALSE(m.reachable);
  CHECK(m.continuous.de00 > 1.0);
  CHECK_FALSE(m.miss.empty());
  CHECK_FALSE(m.recipe.components.empty());
}

TEST_CASE("Session plan: lighter first session, target at session 2, water per ml of ink") {
  const Lib& lib = ShippedLibrary();
  const op::SkinParams skin{0.03, 0.01, 1.4};
  bl::MatchOptions o;
  // A target the shipped carbon black makes at load 0.2 (a light shade, diluted at every session).
  const op::PigmentKS* carbon = nullptr;
  for (const auto& c : lib.candidates)
    if (c.pigment->id == "smp_carbon_black") carbon = c.pigment;
  REQUIRE(carbon);
  const auto target = bl::PredictDot(skin, {carbon}, {0.2}, op::ModelParams{});
  const auto m = bl::Match(target, skin, lib.candidates, op::ModelParams{}, o);
  REQUIRE(m.sessions.size() == 3);
  INFO("recipe load " << m.recipe.load << " L " << m.recipe.predicted_lab[0] << " s1 load " << m.sessions[0].load << " dep " << m.sessions[0].deposit << " s2 dep " << m.sessions[1].deposit);
  REQUIRE(m.sessions[1].water_ml_per_ml > 0);  // a light shade: diluted at every session
  // Session 1 aims first_session_lightness_offset (6) L* lighter, to 0.05 L* (bisection).
  CHECK(m.sessions[0].predicted_lab[0] == Approx(m.recipe.predicted_lab[0] + o.first_session_lightness_offset).margin(0.05));
  CHECK(m.sessions[1].load == Approx(m.recipe.load).margin(1e-12));
  // Not checked any more: session 1 more dilute than session 2. With ink as a saturating sieve
  // (fill 1 - exp(-k c)) a first session only 6 L* lighter than the target needs more than half its
  // ink, so session 2 may pour the more dilute mix (here ~5.3 vs ~6.1 ml water per ml).
  for (const auto& s : m.sessions) CHECK(s.water_ml_per_ml >= 0);
  // Water arithmetic: deposit = healed load / retention; concentration = 1 / (1 + water).
  CHECK(1.0 / (1.0 + m.sessions[1].water_ml_per_ml) ==
        Approx((m.recipe.load - m.sessions[0].load) / o.healing_retention).margin(1e-9));
  REQUIRE(m.metamerism.size() == 3);
}

TEST_CASE("Match refuses a library without black and invalid options") {
  const Lib& lib = ShippedLibrary();
  std::vector<bl::Candidate> no_black;
  for (const auto& c : lib.candidates)
    if (!c.black) no_black.push_back(c);
  CHECK_THROWS_WITH(bl::Match({40, 2, 2}, {}, no_black, op::ModelParams{}, bl::MatchOptions{}), Catch::Contains("no black"));
  bl::MatchOptions bad;
  bad.sessions = 0;
  CHECK_THROWS_WITH(bl::Match({40, 2, 2}, {}, lib.candidates, op::ModelParams{}, bad), Catch::Contains("sessions"));
}
