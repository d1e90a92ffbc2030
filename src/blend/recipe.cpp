#include "blend/recipe.h"

#include <ceres/ceres.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <tuple>
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
  color::Xyz XyzOf(const Subset& s, const std::vector<double>& a) {
    ++evaluations;
    return model.Xyz(a.data(), s.data(), static_cast<int>(s.size()));
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

// Exact XYZ at `a` and its first-order model (forward differences): n + 1 evaluations.
internal::LinearXyz Linearise(Evaluator& ev, const Subset& s, const std::vector<double>& a) {
  internal::LinearXyz m;
  m.n = static_cast<int>(s.size());
  for (int j = 0; j < m.n; ++j) m.a0[j] = a[j];
  m.xyz0 = ev.XyzOf(s, a);
  for (int j = 0; j < m.n; ++j) {
    auto ap = a;
    const double h = 1e-5 + 1e-3 * a[j];
    ap[j] += h;
    const color::Xyz xp = ev.XyzOf(s, ap);
    for (int c = 0; c < 3; ++c) m.J[c][j] = (xp[c] - m.xyz0[c]) / h;
  }
  return m;
}

// Continuous optimum of one subset by sequential linearisation. Ceres (TinySolver) takes two
// Levenberg-Marquardt steps on dE00 computed exactly from a first-order model of XYZ in the
// amounts; the dot model is evaluated where they land and the model's slope updated there by
// Broyden's rank-one secant formula (one evaluation a round instead of n + 1, and no Jacobian of the
// dot model per solver iteration). When the solution stops moving, the slope is remade by
// finite differences and the round repeated: the search ends only at a point where the model has
// the dot model's value and slope, i.e. a stationary point of the exact problem. A round that makes
// the exact dE00 worse remakes a secant slope, or halves the step of an exact one.
//
// `m` holds the model at the start (value exact at m.a0; slope exact or not as `exact_slope` says)
// and returns the model at the optimum, whose xyz0 is the dot's exact XYZ there. Without `polish`
// the search stops when the solution stops moving under the secant slope (an approximate optimum,
// good enough to rank subsets and centre the lattice search; the winner is polished).
std::vector<double> SolveContinuous(Evaluator& ev, const Subset& s, internal::LinearXyz& m, bool exact_slope,
                                    bool polish, double max_load, double load_weight, double* de00) {
  constexpr int kMaxRounds = 16;
  // Converged when the amounts (load x share) move less than this; dE00 is flat to second order
  // there.
  const double moved_tolerance = 5e-4;
  const color::Xyz& white = color::D50Colorimeter().white();
  const int n = m.n;
  std::vector<double> a(m.a0, m.a0 + n);
  auto de_at = [&](const color::Xyz& xyz) { return color::DeltaE00(color::XyzToLab(xyz, white), ev.target); };
  // The solver's objective: dE00^2 + 2 load_weight x load (see SolveLinearXyz).
  auto objective = [&](double de, const std::vector<double>& x) {
    double l = 0;
    for (double v : x) l += v;
    return de * de + 2 * load_weight * l;
  };
  double de = de_at(m.xyz0);
  double f = objective(de, a);
  for (int round = 0; round < kMaxRounds; ++round) {
    std::vector<double> next = a;
    internal::SolveLinearXyz(m, white, ev.target, max_load, load_weight, next.data());
    double moved = 0;
    for (int j = 0; j < n; ++j) moved = std::max(moved, std::abs(next[j] - a[j]));
    if (moved < moved_tolerance) {
      if (exact_slope || !polish) break;
      m = Linearise(ev, s, a);
      exact_slope = true;
      continue;
    }
    color::Xyz x = ev.XyzOf(s, next);
    double de_next = de_at(x);
    double f_next = objective(de_next, next);
    if (f_next > f + 1e-12) {
      if (!exact_slope) {
        m = Linearise(ev, s, a);
        exact_slope = true;
        continue;
      }
      for (int halving = 0; halving < 3 && f_next > f + 1e-12; ++halving) {
        for (int j = 0; j < n; ++j) next[j] = 0.5 * (a[j] + next[j]);
        x = ev.XyzOf(s, next);
        de_next = de_at(x);
        f_next = objective(de_next, next);
      }
      if (f_next > f + 1e-12) break;
    }
    // Broyden: J += (x - (xyz0 + J d)) d^T / |d|^2, d = next - a.
    double d[3] = {}, dd = 0, resid[3];
    for (int j = 0; j < n; ++j) {
      d[j] = next[j] - a[j];
      dd += d[j] * d[j];
    }
    for (int c = 0; c < 3; ++c) {
      double pred = m.xyz0[c];
      for (int j = 0; j < n; ++j) pred += m.J[c][j] * d[j];
      resid[c] = x[c] - pred;
    }
    for (int c = 0; c < 3; ++c)
      for (int j = 0; j < n; ++j) m.J[c][j] += resid[c] * d[j] / dd;
    for (int j = 0; j < n; ++j) m.a0[j] = next[j];
    m.xyz0 = x;
    exact_slope = false;
    a = next;
    de = de_next;
    f = f_next;
  }
  *de00 = de;
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

// Largest-remainder rounding of shares to `whole` parts, the black (index 0) at least one part.
std::vector<int> RoundShares(const std::vector<double>& a, int whole) {
  const int n = static_cast<int>(a.size());
  double load = 0;
  for (double x : a) load += x;
  std::vector<double> exact(n);
  std::vector<int> parts(n);
  int sum = 0;
  for (int i = 0; i < n; ++i) {
    exact[i] = (load > 0 ? a[i] / load : (i == 0)) * whole;
    parts[i] = static_cast<int>(std::floor(exact[i]));
    sum += parts[i];
  }
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](int x, int y) { return exact[x] - parts[x] > exact[y] - parts[y]; });
  for (int k = 0; sum < whole; ++k, ++sum) parts[order[k % n]]++;
  if (parts[0] == 0) {
    const int donor = static_cast<int>(std::max_element(parts.begin(), parts.end()) - parts.begin());
    parts[donor]--;
    parts[0]++;
  }
  return parts;
}

// Best pourable recipe of one subset near its continuous optimum, where `m` models the dot's XYZ
// (value exact at m.a0, the optimum; slope exact there).
//
// Each share mix within +-kShareReach share steps of the rounded optimum gets a window of
// +-kLoadReach load steps around the load whose modelled Y is the target's; the points are ranked
// by the first-order model of XYZ (linear in the reflectance, so accurate much further than a
// first-order model of L*a*b*; L*a*b*, dE00 and the penalties are exact functions of it). The best
// few by the model are evaluated exactly; when the best exact point is not the centre, the search
// moves there (the model takes the exact value there, and a new slope when the load jumped) and
// the ranking repeats. Last, the best mix's load is walked exactly while the score improves (flat,
// saturated regimes). dE00 >= |dL*| / SL (CIEDE2000's lightness term; the chroma-hue part is a
// positive semi-definite form) skips the full formula for points that cannot make the shortlist.
Recipe PourableNear(Evaluator& ev, const Subset& s, internal::LinearXyz m, const MatchOptions& o, bool quick) {
  constexpr int kShareReach = 2, kLoadReach = 3, kExactPerRound = 6, kRounds = 3;
  const double target_y = color::LabToXyz(ev.target, color::D50Colorimeter().white())[1];
  const int whole = UnitsPerWhole(o.units);
  const int n = static_cast<int>(s.size());
  const int load_steps = static_cast<int>(std::lround(o.max_load / o.load_step));
  const color::Xyz& white = color::D50Colorimeter().white();
  const color::Lab& target = ev.target;
  struct Point {
    int parts[3];
    int load;
    bool operator==(const Point& q) const {
      return parts[0] == q.parts[0] && parts[1] == q.parts[1] && parts[2] == q.parts[2] && load == q.load;
    }
  };
  // `p` with the neutralizers' parts moved by d1, d2 and the black taking up the rest; false when
  // that leaves no black or a negative share.
  auto shifted = [&](const Point& p, int d1, int d2, Point* out) {
    *out = p;
    if (n > 1) out->parts[1] += d1;
    if (n > 2) out->parts[2] += d2;
    out->parts[0] = whole - (n > 1 ? out->parts[1] : 0) - (n > 2 ? out->parts[2] : 0);
    return !(out->parts[0] < 1 || (n > 1 && out->parts[1] < 0) || (n > 2 && out->parts[2] < 0));
  };
  auto amounts_of = [&](const Point& p, double* x) {
    for (int i = 0; i < n; ++i) x[i] = p.load * o.load_step * p.parts[i] / double(whole);
  };
  struct Exact {
    Point point;
    Recipe recipe;
    color::Xyz xyz;
  };
  std::vector<Exact> exact;
  auto evaluate = [&](const Point& p) -> Exact {
    for (const Exact& e : exact)
      if (e.point == p) return e;
    std::vector<double> x(n);
    amounts_of(p, x.data());
    const color::Xyz xyz = ev.XyzOf(s, x);
    exact.push_back({p, MakeRecipe(s, x, color::XyzToLab(xyz, white), target, o, true), xyz});
    return exact.back();
  };

  double load = 0;
  for (int j = 0; j < n; ++j) load += m.a0[j];
  Point centre{};
  {
    const auto parts = RoundShares(std::vector<double>(m.a0, m.a0 + n), whole);
    for (int i = 0; i < n; ++i) centre.parts[i] = parts[i];
    centre.load = std::clamp(static_cast<int>(std::lround(load / o.load_step)), 1, load_steps);
  }
  Exact best{centre, {}, {}};
  best.recipe.score = INFINITY;
  if (quick) best = evaluate(centre);
  for (int round = 0; round < (quick ? 0 : kRounds); ++round) {
    // Shortlist of the kExactPerRound best box points by the model, sorted by modelled score.
    std::pair<double, Point> shortlist[kExactPerRound];
    int listed = 0;
    const int wanted = kExactPerRound;  // fewer (4, or 3 after the first round) missed the optimum
    const int r1 = n > 1 ? kShareReach : 0, r2 = n > 2 ? kShareReach : 0;
    for (int d1 = -r1; d1 <= r1; ++d1)
      for (int d2 = -r2; d2 <= r2; ++d2) {
        Point q;
        if (!shifted(centre, d1, d2, &q)) continue;
        // Loads around the one whose modelled Y is the target's: shares that darken less per unit
        // need more load, so each share mix gets its own window (the centre's when Y does not fall).
        double dy_per_step = 0, y_at_zero = m.xyz0[1];
        for (int j = 0; j < n; ++j) {
          dy_per_step += m.J[1][j] * o.load_step * q.parts[j] / double(whole);
          y_at_zero -= m.J[1][j] * m.a0[j];
        }
        int mid = centre.load;
        if (dy_per_step < 0) mid = static_cast<int>(std::lround((target_y - y_at_zero) / dy_per_step));
        mid = std::clamp(mid, 1, load_steps);
        for (int l = std::max(1, mid - kLoadReach); l <= std::min(load_steps, mid + kLoadReach); ++l) {
          Point p = q;
          p.load = l;
          double x[3];
          amounts_of(p, x);
          color::Xyz xyz = m.xyz0;
          double total = 0;
          int used = 0;
          for (int j = 0; j < n; ++j) {
            total += x[j];
            used += p.parts[j] > 0;
            for (int c = 0; c < 3; ++c) xyz[c] += m.J[c][j] * (x[j] - m.a0[j]);
          }
          const double penalty = o.component_penalty * std::max(0, used - 1) + o.load_penalty * total;
          const double cutoff = listed < wanted ? INFINITY : shortlist[listed - 1].first;
          const double L = 116.0 * color::detail::LabF(std::max(xyz[1], 1e-9) / white[1]) - 16.0;
          const double lbar = 0.5 * (L + target[0]) - 50.0;
          const double sl = 1.0 + 0.015 * lbar * lbar / std::sqrt(20.0 + lbar * lbar);
          if (std::abs(L - target[0]) / sl + penalty >= cutoff) continue;
          for (int c = 0; c < 3; ++c) xyz[c] = std::max(xyz[c], 1e-9);
          const double score = color::DeltaE00(color::XyzToLab(xyz, white), target) + penalty;
          if (score >= cutoff) continue;
          int at = std::min(listed, wanted - 1);
          while (at > 0 && shortlist[at - 1].first > score) {
            shortlist[at] = shortlist[at - 1];
            --at;
          }
          shortlist[at] = {score, p};
          listed = std::min(listed + 1, wanted);
        }
      }
    for (int i = 0; i < listed; ++i) {
      const Exact e = evaluate(shortlist[i].second);
      if (e.recipe.score < best.recipe.score) best = e;
    }
    if (best.point == centre) break;
    const int jump = std::abs(best.point.load - centre.load);
    centre = best.point;
    std::vector<double> x(n);
    amounts_of(centre, x.data());
    if (jump > 2) {
      m = Linearise(ev, s, x);  // far from where the slope was made: remake it
    } else {
      for (int j = 0; j < n; ++j) m.a0[j] = x[j];
      m.xyz0 = best.xyz;
    }
  }
  // Along the load the score can be nearly flat (saturated dots: the ink's fill 1 - exp(-k c) levels
  // off), where the linear model's load windows fall short: walk the load exactly, one step at a time
  // while it improves, for the best mix and its neighbours one share step away.
  const Point found = best.point;
  const int r1 = n > 1 ? 1 : 0, r2 = n > 2 ? 1 : 0;
  for (int d1 = -r1; d1 <= r1; ++d1)
    for (int d2 = -r2; d2 <= r2; ++d2) {
      Point start;
      if (!shifted(found, d1, d2, &start)) continue;
      Exact local = evaluate(start);
      for (int dir : {-1, 1}) {
        for (;;) {
          Point p = local.point;
          p.load += dir;
          if (p.load < 1 || p.load > load_steps) break;
          const Exact e = evaluate(p);
          if (!(e.recipe.score < local.recipe.score)) break;
          local = e;
        }
      }
      if (local.recipe.score < best.recipe.score) best = local;
    }
  return best.recipe;
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

namespace {
std::vector<Metamerism> DotContrastUnderLights(const optics::DotModel& model, const std::vector<const optics::PigmentKS*>& mix,
                                              const std::vector<double>& amounts, double* spread_de00) {
  color::Spectral36 dot_r{};
  model.Reflectance(amounts.data(), mix.data(), static_cast<int>(mix.size()), dot_r.data());
  double lo = INFINITY, hi = -INFINITY;
  static const char* const kLights[] = {"D65", "A", "LED-B3"};
  static const std::vector<color::Colorimeter> colorimeters = [] {
    std::vector<color::Colorimeter> v;
    for (const char* light : kLights) v.emplace_back(color::CieIlluminant(light));
    return v;
  }();
  std::vector<Metamerism> out;
  for (int li = 0; li < 3; ++li) {
    const color::Colorimeter& c = colorimeters[li];
    const color::Lab d = optics::ReflectanceToLabUnder(dot_r, c);
    const color::Lab k = optics::ReflectanceToLabUnder(model.skin_reflectance(), c);
    Metamerism m{kLights[li], color::DeltaE00(d, k), 0};
    m.contrast_hue_deg = color::LabToLch(color::Lab{0, d[1] - k[1], d[2] - k[2]})[2];
    lo = std::min(lo, m.contrast_de00);
    hi = std::max(hi, m.contrast_de00);
    out.push_back(m);
  }
  if (spread_de00) *spread_de00 = out.empty() ? 0 : hi - lo;
  return out;
}
}  // namespace

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

  // Best-first over the subsets (one black + up to max_pigments - 1 neutralizers). A subset of k
  // pigments cannot score below B = dE00* + (k - 1) x component penalty + load penalty x one load
  // step on the lattice, dE00* its continuous optimum (its lattice points that leave a pigment out
  // belong to a smaller subset, scored there); before it is solved, dE00* >= 0 gives the bound.
  // The subset with the lowest bound is taken next: solved (continuous) if it was not, else
  // searched on the lattice. Once the lowest bound is at or above both the best pourable and the
  // best continuous score, no remaining subset can win: the search stops, exactly (given that each
  // continuous solve finds its subset's optimum), with at least 1 + alternatives pourable recipes.
  struct Node {
    Subset subset;
    double bound = 0;
    bool solved = false;
    Recipe continuous;          // at the continuous optimum (model.a0)
    internal::LinearXyz model;  // XYZ model made there
    bool polished = false;      // model's slope exact at the optimum
  };
  const double min_load_penalty = o.load_penalty * o.load_step, load_weight = 0.2 * o.load_penalty;
  std::vector<Node> nodes;
  for (const Subset& s : Subsets(candidates, o.max_pigments))
    nodes.push_back({s, o.component_penalty * (static_cast<double>(s.size()) - 1) + min_load_penalty});
  std::vector<bool> done(nodes.size(), false);
  const color::Xyz& white = color::D50Colorimeter().white();
  std::vector<Recipe> pourable;
  double best_pourable = INFINITY, best_continuous = INFINITY;
  int continuous_index = -1;  // node holding result.continuous

  // Continuous solve of node i from model `m`; the node keeps the result when it scores better than
  // what it had (always with `polish`, which starts from the node's own optimum and never worsens it).
  auto solve = [&](int i, internal::LinearXyz m, bool exact_slope, bool polish) {
    Node& node = nodes[i];
    double de = 0;
    const auto a = SolveContinuous(ev, node.subset, m, exact_slope, polish, o.max_load, load_weight, &de);
    const Recipe r = MakeRecipe(node.subset, a, color::XyzToLab(m.xyz0, white), target, o, false);
    if (node.solved && !polish && !(r.score < node.continuous.score)) return;
    node.solved = true;
    node.polished = node.polished || polish;
    node.model = m;
    node.continuous = r;
    node.bound = r.de00 + o.component_penalty * (static_cast<double>(node.subset.size()) - 1) + min_load_penalty;
    if (i == continuous_index || r.score < best_continuous) {
      best_continuous = r.score;
      result.continuous = r;
      continuous_index = i;
    }
  };
  // Start for a subset: the optimum of the subset without one of its neutralizers (the best solved
  // one), the missing neutralizer at zero; its model carries over, so only the new pigment's slope
  // is computed (one evaluation). Without one: a mid-grey black, modelled from scratch.
  auto start_model = [&](const Subset& s) {
    const Node* parent = nullptr;
    std::vector<int> index;  // parent pigment -> position in s
    for (const Node& nd : nodes) {
      if (!nd.solved || nd.subset.size() + 1 != s.size() || nd.subset[0] != s[0]) continue;
      std::vector<int> idx;
      for (size_t i = 0, m = 0; i < s.size() && m < nd.subset.size(); ++i)
        if (s[i] == nd.subset[m]) {
          idx.push_back(static_cast<int>(i));
          ++m;
        }
      if (idx.size() == nd.subset.size() && (!parent || nd.continuous.de00 < parent->continuous.de00)) {
        parent = &nd;
        index = idx;
      }
    }
    if (!parent) {
      std::vector<double> start(s.size(), 0.01 * o.max_load);
      start[0] = 0.3 * o.max_load;
      return Linearise(ev, s, start);
    }
    internal::LinearXyz m;
    m.n = static_cast<int>(s.size());
    m.xyz0 = parent->model.xyz0;
    int fresh = 0;
    for (int i = 0; i < m.n; ++i) fresh += i;
    for (size_t p = 0; p < index.size(); ++p) {
      m.a0[index[p]] = parent->model.a0[p];
      for (int c = 0; c < 3; ++c) m.J[c][index[p]] = parent->model.J[c][p];
      fresh -= index[p];
    }
    std::vector<double> ap(m.a0, m.a0 + m.n);
    const double h = 1e-5;
    ap[fresh] += h;
    const color::Xyz xp = ev.XyzOf(s, ap);
    for (int c = 0; c < 3; ++c) m.J[c][fresh] = (xp[c] - m.xyz0[c]) / h;
    return m;  // slope exact: the parent's is exact at its optimum, the new column just computed
  };
  int subsets_solved = 0;
  for (;;) {
    int next = -1;
    for (size_t i = 0; i < nodes.size(); ++i)
      if (!done[i] && (next < 0 || nodes[i].bound < nodes[next].bound)) next = static_cast<int>(i);
    if (next < 0) break;
    Node& node = nodes[next];
    const bool enough = static_cast<int>(pourable.size()) > o.alternatives;
    if (node.bound >= best_pourable && node.bound >= best_continuous && enough) break;
    if (!node.solved) {
      solve(next, start_model(node.subset), true, false);
      ++subsets_solved;
      continue;
    }
    done[next] = true;
    if (node.bound >= best_pourable && enough) continue;
    // A contender (its bound below the best pourable score) is searched in full from a polished
    // optimum (a secant slope can stall short of it); a contender whose first start did not land
    // gets a second one first, from a dark black-only mix (multi-start where it matters). A subset
    // that cannot win, taken only to fill the alternatives, gets its rounded optimum with the load
    // walked (PourableNear's quick mode).
    const bool contender = node.bound < best_pourable;
    if (contender && node.continuous.de00 > 0.3) {
      std::vector<double> dark(node.subset.size(), 0.0);
      dark[0] = 0.6 * o.max_load;
      solve(next, Linearise(ev, node.subset, dark), true, false);
    }
    if (contender && !node.polished) solve(next, node.model, false, true);
    pourable.push_back(PourableNear(ev, node.subset, node.model, o, !contender));
    best_pourable = std::min(best_pourable, pourable.back().score);
  }
  if (!nodes[continuous_index].polished) {
    Node& w = nodes[continuous_index];
    solve(continuous_index, w.model, false, true);  // the reported continuous optimum is a polished one
  }
  result.subsets_solved = subsets_solved;
  result.subsets_searched = static_cast<int>(pourable.size());
  result.reachable = result.continuous.de00 <= o.reachable_de00;
  if (!result.reachable) result.miss = MissDirection(result.continuous.predicted_lab, target);
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
    // Session 1: the load whose healed dot is first_session_lightness_offset L* lighter. L* falls
    // monotonically with load, so the root of L*(load) - want is bracketed by [0, final load]:
    // regula falsi with the Illinois modification (superlinear, never leaves the bracket).
    const double want = result.recipe.predicted_lab[0] + o.first_session_lightness_offset;
    double lo = 0.0, hi = final_load;
    double f_lo = model.skin_lab()[0] - want, f_hi = result.recipe.predicted_lab[0] - want;
    l1 = f_lo <= 0 ? 0.0 : hi;  // skin itself not lighter than wanted: no first-session load
    int side = 0;
    for (int it = 0; it < 60 && f_lo > 0 && f_hi < 0 && hi - lo > 1e-6 * final_load; ++it) {
      const double x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
      const double fx = lab_at(x)[0] - want;
      l1 = x;
      if (std::abs(fx) < 1e-6) break;
      if (fx > 0) {
        lo = x;
        f_lo = fx;
        if (side == -1) f_hi *= 0.5;
        side = -1;
      } else {
        hi = x;
        f_hi = fx;
        if (side == 1) f_lo *= 0.5;
        side = 1;
      }
    }
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
  result.metamerism = DotContrastUnderLights(model, mix, a, &result.metamerism_spread_de00);
  result.metamerism_flag = result.metamerism_spread_de00 > 2.0;
  result.evaluations = ev.evaluations;
  return result;
}

std::vector<Metamerism> DotContrastUnderLights(const optics::SkinParams& skin, const optics::ModelParams& params,
                                              const std::vector<const optics::PigmentKS*>& mix,
                                              const std::vector<double>& amounts, double* spread_de00) {
  return DotContrastUnderLights(optics::DotModel(skin, params), mix, amounts, spread_de00);
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
