#include "fade/forecast.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <sstream>
#include <stdexcept>

#include "color/ciede2000.h"
#include "color/skin_tone.h"
#include "fade/date.h"
#include "fade/model_impl.h"
#include "fade/prepared.h"

namespace shadecast::fade {

std::string TriggerKindToString(TriggerKind k) { return k == TriggerKind::kContrastLoss ? "contrast" : "de00"; }

TriggerKind TriggerKindFromString(const std::string& s) {
  if (s == "contrast") return TriggerKind::kContrastLoss;
  if (s == "de00") return TriggerKind::kDe00;
  throw std::invalid_argument("unknown trigger '" + s + "' (expected contrast or de00)");
}

std::vector<Trigger> ParseTriggers(const std::string& spec) {
  std::vector<Trigger> out;
  std::stringstream ss(spec);
  std::string part;
  while (std::getline(ss, part, ',')) {
    const auto colon = part.find(':');
    if (colon == std::string::npos)
      throw std::invalid_argument("'" + part + "': expected KIND:THRESHOLD, e.g. contrast:0.45 or de00:1.8");
    Trigger t;
    t.kind = TriggerKindFromString(part.substr(0, colon));
    std::string num = part.substr(colon + 1), dark;
    if (const auto slash = num.find('/'); slash != std::string::npos) {
      if (t.kind != TriggerKind::kDe00) throw std::invalid_argument("'" + part + "': only de00 takes a dark-skin threshold");
      dark = num.substr(slash + 1);
      num = num.substr(0, slash);
    }
    auto parse = [&](const std::string& s) {
      size_t used = 0;
      double v = 0;
      try {
        v = std::stod(s, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != s.size() || s.empty() || !std::isfinite(v) || v <= 0)
        throw std::invalid_argument("'" + part + "': threshold must be a positive number");
      return v;
    };
    t.threshold = parse(num);
    if (t.kind == TriggerKind::kContrastLoss && t.threshold >= 1)
      throw std::invalid_argument("'" + part + "': a relative contrast loss must be within (0, 1)");
    if (t.kind == TriggerKind::kDe00) t.dark_threshold = dark.empty() ? std::max(t.threshold, 2.6) : parse(dark);
    out.push_back(t);
  }
  if (out.empty()) throw std::invalid_argument("no trigger given (e.g. contrast:0.45)");
  return out;
}

std::string TriggerToString(const Trigger& t) {
  std::ostringstream o;
  o << TriggerKindToString(t.kind) << ':' << t.threshold;
  if (t.kind == TriggerKind::kDe00) o << '/' << t.dark_threshold;
  return o.str();
}

bool ForecastOptions::IsValid(std::string* why) const {
  auto fail = [&](const char* m) {
    if (why) *why = m;
    return false;
  };
  if (!(years > 0 && years <= 50)) return fail("years must be within (0, 50]");
  if (draws < 10 || draws > 1000000) return fail("draws must be within 10-1000000");
  if (triggers.empty()) return fail("at least one trigger is needed");
  if (table_nodes < 8) return fail("table_nodes must be >= 8");
  if (series_draws != 0 && series_draws < 10) return fail("series_draws must be 0 (all) or >= 10");
  return true;
}

namespace {

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  return h;
}

// The dot's appearance on the forecast skin as a function of the retained amounts: tabulated over
// the scalar load when the composition is fixed (nodes dense near zero, where the optics change
// fastest), else the optics model directly.
class Appearance {
 public:
  Appearance(const ClientData& c, const optics::DotModel& model, const color::Lab& skin_model_lab)
      : c_(c), model_(model), skin_(skin_model_lab) {}

  void Tabulate(double max_load, int nodes) {
    if (!c_.fixed_composition || !(max_load > 0)) return;
    const auto& d0 = c_.sessions.front().deposit;
    double s0 = 0;
    for (double v : d0) s0 += v;
    comp_.resize(d0.size());
    for (size_t i = 0; i < d0.size(); ++i) comp_[i] = d0[i] / s0;
    max_ = max_load;
    lab_.resize(static_cast<size_t>(nodes));
    contrast_.resize(static_cast<size_t>(nodes));
    std::vector<double> a(comp_.size());
    for (int j = 0; j < nodes; ++j) {
      const double u = double(j) / (nodes - 1);
      const double load = max_ * u * u;
      for (size_t i = 0; i < a.size(); ++i) a[i] = comp_[i] * load;
      Direct(a.data(), &lab_[static_cast<size_t>(j)], &contrast_[static_cast<size_t>(j)]);
    }
  }
  bool tabulated() const { return !lab_.empty(); }

  // Trigonometric interpolation between the phase tables (equally spaced over the year, odd count)
  // at angle `theta`: a table for one date. Untabulated clients fall back to the nearest phase.
  static Appearance Blend(const std::vector<Appearance>& phases, double theta) {
    const int kp = static_cast<int>(phases.size());
    const double step = 2 * M_PI / kp;
    int nearest = static_cast<int>(std::lround(theta / step)) % kp;
    if (nearest < 0) nearest += kp;
    const Appearance& np = phases[static_cast<size_t>(nearest)];
    Appearance r(np.c_, np.model_, np.skin_);
    if (!np.tabulated()) return r;
    r.comp_ = np.comp_;
    r.max_ = np.max_;
    r.lab_.assign(np.lab_.size(), color::Lab{0, 0, 0});
    r.contrast_.assign(np.contrast_.size(), 0.0);
    for (int j = 0; j < kp; ++j) {
      const double x = theta - step * j;
      const double sh = std::sin(0.5 * x);
      const double wj = std::abs(sh) < 1e-12 ? 1.0 : std::sin(0.5 * kp * x) / (kp * sh);
      const Appearance& p = phases[static_cast<size_t>(j)];
      for (size_t i = 0; i < r.lab_.size(); ++i) {
        for (int k = 0; k < 3; ++k) r.lab_[i][k] += wj * p.lab_[i][k];
        r.contrast_[i] += wj * p.contrast_[i];
      }
    }
    return r;
  }

  void At(const double* amounts, color::Lab* lab, double* contrast) const {
    if (tabulated()) {
      double load = 0;
      for (size_t i = 0; i < comp_.size(); ++i) load += amounts[i];
      const double u = std::sqrt(std::max(0.0, load) / max_) * double(lab_.size() - 1);
      if (u <= double(lab_.size() - 1)) {
        const size_t j = std::min(static_cast<size_t>(u), lab_.size() - 2);
        const double w = u - double(j);
        for (int k = 0; k < 3; ++k) (*lab)[k] = (1 - w) * lab_[j][k] + w * lab_[j + 1][k];
        *contrast = (1 - w) * contrast_[j] + w * contrast_[j + 1];
        return;
      }
    }
    Direct(amounts, lab, contrast);
  }

 private:
  void Direct(const double* amounts, color::Lab* lab, double* contrast) const {
    *lab = model_.Lab(amounts, c_.pigments.data(), static_cast<int>(c_.pigments.size()));
    *contrast = color::DeltaE00(*lab, skin_);
  }
  const ClientData& c_;
  const optics::DotModel& model_;
  color::Lab skin_;
  std::vector<double> comp_;
  double max_ = 0;
  std::vector<color::Lab> lab_;
  std::vector<double> contrast_;
};

// The 10th, 50th and 90th percentiles in one pass: the median's partition bounds the other two.
Band Quantiles(std::vector<double>& v) {
  const auto at = [&](double p) { return static_cast<std::ptrdiff_t>(std::lround(p * double(v.size() - 1))); };
  const std::ptrdiff_t k10 = at(0.1), k50 = at(0.5), k90 = at(0.9);
  std::nth_element(v.begin(), v.begin() + k50, v.end());
  std::nth_element(v.begin(), v.begin() + k10, v.begin() + k50);
  std::nth_element(v.begin() + k50 + 1, v.begin() + k90, v.end());
  return {v[static_cast<size_t>(k10)], v[static_cast<size_t>(k50)], v[static_cast<size_t>(k90)]};
}

// Quantiles of successive dates of one quantity: the draws' order barely changes from one month to
// the next, so the previous date's order, insertion-sorted, is a full sort in about linear time
// (falls back to a plain sort when the order changed a lot).
class RankTracker {
 public:
  Band Next(const std::vector<double>& v) {
    const size_t n = v.size();
    if (perm_.size() != n) {
      perm_.resize(n);
      std::iota(perm_.begin(), perm_.end(), 0u);
    }
    w_.resize(n);
    for (size_t i = 0; i < n; ++i) w_[i] = v[perm_[i]];
    size_t moves = 0;
    const size_t cap = 16 * n;
    for (size_t i = 1; i < n && moves <= cap; ++i) {
      const double x = w_[i];
      const uint32_t pi = perm_[i];
      size_t j = i;
      for (; j > 0 && w_[j - 1] > x; --j) {
        w_[j] = w_[j - 1];
        perm_[j] = perm_[j - 1];
      }
      w_[j] = x;
      perm_[j] = pi;
      moves += i - j;
    }
    if (moves > cap) {
      std::sort(perm_.begin(), perm_.end(), [&](uint32_t a, uint32_t b) { return v[a] < v[b]; });
      for (size_t i = 0; i < n; ++i) w_[i] = v[perm_[i]];
    }
    const auto at = [&](double p) { return w_[static_cast<size_t>(std::lround(p * double(n - 1)))]; };
    return {at(0.1), at(0.5), at(0.9)};
  }

 private:
  std::vector<uint32_t> perm_;
  std::vector<double> w_;
};

double Quantile(std::vector<double>& v, double p) {
  const size_t k = static_cast<size_t>(std::lround(p * double(v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// Cholesky (lower) of the parameter covariance with a growing jitter when not positive definite.
constexpr int kP = kFadeParams;
std::array<double, kP * kP> Cholesky(const std::array<double, kP * kP>& a) {
  for (double jitter = 0; jitter < 1; jitter = jitter == 0 ? 1e-10 : jitter * 10) {
    std::array<double, kP * kP> l{};
    bool ok = true;
    for (int i = 0; i < kP && ok; ++i)
      for (int j = 0; j <= i; ++j) {
        double s = a[static_cast<size_t>(i * kP + j)] + (i == j ? jitter : 0.0);
        for (int k = 0; k < j; ++k) s -= l[static_cast<size_t>(i * kP + k)] * l[static_cast<size_t>(j * kP + k)];
        if (i == j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          l[static_cast<size_t>(i * kP + i)] = std::sqrt(s);
        } else {
          l[static_cast<size_t>(i * kP + j)] = s / l[static_cast<size_t>(j * kP + j)];
        }
      }
    if (ok) return l;
  }
  std::array<double, kP * kP> l{};
  for (int i = 0; i < kP; ++i) l[static_cast<size_t>(i * (kP + 1))] = std::sqrt(std::max(0.0, a[static_cast<size_t>(i * (kP + 1))]));
  return l;
}

// A draw's triggers on one day: which fired (bit t = trigger t) and the largest margin past a
// threshold (>= 0 exactly when one fired; each margin rises with time after the healed reference).
struct Firing {
  unsigned mask = 0;
  double margin = 0;
};

// The first day a draw's triggers fire (`fired(day)` gives the Firing), from `ref_day` (the healed
// reference) to `horizon` (infinity: never), to half a day. The first `n_series` of `days` (the
// monthly series, where `on_series(t)` gives the Firing without a new evaluation) bracket it to a
// month; 0: the bracket is the whole span. Inside the bracket an Illinois regula falsi on the margin
// (steps kept a quarter day inside the bracket) needs ~5 evaluations where bisection over 8 years
// needed 13. `mask` gets the triggers fired then.
template <typename Fired, typename OnSeries>
double FirstFiring(double ref_day, double horizon, const std::vector<int>& days, size_t n_series, Fired fired,
                   OnSeries on_series, unsigned* mask) {
  *mask = 0;
  if (horizon < ref_day) return std::numeric_limits<double>::infinity();
  Firing at_lo = fired(ref_day), at_hi;
  if ((*mask = at_lo.mask) != 0) return ref_day;
  double lo = ref_day, hi = horizon;
  bool fires = false;
  for (size_t t = 0; t < n_series && !fires; ++t) {
    if (days[t] <= ref_day) continue;
    const Firing f = on_series(t);
    if (f.mask != 0) {
      fires = true;
      hi = days[t];
      at_hi = f;
    } else {
      lo = days[t];
      at_lo = f;
    }
  }
  if (!fires && lo < horizon) {
    at_hi = fired(horizon);
    fires = at_hi.mask != 0;
  }
  if (!fires) return std::numeric_limits<double>::infinity();
  double g_lo = std::min(at_lo.margin, -1e-12), g_hi = std::max(at_hi.margin, 0.0);
  int last_side = 0;  // +1: hi moved last, -1: lo moved last
  while (hi - lo > 0.5) {
    double x = hi - g_hi * (hi - lo) / (g_hi - g_lo);
    if (!std::isfinite(x)) x = 0.5 * (lo + hi);
    x = std::clamp(x, lo + 0.25, hi - 0.25);
    const Firing f = fired(x);
    if (f.mask != 0) {
      hi = x;
      at_hi = f;
      g_hi = std::max(f.margin, 0.0);
      if (last_side == 1) g_lo *= 0.5;  // Illinois: the stale end's margin halved
      last_side = 1;
    } else {
      lo = x;
      g_lo = std::min(f.margin, -1e-12);
      if (last_side == -1) g_hi *= 0.5;
      last_side = -1;
    }
  }
  *mask = at_hi.mask;
  return std::ceil(hi);
}

// The dates reported: monthly from as-of over the horizon (`n_series` of them), then the queries.
std::vector<int> ForecastDays(const ForecastOptions& options, size_t* n_series) {
  std::vector<int> days;
  const int months = static_cast<int>(std::lround(options.years * 12));
  for (int m = 0; m <= months; ++m) days.push_back(options.as_of_day + static_cast<int>(std::lround(m * kDaysPerYear / 12)));
  *n_series = days.size();
  days.insert(days.end(), options.query_days.begin(), options.query_days.end());
  return days;
}

// Seasonal skin (fitted harmonic, when the data support one): the dot on each date's series and
// query is seen through that date's skin; the triggers keep the annual-mean skin (a touch-up is not
// due because of a tan). Empty without a harmonic.
std::vector<Appearance> SeasonalLooks(const PreparedClient& prepared, const std::vector<int>& days, double max_load, int nodes) {
  const auto& im = prepared.impl();
  std::vector<Appearance> date_look;
  if (!im.seasonal) return date_look;
  std::vector<Appearance> phases;
  phases.reserve(im.season_models.size());
  for (size_t j = 0; j < im.season_models.size(); ++j) {
    phases.emplace_back(*im.client, *im.season_models[j], im.season_model_labs[j]);
    phases.back().Tabulate(max_load, nodes);
  }
  date_look.reserve(days.size());
  for (int d : days) date_look.push_back(Appearance::Blend(phases, 2 * M_PI * std::fmod(double(d), kDaysPerYear) / kDaysPerYear));
  return date_look;
}

// Parameter draws from the fit's Laplace approximation N(theta, covariance).
std::vector<impl::StateT<double>> DrawStates(const FitResult& fit, int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  const auto chol = Cholesky(fit.covariance);
  std::vector<impl::StateT<double>> draws(static_cast<size_t>(n));
  for (auto& d : draws) {
    double z[kP], th[kP];
    for (double& v : z) v = normal(rng);
    for (int i = 0; i < kP; ++i) {
      th[i] = fit.theta[static_cast<size_t>(i)];
      for (int k = 0; k <= i; ++k) th[i] += chol[static_cast<size_t>(i * kP + k)] * z[k];
    }
    d = impl::StateT<double>::FromTheta(th);
  }
  return draws;
}

// One date's bands from the draws' values (L*, a*, b*, contrast at vals[0..3]). The band for a photo
// widens the dot's in quadrature by a photo's spread around the model: the stated visit noise, or the
// client's own RMS residual when larger (its photos scatter more than stated: light, tan, a loose fit).
ForecastPoint Point(int day, std::vector<double>* vals, RankTracker* rank, double visit_sd) {
  ForecastPoint fp;
  fp.day = day;
  for (int k = 0; k < 3; ++k) {
    const Band b = rank[k].Next(vals[k]);
    fp.dot.p10[k] = b.p10;
    fp.dot.p50[k] = b.p50;
    fp.dot.p90[k] = b.p90;
  }
  fp.contrast_de00 = rank[3].Next(vals[3]);
  const double z = 1.2815515655446004 * visit_sd / std::sqrt(3.0);
  fp.measured = fp.dot;
  for (int k = 0; k < 3; ++k) {
    fp.measured.p10[k] = fp.dot.p50[k] - std::hypot(fp.dot.p50[k] - fp.dot.p10[k], z);
    fp.measured.p90[k] = fp.dot.p50[k] + std::hypot(fp.dot.p90[k] - fp.dot.p50[k], z);
  }
  return fp;
}

// Quantiles of the draws' first trigger dates (infinite: none within the horizon).
void SummariseDates(const std::vector<double>& fire, TouchUp* tu) {
  int none = 0;
  for (double f : fire) none += std::isinf(f) ? 1 : 0;
  tu->p_none_within_horizon = double(none) / double(fire.size());
  auto day_q = [&](double p) -> std::optional<int> {
    std::vector<double> f = fire;
    const double q = Quantile(f, p);
    if (std::isinf(q)) return std::nullopt;
    return static_cast<int>(q);
  };
  tu->p10_day = day_q(0.1);
  tu->p50_day = day_q(0.5);
  tu->p90_day = day_q(0.9);
}

}  // namespace

ForecastResult Forecast(const PreparedClient& prepared, const FitResult& fit, const FadePriors& priors,
                        const ForecastOptions& options) {
  std::string why;
  if (!options.IsValid(&why)) throw std::invalid_argument("forecast options: " + why);
  const auto& im = prepared.impl();
  const ClientData& c = *im.client;
  const size_t np = c.pigments.size();

  ForecastResult r;
  r.client_id = c.client_id;
  r.fit = fit;
  r.triggers = options.triggers;
  r.as_of_day = options.as_of_day;
  r.last_session_day = c.last_session_day();
  r.horizon_end_day = options.as_of_day + static_cast<int>(std::lround(options.years * kDaysPerYear));
  r.skin_lab = im.forecast_skin;
  r.skin_outside_model = im.outside;
  r.ita_deg = color::ItaDeg(color::D50ToD65Lab(im.forecast_skin));
  const bool dark = r.ita_deg < 10.0;

  // Parameter draws.
  const int nd = options.draws;
  const std::vector<impl::StateT<double>> draws = DrawStates(fit, nd, options.seed ^ Fnv1a(c.client_id));

  const double ref_day = c.last_session_day() + priors.settle_days;
  std::vector<double> a(np);
  // Fast path once healing is over (fixed composition): the total load is
  // s (1 - f_h) sum_s D_s [c_inf + (1 - c_inf) e^(-(k (t - t_s))^beta)], one power per session and
  // date; amounts are composition x load.
  const bool fast = c.fixed_composition;
  std::vector<double> comp(np), dsum;
  for (const auto& s : c.sessions) dsum.push_back(std::accumulate(s.deposit.begin(), s.deposit.end(), 0.0));
  for (size_t i = 0; i < np; ++i) comp[i] = c.sessions.front().deposit[i] / dsum.front();
  auto retained = [&](const impl::StateT<double>& p, double day) {
    if (fast && day >= c.last_session_day() + 12.0 * p.tau_h) {
      const double h = p.scale * (1 - p.f_h), m = p.k * c.rate_multiplier[0] / kDaysPerYear;
      double load = 0;
      for (size_t s = 0; s < c.sessions.size(); ++s) {
        const double x = m * (day - c.sessions[s].day);
        load += dsum[s] * (p.c_inf + (1 - p.c_inf) * std::exp(-std::pow(x, p.beta)));
      }
      load *= h;
      for (size_t i = 0; i < np; ++i) a[i] = comp[i] * load;
    } else {
      impl::Retained(c, p, day, a.data());
    }
  };
  auto load_at = [&](const impl::StateT<double>& p, double day) {
    impl::Retained(c, p, day, a.data());
    double s = 0;
    for (double v : a) s += v;
    return s;
  };

  // Appearance table up to the largest load any draw reaches on the dates asked.
  size_t n_series = 0;
  const std::vector<int> days = ForecastDays(options, &n_series);
  double max_load = 0;
  for (const auto& d : draws) {
    max_load = std::max(max_load, load_at(d, std::min<double>(c.last_session_day(), days.front())));
    max_load = std::max(max_load, load_at(d, c.last_session_day()));
    for (int q : options.query_days) max_load = std::max(max_load, load_at(d, q));
  }
  Appearance look(c, *im.forecast_model, im.forecast_skin_model_lab);
  look.Tabulate(max_load * 1.02, options.table_nodes);
  r.tabulated = look.tabulated();
  const std::vector<Appearance> date_look = SeasonalLooks(prepared, days, max_load * 1.02, options.table_nodes);

  // Per draw: series values and the first trigger date.
  const size_t nt = options.triggers.size();
  // The monthly series and queries use the first `ns` draws (iid, so a random subset); the touch-up
  // dates use all of them.
  const int ns = options.series_draws > 0 ? std::min(nd, options.series_draws) : nd;
  std::vector<std::vector<double>> vals(days.size() * 4, std::vector<double>(static_cast<size_t>(ns)));
  std::vector<double> fire(static_cast<size_t>(nd)), ref_contrast(static_cast<size_t>(nd));
  std::vector<int> first_count(nt, 0);
  const double horizon = r.horizon_end_day;
  for (int di = 0; di < nd; ++di) {
    const auto& p = draws[static_cast<size_t>(di)];
    color::Lab lab, ref_lab;
    double con = 0, ref_con = 0;
    retained(p, ref_day);
    look.At(a.data(), &ref_lab, &ref_con);
    ref_contrast[static_cast<size_t>(di)] = ref_con;
    for (size_t t = 0; t < days.size() && di < ns; ++t) {
      retained(p, days[t]);
      (date_look.empty() ? look : date_look[t]).At(a.data(), &lab, &con);
      for (int k = 0; k < 3; ++k) vals[t * 4 + static_cast<size_t>(k)][static_cast<size_t>(di)] = lab[k];
      vals[t * 4 + 3][static_cast<size_t>(di)] = con;
    }
    // The triggers on one day (each monotone in time after the healed reference).
    auto firing_of = [&](const color::Lab& lab, double con) {
      Firing f;
      f.margin = -std::numeric_limits<double>::infinity();
      for (size_t t = 0; t < nt; ++t) {
        const Trigger& tr = options.triggers[t];
        const double m = tr.kind == TriggerKind::kContrastLoss
                             ? (1.0 - tr.threshold) * ref_con - con
                             : color::DeltaE00(lab, ref_lab) - (dark ? tr.dark_threshold : tr.threshold);
        if (m >= 0) f.mask |= 1u << t;
        f.margin = std::max(f.margin, m);
      }
      return f;
    };
    auto fired = [&](double day) {
      retained(p, day);
      look.At(a.data(), &lab, &con);
      return firing_of(lab, con);
    };
    // Without a seasonal skin the monthly series already holds this draw's dot on the trigger's
    // skin: it brackets the first firing to a month, and the root search refines inside it.
    auto fired_on_series = [&](size_t t) {
      const color::Lab l{vals[t * 4][static_cast<size_t>(di)], vals[t * 4 + 1][static_cast<size_t>(di)],
                         vals[t * 4 + 2][static_cast<size_t>(di)]};
      return firing_of(l, vals[t * 4 + 3][static_cast<size_t>(di)]);
    };
    unsigned mask = 0;
    const double when = FirstFiring(ref_day, horizon, days, date_look.empty() && di < ns ? n_series : 0, fired,
                                    fired_on_series, &mask);
    fire[static_cast<size_t>(di)] = when;
    for (size_t t = 0; t < nt; ++t)
      if (mask & (1u << t)) {
        ++first_count[t];
        break;
      }
  }

  RankTracker rank[4];
  const double visit_sd = std::max(priors.measurement_sigma_de00, fit.residual_de00);
  auto point = [&](size_t t) { return Point(days[t], &vals[t * 4], rank, visit_sd); };
  for (size_t t = 0; t < days.size(); ++t) (t < n_series ? r.series : r.queries).push_back(point(t));
  r.healed_contrast_de00 = Quantiles(ref_contrast);

  SummariseDates(fire, &r.touch_up);
  r.touch_up.overdue = r.touch_up.p50_day && *r.touch_up.p50_day < options.as_of_day;
  const auto best = std::max_element(first_count.begin(), first_count.end());
  if (*best > 0) r.touch_up.first_trigger = TriggerToString(options.triggers[static_cast<size_t>(best - first_count.begin())]);
  return r;
}

}  // namespace shadecast::fade
