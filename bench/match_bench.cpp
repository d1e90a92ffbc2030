// Recipe matching speed: shadecast's match (subset enumeration, NNLS start, Ceres, lattice descent)
// against the baseline of exhaustive enumeration of the 5 % lattice (every mixture of up to three
// pigments - one black + up to two neutralizers - in 5 % steps x load in 5 % steps), on the same
// targets, one core. Usage: build/bin/match_bench [pairs, default 100] [--match-only]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "blend/pigment_ks.h"
#include "blend/recipe.h"
#include "store/pigment_library.h"

namespace bl = shadecast::blend;
namespace op = shadecast::optics;

int main(int argc, char** argv) {
  const int pairs = argc > 1 ? std::atoi(argv[1]) : 100;
  // --match-only: skip the baseline (for profiling the match alone).
  const bool match_only = argc > 2 && std::string(argv[2]) == "--match-only";
  const auto proto = shadecast::store::LoadDefaultPigmentLibrary();
  std::vector<op::PigmentKS> pigments;
  std::vector<bool> black;
  for (const auto& p : proto.pigments()) {
    // The recipe candidates `shadecast match` uses (cli::RecipeCandidates): the SMP inks, never the
    // characterisation-only artists' paints.
    if (p.role() == shadecast::pb::REFERENCE || p.role() == shadecast::pb::ROLE_UNSPECIFIED ||
        p.characterisation_only())
      continue;
    pigments.push_back(bl::PigmentKsFromProto(p));
    black.push_back(p.role() == shadecast::pb::BLACK);
  }
  std::vector<bl::Candidate> candidates;
  for (size_t i = 0; i < pigments.size(); ++i) candidates.push_back({&pigments[i], black[i]});
  const op::ModelParams params;
  for (const auto units : {bl::PourUnits::kPct5, bl::PourUnits::kParts10}) {
    bl::MatchOptions o;
    o.units = units;
    std::mt19937_64 rng(11);  // the same targets for both units
    std::uniform_real_distribution<double> u(0, 1);
    using clock = std::chrono::steady_clock;
    std::vector<double> t_match, t_lattice, de_match, de_lattice, ev_match, ev_lattice, ev_cont, ev_search, excess;
    for (int i = 0; i < pairs; ++i) {
      const op::SkinParams skin{std::exp(std::log(0.01) + u(rng) * std::log(25.0)), 0.005 + 0.02 * u(rng),
                                1.1 + 0.6 * u(rng)};
      std::vector<const op::PigmentKS*> pigs{&pigments[0]};
      std::vector<double> amounts{0.1 + 0.6 * u(rng)};
      for (size_t k = 0; k < pigments.size(); ++k)
        if (!black[k] && u(rng) < 0.3) {
          pigs.push_back(&pigments[k]);
          amounts.push_back(0.1 * u(rng));
        }
      const auto target = bl::PredictDot(skin, pigs, amounts, params);
      auto t0 = clock::now();
      const auto m = bl::Match(target, skin, candidates, params, o);
      auto t1 = clock::now();
      int lattice_evals = 0;
      const auto lat = match_only ? m.recipe : bl::LatticeOptimum(target, skin, candidates, params, o, &lattice_evals);
      auto t2 = clock::now();
      t_match.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      t_lattice.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
      de_match.push_back(m.recipe.de00);
      de_lattice.push_back(lat.de00);
      ev_match.push_back(m.evaluations);
      ev_lattice.push_back(lattice_evals);
      ev_cont.push_back(m.subsets_solved);
      ev_search.push_back(m.subsets_searched);
      excess.push_back(m.recipe.score - lat.score);
    }
    auto quantile = [](std::vector<double> v, double q) {
      std::sort(v.begin(), v.end());
      return v[static_cast<size_t>(q * (v.size() - 1) + 0.5)];
    };
    const std::string name = bl::PourUnitsToString(units);
    const double tm = quantile(t_match, 0.5), tl = quantile(t_lattice, 0.5);
    std::printf("\n== units %s: %d targets (shipped library, random skins), one core\n", name.c_str(), pairs);
    std::printf("%-34s %12s %14s %14s %14s\n", "method", "median ms", "median dE00", "p90 dE00", "model evals");
    std::printf("%-34s %12.2f %14.3f %14.3f %14.0f\n", ("shadecast match (" + name + ")").c_str(), tm,
                quantile(de_match, 0.5), quantile(de_match, 0.9), quantile(ev_match, 0.5));
    std::printf("%-34s %12.2f %14.3f %14.3f %14.0f\n", ("exhaustive lattice (" + name + ")").c_str(), tl,
                quantile(de_lattice, 0.5), quantile(de_lattice, 0.9), quantile(ev_lattice, 0.5));
    std::printf("speed-up: %.0fx\n", tl / tm);
    const size_t blacks = std::count(black.begin(), black.end(), true), others = black.size() - blacks;
    const size_t subsets = blacks * (1 + others + others * (others - 1) / 2);  // black + up to 2 others
    std::printf("subsets (of %zu): median %.0f solved continuously, %.0f searched on the lattice\n", subsets,
                quantile(ev_cont, 0.5), quantile(ev_search, 0.5));
    const int within =
        static_cast<int>(std::count_if(excess.begin(), excess.end(), [](double e) { return e <= 0.1 + 1e-9; }));
    std::printf("pourable score minus lattice optimum score: median %.3f, p90 %.3f, max %.3f; within 0.1: %d of %d\n",
                quantile(excess, 0.5), quantile(excess, 0.9), quantile(excess, 1.0), within, pairs);
  }
  return 0;
}
