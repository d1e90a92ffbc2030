#include "blend/recipe.h"

#include <ceres/ceres.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>

#include "blend/recipe_cost.h"
#include "color/ciede2000.h"
#include "color/colorimetry.h"
#include "color/lab.h"
#include "optics/dot_model.h"
#include "optics/model.h"

namespace shadecast::blend {
namespace {

using Subset = std::vector<const optics::PigmentKS*>;

int UnitsPerWhole(PourUnits u) { return u == PourUnits::kParts10 ? 10 : 20; }

struct Evaluator {
  const optics::DotModel& model;
  const color::Lab& target;
  int evaluations = 0;

  double DeltaE(const Subset& s, const std::vector<double>& a) {
    ++evaluations;
    return color::DeltaE00(model.Lab(a.data(), s.data(), static_cast<int>(s.size())), target);
  }
  color::Lab LabOf(const Subset& s, const std::vector<double>& a) {
    ++evaluations;
    return model.Lab(a.data(), s.data(), static_cast<int>(s.size()));
  }
};

// Every subset: one black plus up to max_pigments - 1 of the others.
std::vector<Subset> Subsets(const std::vector<Candidate>& candidates, int max_pigments) {
  std::vector<const optics::PigmentKS*> blacks, others;
  for (const auto& c : candidates) (c.black ? blacks : others).push_back(c.pigment);
  std::vector<Subset> out;
  for (const auto* b : blacks) {
    out.push_back({b});
    if (max_pigments >= 2)
      for (size_t i = 0; i < others.size(); ++i) {
        out.push_back({b, others[i]});
        if (max_pigments >= 3)
          for (size_t j = i + 1; j < others.size(); ++j) out.push_back({b, others[i], others[j]});
      }
  }
  return out;
}

// Linearised non-negative least squares start: Lab(a) ~ Lab(a0) + J (a - a0), J by central
// differences; the best non-negative solution over all active sets (n <= 3: at most 7).
std::vector<double> NnlsStart(Evaluator& ev, const Subset& s, double max_load) {
  const int n = static_cast<int>(s.size());
  std::vector<double> a0(n, 0.02);
  a0[0] = 0.3 * max_load;
  const color::Lab f0 = ev.LabOf(s, a0);
  double J[3][3] = {};
  for (int j = 0; j < n; ++j) {
    auto ap = a0;
    const double h = 1e-4;
    ap[j] += h;
    const color::Lab fp = ev.LabOf(s, ap);
    for (int i = 0; i < 3; ++i) J[i][j] = (fp[i] - f0[i]) / h;
  }
  double rhs[3];
  for (int i = 0; i < 3; ++i) rhs[i] = ev.target[i] - f0[i];
  std::vector<double> best = a0;
  double best_res = INFINITY;
  for (int mask = 1; mask < (1 << n); ++mask) {
    // Least squares on the active columns (normal equations, at most 3 x 3).
    std::vector<int> cols;
    for (int j = 0; j < n; ++j)
      if (mask & (1 << j)) cols.push_back(j);
    const int m = static_cast<int>(cols.size());
    double A[3][4] = {};
    for (int p = 0; p < m; ++p) {
      for (int q = 0; q < m; ++q)
        for (int i = 0; i < 3; ++i) A[p][q] += J[i][cols[p]] * J[i][cols[q]];
      for (int i = 0; i < 3; ++i) A[p][3] += J[i][cols[p]] * rhs[i];
    }
    // Gaussian elimination with partial pivoting.
    bool ok = true;
    for (int p = 0; p < m && ok; ++p) {
      int piv = p;
      for (int q = p + 1; q < m; ++q)
        if (std::abs(A[q][p]) > std::abs(A[piv][p])) piv = q;
      if (std::abs(A[piv][p]) < 1e-12) ok = false;
      if (!ok) break;
      std::swap(A[p], A[piv]);
      for (int q = 0; q < m; ++q) {
        if (q == p) continue;
        const double f = A[q][p] / A[p][p];
        for (int c = p; c < 4; ++c) A[q][c] -= f * A[p][c];
      }
    }
    if (!ok) continue;
    std::vector<double> a(n, 0.0);
    bool feasible = true;
    for (int p = 0; p < m; ++p) {
      a[cols[p]] = a0[cols[p]] + A[p][3] / A[p][p];
      if (a[cols[p]] < 0) feasible = false;
    }
    if (!feasible) continue;
    double res = 0;
    for (int i = 0; i < 3; ++i) {
      double pred = -rhs[i];
      for (int j = 0; j < n; ++j) pred += J[i][j] * (a[j] - a0[j]);
      res += pred * pred;
    }
    if (res < best_res) {
      best_res = res;
      best = a;
    }
  }
  for (double& x : best) x = std::clamp(x, 0.0, max_load);
  return best;
}

// Refinement of the amounts from `start` (Ceres TinySolver on the CIEDE2000 residuals).
std::vector<double> Refine(const optics::DotModel& model, const Subset& s, const color::Lab& target,
                           double max_load, std::vector<double> a, int* evaluations) {
  *evaluations += internal::RefineAmounts(&model, s.data(), static_cast<int>(s.size()), target, max_load, a.data());
  return a;
}

Recipe MakeRecipe(const Subset& s, const std::vector<double>& a, const color::Lab& lab, const color::Lab& target,
                  const MatchOptions& o, bool pourable) {
  Recipe r;
  double load = 0;
  for (double x : a) load += x;
  r.load = load;
  const int whole = UnitsPerWhole(o.units);
  int used = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const double f = load > 0 ? a[i] / load : (i == 0 ? 1.0 : 0.0);
    const int parts = static_cast<int>(std::lround(f * whole));
    if (pourable ? parts == 0 : f < 1e-4) continue;
    r.components.push_back({s[i]->id, parts, f});
    ++used;
  }
  r.predicted_lab = lab;
  r.de00 = color::DeltaE00(lab, target);
  r.score = r.de00 + o.component_penalty * std::max(0, used - 1) + o.load_penalty * load;
  return r;
}

// Best pourable recipe of one subset near the continuous optimum `a`: from the rounded optimum, a
// greedy descent on the lattice (move one share step between two components, or one load step),
// restarted from the neighbouring loads, keeping the best score seen.
Recipe PourableNear(Evaluator& ev, const Subset& s, const std::vector<double>& a, const MatchOptions& o,
                    bool thorough) {
  const int whole = UnitsPerWhole(o.units);
  const int n = static_cast<int>(s.size());
  double load = 0;
  for (double x : a) load += x;
  const int load_steps = static_cast<int>(std::lround(o.max_load / o.load_step));
  struct Point {
    std::vector<int> parts;
    int load;
  };
  std::map<std::pair<std::vector<int>, int>, Recipe> seen;
  auto evaluate = [&](const Point& p) {
    const auto key = std::make_pair(p.parts, p.load);
    if (auto it = seen.find(key); it != seen.end()) return it->second;
    std::vector<double> amounts(n);
    for (int i = 0; i < n; ++i) amounts[i] = p.load * o.load_step * p.parts[i] / double(whole);
    return seen.emplace(key, MakeRecipe(s, amounts, ev.LabOf(s, amounts), ev.target, o, true)).first->second;
  };
  // Largest-remainder rounding of the shares, black at least one part.
  Point start{std::vector<int>(n), std::clamp(static_cast<int>(std::lround(load / o.load_step)), 1, load_steps)};
  {
    std::vector<double> exact(n);
    int sum = 0;
    for (int i = 0; i < n; ++i) {
      exact[i] = (load > 0 ? a[i] / load : (i == 0)) * whole;
      start.parts[i] = static_cast<int>(std::floor(exact[i]));
      sum += start.parts[i];
    }
    std::vector<int> order(n);
    for (int i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](int x, int y) { return exact[x] - start.parts[x] > exact[y] - start.parts[y]; });
    for (int k = 0; sum < whole; ++k, ++sum) start.parts[order[k % n]]++;
    if (start.parts[0] == 0) {
      const int donor = static_cast<int>(std::max_element(start.parts.begin(), start.parts.end()) - start.parts.begin());
      start.parts[donor]--;
      start.parts[0]++;
    }
  }
  Recipe best;
  best.score = INFINITY;
  const std::vector<int> restarts = thorough ? std::vector<int>{0, -3, -1, 1, 3} : std::vector<int>{0};
  for (int dl : restarts) {
    Point p = start;
    p.load = std::clamp(p.load + dl, 1, load_steps);
    Recipe cur = evaluate(p);
    for (int iter = 0; iter < 200; ++iter) {
      Recipe step_best = cur;
      Point step_point = p;
      auto consider = [&](const Point& q) {
        const Recipe r = evaluate(q);
        if (r.score < step_best.score - 1e-12) {
          step_best = r;
          step_point = q;
        }
      };
      for (int d : {-2, -1, 1, 2}) {
        Point q = p;
        q.load += d;
        if (q.load >= 1 && q.load <= load_steps) consider(q);
      }
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
          if (i == j || p.parts[j] == 0 || (j == 0 && p.parts[0] == 1)) continue;
          Point q = p;
          q.parts[i]++;
          q.parts[j]--;
          consider(q);
          // The same move with the load adjusted, so a share change need not fight the lightness.
          for (int d : {-2, -1, 1, 2}) {
            Point r = q;
            r.load += d;
            if (r.load >= 1 && r.load <= load_steps) consider(r);
          }
        }
      if (step_best.score >= cur.score) break;
      cur = step_best;
      p = step_point;
    }
    if (cur.score < best.score) best = cur;
  }
  return best;
}

std::string MissDirection(const color::Lab& pred, const color::Lab& target) {
  std::vector<std::string> parts;
  const double dl = pred[0] - target[0], da = pred[1] - target[1], db = pred[2] - target[2];
  if (dl > 0.5) parts.push_back("too light");
  if (dl < -0.5) parts.push_back("too dark");
  if (db > 1.0) parts.push_back("too warm (yellow)");
  if (db < -1.0) parts.push_back("too cool (blue)");
  if (da > 1.0) parts.push_back("too red");
  if (da < -1.0) parts.push_back("too green");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out.empty() ? "close, but not within the reachable threshold" : out;
}

}  // namespace

std::string PourUnitsToString(PourUnits u) { return u == PourUnits::kParts10 ? "parts10" : "pct5"; }

PourUnits PourUnitsFromString(const std::string& s) {
  if (s == "pct5") return PourUnits::kPct5;
  if (s == "parts10") return PourUnits::kParts10;
  throw std::invalid_argument("unknown units '" + s + "' (expected pct5 or parts10)");
}

bool MatchOptions::IsValid(std::string* why) const {
  auto bad = [&](const std::string& w) {
    if (why) *why = w;
    return false;
  };
  if (max_pigments < 1 || max_pigments > 3) return bad("max_pigments must be 1-3 (black + up to 2 neutralizers)");
  if (sessions < 1) return bad("sessions must be >= 1");
  if (!(max_load > 0)) return bad("max_load must be > 0");
  if (!(load_step > 0 && load_step <= max_load)) return bad("load_step must be in (0, max_load]");
  if (!(healing_retention > 0 && healing_retention <= 1)) return bad("healing_retention must be in (0, 1]");
  if (!(deposit_per_pass > 0)) return bad("deposit_per_pass must be > 0");
  if (!(component_penalty >= 0 && load_penalty >= 0)) return bad("penalties must be >= 0");
  if (!(reachable_de00 > 0)) return bad("reachable_de00 must be > 0");
  return true;
}

color::Lab PredictDot(const optics::SkinParams& skin, const std::vector<const optics::PigmentKS*>& pigments,
                      const std::vector<double>& amounts, const optics::ModelParams& params) {
  const optics::DotModel model(skin, params);
  return model.Lab(amounts.data(), pigments.data(), static_cast<int>(pigments.size()));
}

MatchResult Match(const color::Lab& target, const optics::SkinParams& skin, const std::vector<Candidate>& candidates,
                  const optics::ModelParams& params, const MatchOptions& o) {
  std::string why;
  if (!o.IsValid(&why)) throw std::invalid_argument("match options: " + why);
  if (!params.IsValid(&why)) throw std::invalid_argument("optics parameters: " + why);
  if (std::none_of(candidates.begin(), candidates.end(), [](const Candidate& c) { return c.black; }))
    throw std::invalid_argument("the pigment library has no black (role BLACK): every recipe starts from one");
  const optics::DotModel model(skin, params);
  Evaluator ev{model, target};
  MatchResult result;

  struct Solved {
    Subset subset;
    std::vector<double> amounts;
    Recipe recipe;
  };
  std::vector<Solved> solved;
  // Every subset is solved: skipping larger subsets once a smaller one is within the component
  // penalty is exact for the continuous optimum but not on the coarse pourable lattice, where a
  // component the continuous optimum did not need can make up for the 5 % load steps.
  for (const Subset& s : Subsets(candidates, o.max_pigments)) {
    Solved best{s, {}, {}};
    best.recipe.score = INFINITY;
    auto attempt = [&](const std::vector<double>& start) {
      auto a = Refine(model, s, target, o.max_load, start, &ev.evaluations);
      const Recipe r = MakeRecipe(s, a, ev.LabOf(s, a), target, o, false);
      if (r.score < best.recipe.score) best = {s, a, r};
    };
    attempt(NnlsStart(ev, s, o.max_load));
    if (best.recipe.de00 > 0.3) {  // a second start only where the first did not land
      std::vector<double> dark(s.size(), 0.0);
      dark[0] = 0.6 * o.max_load;
      attempt(dark);
    }
    solved.push_back(best);
  }
  std::sort(solved.begin(), solved.end(), [](const Solved& a, const Solved& b) { return a.recipe.score < b.recipe.score; });
  result.continuous = solved.front().recipe;
  result.reachable = result.continuous.de00 <= o.reachable_de00;
  if (!result.reachable) result.miss = MissDirection(result.continuous.predicted_lab, target);

  // Pourable: a lattice search near each of the best continuous optima.
  std::vector<Recipe> pourable;
  // The lattice is coarse (5 % load steps move L* by several units on light skin), so the best
  // pourable mix need not be the rounded best continuous one: every subset gets a lattice descent
  // from its continuous optimum, the two best a thorough one (restarts at neighbouring loads).
  for (size_t i = 0; i < solved.size(); ++i) pourable.push_back(PourableNear(ev, solved[i].subset, solved[i].amounts, o, i < 2));
  std::sort(pourable.begin(), pourable.end(), [](const Recipe& a, const Recipe& b) { return a.score < b.score; });
  result.recipe = pourable.front();
  auto same_set = [](const Recipe& a, const Recipe& b) {
    if (a.components.size() != b.components.size()) return false;
    for (size_t i = 0; i < a.components.size(); ++i)
      if (a.components[i].pigment != b.components[i].pigment) return false;
    return true;
  };
  for (size_t i = 1; i < pourable.size() && static_cast<int>(result.alternatives.size()) < o.alternatives; ++i) {
    bool dup = same_set(pourable[i], result.recipe);
    for (const auto& alt : result.alternatives) dup = dup || same_set(pourable[i], alt);
    if (!dup) result.alternatives.push_back(pourable[i]);
  }

  // Session plan on the pourable mix.
  Subset mix;
  std::vector<double> shares;
  for (const auto& c : result.recipe.components) {
    for (const auto& cand : candidates)
      if (cand.pigment->id == c.pigment) mix.push_back(cand.pigment);
    shares.push_back(c.parts / double(UnitsPerWhole(o.units)));
  }
  auto lab_at = [&](double load) {
    std::vector<double> a(shares.size());
    for (size_t i = 0; i < a.size(); ++i) a[i] = load * shares[i];
    return ev.LabOf(mix, a);
  };
  auto water_for = [&](double deposit) {
    const double concentration = deposit / o.deposit_per_pass;
    return concentration >= 1.0 ? 0.0 : 1.0 / concentration - 1.0;
  };
  const double final_load = result.recipe.load;
  double l1 = final_load;
  if (o.sessions >= 2) {
    // Session 1: the load whose healed dot is first_session_lightness_offset L* lighter (bisection:
    // L* falls monotonically with load).
    const double want = result.recipe.predicted_lab[0] + o.first_session_lightness_offset;
    double lo = 0.0, hi = final_load;
    for (int it = 0; it < 40; ++it) {
      const double mid = 0.5 * (lo + hi);
      (lab_at(mid)[0] > want ? lo : hi) = mid;
    }
    l1 = 0.5 * (lo + hi);
  }
  double cumulative = 0;
  for (int s = 1; s <= o.sessions; ++s) {
    Session ss;
    ss.session = s;
    if (s == 1) {
      cumulative = l1;
      ss.deposit = l1 / o.healing_retention;
      ss.note = o.sessions >= 2 ? "lighter first pass, sparse dots" : "single session to target";
    } else if (s == 2) {
      ss.deposit = (final_load - cumulative) / o.healing_retention;
      cumulative = final_load;
      ss.note = "over the same dots, to target";
    } else {
      ss.deposit = final_load / o.healing_retention;
      ss.note = "fill-in: new dots in gaps, one pass to target";
    }
    ss.load = cumulative;
    ss.water_ml_per_ml = water_for(ss.deposit);
    if (ss.deposit > o.deposit_per_pass) ss.note += "; needs more than one pass of undiluted ink";
    ss.predicted_lab = s >= 2 ? result.recipe.predicted_lab : lab_at(cumulative);
    result.sessions.push_back(ss);
  }

  // Illuminant robustness of the dot-to-skin contrast.
  std::vector<double> a(shares.size());
  for (size_t i = 0; i < a.size(); ++i) a[i] = final_load * shares[i];
  color::Spectral36 dot_r{};
  model.Reflectance(a.data(), mix.data(), static_cast<int>(mix.size()), dot_r.data());
  double lo = INFINITY, hi = -INFINITY;
  for (const char* light : {"D65", "A", "LED-B3"}) {
    const color::Colorimeter c(color::CieIlluminant(light));
    const color::Lab d = optics::ReflectanceToLabUnder(dot_r, c);
    const color::Lab k = optics::ReflectanceToLabUnder(model.skin_reflectance(), c);
    Metamerism m{light, color::DeltaE00(d, k), 0};
    m.contrast_hue_deg = color::LabToLch(color::Lab{0, d[1] - k[1], d[2] - k[2]})[2];
    lo = std::min(lo, m.contrast_de00);
    hi = std::max(hi, m.contrast_de00);
    result.metamerism.push_back(m);
  }
  result.metamerism_spread_de00 = hi - lo;
  result.metamerism_flag = result.metamerism_spread_de00 > 2.0;
  result.evaluations = ev.evaluations;
  return result;
}

Recipe LatticeOptimum(const color::Lab& target, const optics::SkinParams& skin,
                      const std::vector<Candidate>& candidates, const optics::ModelParams& params,
                      const MatchOptions& o, int* evaluations) {
  const optics::DotModel model(skin, params);
  Evaluator ev{model, target};
  const int whole = UnitsPerWhole(o.units);
  const int load_steps = static_cast<int>(std::lround(o.max_load / o.load_step));
  Recipe best;
  best.score = INFINITY;
  for (const Subset& s : Subsets(candidates, o.max_pigments)) {
    const int n = static_cast<int>(s.size());
    for (int p1 = 0; p1 <= (n > 1 ? whole : 0); ++p1)
      for (int p2 = 0; p2 <= (n > 2 ? whole - p1 : 0); ++p2) {
        const int p0 = whole - p1 - p2;
        if (p0 <= 0) continue;
        const int parts[3] = {p0, p1, p2};
        for (int l = 1; l <= load_steps; ++l) {
          std::vector<double> a(n);
          for (int i = 0; i < n; ++i) a[i] = l * o.load_step * parts[i] / double(whole);
          Recipe r = MakeRecipe(s, a, ev.LabOf(s, a), target, o, true);
          if (r.score < best.score) best = r;
        }
      }
  }
  if (evaluations) *evaluations = ev.evaluations;
  return best;
}

}  // namespace shadecast::blend
