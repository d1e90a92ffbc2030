#include "blend/look.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>

#include "color/ciede2000.h"
#include "color/colorimetry.h"
#include "color/lab.h"
#include "optics/model.h"

namespace shadecast::blend {
namespace {

constexpr color::Xyz kIccWhite{0.9642, 1.0, 0.8249};

// 36-band reflectance -> XYZ scaled to the ICC D50 white (Lab of it equals the optics model's
// ReflectanceToLab, which uses the computed D50 white).
color::Xyz ToXyz(const color::Spectral36& r) {
  const color::Colorimeter& d50 = color::D50Colorimeter();
  const color::Xyz x = d50.Xyz36(r.data());
  const color::Xyz& w = d50.white();
  return {x[0] / w[0] * kIccWhite[0], x[1] / w[1] * kIccWhite[1], x[2] / w[2] * kIccWhite[2]};
}

color::Lab Shift(const color::Lab& v, const color::Lab& from, const color::Lab& to) {
  return {v[0] - from[0] + to[0], v[1] - from[1] + to[1], v[2] - from[2] + to[2]};
}

// A way to mix the ink: black alone, or black with one neutralizer at a share.
struct Mix {
  const optics::PigmentKS* black = nullptr;
  const optics::PigmentKS* neutralizer = nullptr;
  double share = 0;
};

double RoundWater(double w) { return w < 4 ? std::round(2 * w) / 2 : std::round(w); }

class Search {
 public:
  Search(const StubbleLook& st, const optics::SkinParams& skin, const optics::ModelParams& params, const LookOptions& o)
      : st_(st), skin_(skin), params_(params), o_(o) {}

  const optics::DotProfileModel& Profiles(const Needle& n) {
    auto& p = profiles_[n.healed_diameter_mm];
    if (!p) {
      optics::ModelParams q = params_;
      q.dot_diameter_mm = n.healed_diameter_mm;
      p = std::make_unique<optics::DotProfileModel>(skin_, q);
    }
    return *p;
  }
  const color::LatticeBasis& Basis(const Needle& n, double density_per_cm2) {
    auto& b = bases_[{n.healed_diameter_mm, density_per_cm2}];
    if (!b) {
      b = std::make_unique<color::LatticeBasis>(Profiles(n).rho_mm(), density_per_cm2 / 100.0, o_.viewing);
      ++bases;
    }
    return *b;
  }
  const optics::BlendKS& BlendOf(const Mix& m) {
    auto& b = blends_[{m.neutralizer, m.share}];
    if (!b) {
      optics::Blend blend{{m.black, 1.0 - m.share}};
      if (m.neutralizer && m.share > 0) blend.push_back({m.neutralizer, m.share});
      b = std::make_unique<optics::BlendKS>(optics::MixBlend(blend, params_));
    }
    return *b;
  }
  std::vector<color::Xyz> Nodes(const Needle& n, const Mix& m, double load) {
    std::vector<color::Xyz> x;
    for (const auto& r : Profiles(n).Profile(BlendOf(m), load)) x.push_back(ToXyz(r));
    return x;
  }
  color::Xyz SkinXyz(const Needle& n) { return ToXyz(Profiles(n).skin()); }

  color::Appearance Look(const Needle& n, const Mix& m, double load, double density) {
    ++evaluations;
    return Basis(n, density).Evaluate(Nodes(n, m, load), SkinXyz(n));
  }
  // The full lattice filter (with the apparent diameter).
  color::Appearance FullLook(const Needle& n, const Mix& m, double load, double density) {
    ++evaluations;
    color::RadialProfile p;
    p.rho_mm = Profiles(n).rho_mm();
    p.xyz = Nodes(n, m, load);
    return color::LatticeAppearance(p, SkinXyz(n), density / 100.0, o_.viewing);
  }

  double LoadOf(double water) const { return o_.healing_retention / (1.0 + water); }
  double WaterOf(double load) const { return std::max(0.0, o_.healing_retention / load - 1.0); }

  // The water whose near L* matches the target's (L* falls with load): bisection on log load in
  // [one pass at the most dilute shade, one pass undiluted].
  double SolveWater(const Needle& n, const Mix& m, double density, double target_l, int* side) {
    double lo = std::log(LoadOf(o_.max_water_ml_per_ml)), hi = std::log(LoadOf(0));
    const double l_lo = Look(n, m, std::exp(lo), density).near.lab[0];
    const double l_hi = Look(n, m, std::exp(hi), density).near.lab[0];
    *side = 0;
    if (l_lo <= target_l) return *side = -1, o_.max_water_ml_per_ml;  // even the most dilute is too dark
    if (l_hi >= target_l) return *side = 1, 0.0;                        // even undiluted is too light
    for (int it = 0; it < 14; ++it) {
      const double mid = 0.5 * (lo + hi);
      (Look(n, m, std::exp(mid), density).near.lab[0] > target_l ? lo : hi) = mid;
    }
    return WaterOf(std::exp(0.5 * (lo + hi)));
  }

  int evaluations = 0, bases = 0;

 private:
  const StubbleLook& st_;
  const optics::SkinParams& skin_;
  const optics::ModelParams& params_;
  const LookOptions& o_;
  std::map<double, std::unique_ptr<optics::DotProfileModel>> profiles_;
  std::map<std::pair<double, double>, std::unique_ptr<color::LatticeBasis>> bases_;
  std::map<std::pair<const optics::PigmentKS*, double>, std::unique_ptr<optics::BlendKS>> blends_;
};

struct Candidate1 {
  Mix mix;
  double water = 0;
  int side = 0;  // -1 most dilute still too dark, +1 undiluted still too light
  color::Appearance look;
  double score = INFINITY;
};

// Session plan: lightest first. Session 1 a lighter shade at half the density; then the final
// shade, adding dots between the first ones; the last session fills in and brings every dot to the
// final shade (a pass over the first session's dots). Healed looks between sessions: a lattice of
// one mean dot (the density-weighted mean profile of the two shades).
std::vector<LookSession> PlanSessions(Search& s, const LookRecipe& r, const Mix& mix, const LookOptions& o) {
  std::vector<LookSession> out;
  const double w_final = r.water_ml_per_ml;
  const double w_first = std::min(o.max_water_ml_per_ml, RoundWater(1.5 * w_final + 2));
  static const double kShare[4][4] = {{1, 0, 0, 0}, {0.6, 1, 0, 0}, {0.5, 0.85, 1, 0}, {0.5, 0.8, 1, 1}};
  const int ns = o.sessions;
  for (int k = 0; k < ns; ++k) {
    LookSession ss;
    ss.session = k + 1;
    ss.day = k * o.interval_days;
    ss.needle = r.needle;
    const bool first_light = ns >= 2 && k == 0;
    ss.water_ml_per_ml = first_light ? w_first : w_final;
    ss.shade = ShadeWords(ss.water_ml_per_ml, r.neutralizer, r.neutralizer_share);
    ss.density_per_cm2 = std::round(kShare[ns - 1][k] * r.density_per_cm2);
    ss.hairline_density_per_cm2 = std::round(o.hairline_density_fraction * ss.density_per_cm2);
    const double l_light = s.LoadOf(w_first), l_final = s.LoadOf(w_final);
    ss.load = first_light ? l_light : l_final;
    // Dots at the first shade and at the final shade after this session (the last session goes
    // over the first shade's dots).
    const double d_light = (ns >= 2 && k < ns - 1) ? kShare[ns - 1][0] * r.density_per_cm2 : 0;
    const double d_total = ss.density_per_cm2;
    auto mean_look = [&](double scale) {  // scale: fresh = 1 / retention (nothing lost yet)
      const auto a = s.Nodes(r.needle, mix, std::min(1.0, l_light * scale));
      const auto b = s.Nodes(r.needle, mix, std::min(1.0, l_final * scale));
      const double f = d_total > 0 ? d_light / d_total : 0;
      color::RadialProfile p;
      p.rho_mm = s.Profiles(r.needle).rho_mm();
      for (size_t j = 0; j < a.size(); ++j)
        p.xyz.push_back({f * a[j][0] + (1 - f) * b[j][0], f * a[j][1] + (1 - f) * b[j][1], f * a[j][2] + (1 - f) * b[j][2]});
      ++s.evaluations;
      return color::LatticeAppearance(p, s.SkinXyz(r.needle), std::max(1.0, d_total) / 100.0, o.viewing);
    };
    ss.healed = mean_look(1.0);
    ss.fresh = mean_look(1.0 / o.healing_retention);
    if (first_light) ss.note = "lighter first pass, dots spread out; the next sessions add dots between them";
    else if (k == ns - 1) ss.note = ns == 1 ? "single session to the final shade" : "fill-in and blend to the final shade";
    else ss.note = "final shade, new dots between the first ones";
    ss.note += "; one pass per dot (never more than one pass of undiluted ink)";
    out.push_back(ss);
  }
  return out;
}

}  // namespace

const std::vector<Needle>& DefaultNeedles() {
  // Grouping diameters: a #08 needle is 0.25 mm, #10 0.30 mm, #12 0.35 mm; a 3RL grouping is about
  // twice one needle. Healed = 1.3 x grouping (docs/appearance.md).
  static const std::vector<Needle> n = {{"1RL #06", 0.20, 0.26}, {"1RL #08", 0.25, 0.33}, {"1RL #10", 0.30, 0.39},
                                        {"1RL #12", 0.35, 0.46}, {"3RL #10", 0.60, 0.78}};
  return n;
}

bool LookOptions::IsValid(std::string* why) const {
  auto bad = [&](const std::string& m) {
    if (why) *why = m;
    return false;
  };
  std::string v;
  if (!viewing.IsValid(&v)) return bad(v);
  if (needles.empty()) return bad("no needles to choose from");
  for (const auto& n : needles)
    if (!(n.healed_diameter_mm >= 0.15 && n.healed_diameter_mm <= 1.3))
      return bad("needle '" + n.name + "': healed diameter outside the optics tables' 0.15-1.3 mm");
  if (!(min_density_per_cm2 > 0 && max_density_per_cm2 >= min_density_per_cm2 && density_step_per_cm2 > 0))
    return bad("densities: need 0 < min <= max and a positive step");
  if (!(max_water_ml_per_ml > 0 && max_water_ml_per_ml <= 200)) return bad("max water must be in (0, 200] ml per ml");
  if (!(max_neutralizer_share >= 0 && max_neutralizer_share < 1 && share_step > 0)) return bad("neutralizer share: 0-1");
  if (!(reachable_de00 > 0)) return bad("reachable_de00 must be > 0");
  if (!(healing_retention > 0 && healing_retention <= 1)) return bad("healing retention must be in (0, 1]");
  if (sessions < 1 || sessions > 4) return bad("sessions: expected 1-4, got " + std::to_string(sessions));
  if (interval_days < 10 || interval_days > 14) return bad("interval days: sessions are 10-14 days apart, got " + std::to_string(interval_days));
  if (!(hairline_density_fraction > 0 && hairline_density_fraction <= 1)) return bad("hairline fraction: (0, 1]");
  return true;
}

std::string ShadeWords(double water, const std::string& neutralizer, double share) {
  char buf[160];
  const double w = RoundWater(water);
  const std::string ws = w == std::floor(w) ? std::to_string(static_cast<int>(w)) : [&] {
    char b[16];
    std::snprintf(b, sizeof b, "%.1f", w);
    return std::string(b);
  }();
  if (neutralizer.empty() || share <= 0)
    std::snprintf(buf, sizeof buf, "shade %s: 1 ml ink + %s ml water", ws.c_str(), ws.c_str());
  else
    std::snprintf(buf, sizeof buf, "shade %s: 1 ml ink (%.2f ml black + %.2f ml %s) + %s ml water", ws.c_str(), 1 - share,
                  share, neutralizer.c_str(), ws.c_str());
  return buf;
}

// The one sentence a technician reads when the pourable recipe misses the stubble (docs/appearance.md).
static std::string UnreachableAdvice(int side, const StubbleLook& st, const LookRecipe& r, const color::Lab& tr, double step,
                                     const LookOptions& o) {
  char buf[400];
  const double dmax = std::floor(o.max_density_per_cm2 / step) * step, dmin = std::ceil(o.min_density_per_cm2 / step) * step;
  if (side == 1)
    std::snprintf(buf, sizeof buf,
                  "the client's stubble looks darker close up than any dot this ink makes in this skin, even undiluted: "
                  "use a larger needle or denser dots");
  else if (side == -1)
    std::snprintf(buf, sizeof buf,
                  "the client's stubble looks lighter close up than the most dilute shade (1 ml ink + %.0f ml water) "
                  "in this skin: use a finer needle",
                  o.max_water_ml_per_ml);
  else if (st.has_regional && r.look.regional.lab[0] > tr[0] + 1 && r.density_per_cm2 >= dmax)
    std::snprintf(buf, sizeof buf,
                  "from a distance the stubble reads darker than dots at the densest spacing (%.0f per cm2) give: use a "
                  "larger needle",
                  dmax);
  else if (st.has_regional && r.look.regional.lab[0] < tr[0] - 1 && r.density_per_cm2 <= dmin)
    std::snprintf(buf, sizeof buf,
                  "from a distance the stubble reads lighter than dots at the sparsest spacing (%.0f per cm2) give: use "
                  "a finer needle",
                  dmin);
  else if (st.has_regional)
    std::snprintf(buf, sizeof buf,
                  "the stubble's colour cannot be matched with these inks in this skin (nearest: %.1f dE00 close up, "
                  "%.1f from a distance): the nearest recipe is shown",
                  r.near_de00, r.regional_de00);
  else  // no regional target given: nothing to say about the distance
    std::snprintf(buf, sizeof buf,
                  "the stubble's colour cannot be matched with these inks in this skin (nearest: %.1f dE00 close up): "
                  "the nearest recipe is shown",
                  r.near_de00);
  return buf;
}

LookMatchResult MatchLook(const StubbleLook& st, const optics::SkinParams& skin, const std::vector<Candidate>& candidates,
                          const optics::ModelParams& params, const LookOptions& o) {
  std::string why;
  if (!o.IsValid(&why)) throw std::invalid_argument("look options: " + why);
  if (!params.IsValid(&why)) throw std::invalid_argument("optics parameters: " + why);
  const optics::PigmentKS* black = nullptr;
  std::vector<const optics::PigmentKS*> neutralizers;
  for (const auto& c : candidates) {
    if (c.black && !black) black = c.pigment;
    else if (!c.black) neutralizers.push_back(c.pigment);
  }
  if (!black) throw std::invalid_argument("the pigment library has no black (role BLACK): every recipe starts from one");

  Search s(st, skin, params, o);
  LookMatchResult res;
  res.model_skin = color::XyzToLab(s.SkinXyz(o.needles.front()), kIccWhite);
  // The stubble in the model's skin frame: its differences to the measured skin kept, so a skin the
  // model renders a little off does not move the target.
  res.target.near.lab = Shift(st.near, st.skin, res.model_skin);
  res.target.near.delta_l = st.near[0] - st.skin[0];
  res.target.near.diameter_mm = st.near_diameter_mm;
  if (st.has_regional) {
    res.target.regional.lab = Shift(st.regional, st.skin, res.model_skin);
    res.target.regional.de00_to_skin = color::DeltaE00(st.regional, st.skin);
  }
  if (!(st.near[0] < st.skin[0] - 0.5)) {
    res.advice = "the client's stubble does not look darker than the skin, so no dot can match it (declared "
                 "unreachable: docs/appearance.md)";
    return res;
  }
  const double step = o.density_step_per_cm2;
  auto on_lattice = [&](double d) {
    return std::clamp(std::round(d / step) * step, std::ceil(o.min_density_per_cm2 / step) * step,
                      std::floor(o.max_density_per_cm2 / step) * step);
  };
  const double d0 = on_lattice(st.density_per_cm2 > 0 ? st.density_per_cm2 : o.default_density_per_cm2);
  const color::Lab& tn = res.target.near.lab;
  const color::Lab& tr = res.target.regional.lab;

  std::vector<Mix> mixes = {{black, nullptr, 0}};
  for (const auto* n : neutralizers)
    for (double sh = o.share_step; sh <= o.max_neutralizer_share + 1e-9; sh += o.share_step) mixes.push_back({black, n, sh});

  auto score_of = [&](const color::Appearance& a, double diam_app) {
    double sc = color::DeltaE00(a.near.lab, tn);
    if (st.has_regional) sc += color::DeltaE00(a.regional.lab, tr);
    if (st.near_diameter_mm > 0 && diam_app > 0) sc += o.diameter_weight_per_mm * std::abs(diam_app - st.near_diameter_mm);
    return sc;
  };
  // Best mix at a needle and density: water solved per mix for the near L*, then the score.
  auto best_mix = [&](const Needle& n, double d, double diam_app) {
    Candidate1 best;
    for (const Mix& m : mixes) {
      Candidate1 c;
      c.mix = m;
      c.water = s.SolveWater(n, m, d, tn[0], &c.side);
      c.look = s.Look(n, m, s.LoadOf(c.water), d);
      c.score = score_of(c.look, diam_app);
      if (c.score < best.score) best = c;
    }
    return best;
  };

  LookRecipe best_recipe;
  best_recipe.score = INFINITY;
  Candidate1 best_c;
  for (const Needle& n : o.needles) {
    // The apparent diameter depends on the needle (little on the shade): once, at the black's match.
    int side = 0;
    const double w0 = s.SolveWater(n, mixes.front(), d0, tn[0], &side);
    const double diam_app = s.FullLook(n, mixes.front(), s.LoadOf(w0), d0).near.diameter_mm;
    double d = d0;
    Candidate1 c = best_mix(n, d, diam_app);
    if (st.has_regional) {
      // Density for the regional L*: the regional darkening is nearly proportional to the density,
      // so a secant step on the density lattice from d0 and one from there, then the better of the
      // lattice points tried.
      auto reg_l = [&](double dd) {
        int sd = 0;
        const double w = s.SolveWater(n, c.mix, dd, tn[0], &sd);
        return s.Look(n, c.mix, s.LoadOf(w), dd).regional.lab[0] - tr[0];
      };
      const double skin_l = res.model_skin[0];
      double best_d = d, best_f = reg_l(d);
      double cur = d, f = best_f;
      for (int it = 0; it < 3 && std::abs(f) > 0.05; ++it) {
        // Darkening skin_l - L*(d) ~ k d: the density that gives the target's darkening.
        const double dark = skin_l - (f + tr[0]), want = skin_l - tr[0];
        const double nd = on_lattice(dark > 1e-3 ? cur * want / dark : cur + (f > 0 ? step : -step));
        if (nd == cur) break;
        cur = nd;
        f = reg_l(cur);
        if (std::abs(f) < std::abs(best_f)) best_d = cur, best_f = f;
      }
      d = best_d;
      c = best_mix(n, d, diam_app);
    }
    LookRecipe r;
    r.needle = n;
    r.density_per_cm2 = d;
    r.diameter_diff_mm = st.near_diameter_mm > 0 ? diam_app - st.near_diameter_mm : 0;
    r.score = c.score;
    r.water_ml_per_ml = c.water;
    r.neutralizer_share = c.mix.share;
    r.neutralizer = c.mix.neutralizer ? c.mix.neutralizer->id : "";
    if (r.score < best_recipe.score) {
      best_recipe = r;
      best_c = c;
    }
  }

  // Pourable: the water rounded; the look evaluated with the full filter (apparent diameter too).
  LookRecipe& r = res.recipe;
  r = best_recipe;
  r.black = black->id;
  r.water_ml_per_ml = RoundWater(best_recipe.water_ml_per_ml);
  r.load = s.LoadOf(r.water_ml_per_ml);
  r.look = s.FullLook(r.needle, best_c.mix, r.load, r.density_per_cm2);
  r.near_de00 = color::DeltaE00(r.look.near.lab, tn);
  r.regional_de00 = st.has_regional ? color::DeltaE00(r.look.regional.lab, tr) : 0;
  r.diameter_diff_mm = st.near_diameter_mm > 0 ? r.look.near.diameter_mm - st.near_diameter_mm : 0;
  r.score = score_of(r.look, r.look.near.diameter_mm);
  res.reachable = r.near_de00 <= o.reachable_de00 && r.regional_de00 <= o.reachable_de00;
  if (!res.reachable) res.advice = UnreachableAdvice(best_c.side, st, r, tr, step, o);

  res.sessions = PlanSessions(s, res.recipe, best_c.mix, o);
  res.evaluations = s.evaluations;
  res.bases = s.bases;
  return res;
}

}  // namespace shadecast::blend
