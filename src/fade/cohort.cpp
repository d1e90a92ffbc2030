#include "fade/cohort.h"

#include <Eigen/Dense>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <thread>

#include "color/ciede2000.h"
#include "color/skin_tone.h"
#include "fade/cohort_parts.h"
#include "fade/date.h"
#include "fade/model_impl.h"
#include "optics/dot_model.h"
#include "optics/model.h"

namespace shadecast::fade {

std::string FamilyToString(Family f) {
  switch (f) {
    case Family::kDefault: return "default";
    case Family::kBiexp: return "biexp";
    case Family::kSeasonal: return "seasonal";
  }
  return "default";
}

Family FamilyFromString(const std::string& s) {
  if (s == "default") return Family::kDefault;
  if (s == "biexp") return Family::kBiexp;
  if (s == "seasonal") return Family::kSeasonal;
  throw std::invalid_argument("unknown family '" + s + "' (expected default, biexp or seasonal)");
}

bool CohortOptions::IsValid(std::string* why) const {
  auto fail = [&](const std::string& m) {
    if (why) *why = m;
    return false;
  };
  if (clients < 1 || clients > 1000000) return fail("clients must be within 1-1000000");
  if (!(noise_de00 >= 0 && noise_de00 < 20)) return fail("noise_de00 must be within 0-20");
  int d = 0;
  if (!TryParseDate(start_date, &d)) return fail("start_date must be YYYY-MM-DD");
  if (start_spread_days < 0) return fail("start_spread_days must be >= 0");
  if (!(visit_missing >= 0 && visit_missing < 1)) return fail("visit_missing must be within [0, 1)");
  if (!(truth_horizon_years > 0)) return fail("truth_horizon_years must be > 0");
  std::string w;
  if (!population.IsValid(&w)) return fail("population: " + w);
  return true;
}

namespace {

const optics::PigmentKS& Need(const std::vector<optics::PigmentKS>& lib, const std::string& id) {
  for (const auto& p : lib)
    if (p.id == id) return p;
  throw std::invalid_argument("synthetic cohort: the pigment library has no '" + id + "'");
}

using cohort_parts::SetLab;
using cohort_parts::SplitMix;

// Everything random about one synthetic client, before any optics.
struct Draw {
  optics::SkinParams skin;
  pb::ClientHistory history;  // sessions and covariates (no follow-ups yet)
  double z_rate = 0, z_heal = 0, z_cinf = 0, z_dep = 0;
  std::vector<int> visit_days;
  std::mt19937_64 rng;
};

Draw DrawClient(int index, const CohortOptions& o, const optics::ModelParams& params) {
  Draw d;
  d.rng.seed(SplitMix(o.seed * 0x100000001b3ull + static_cast<uint64_t>(index)));
  auto& rng = d.rng;
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  std::normal_distribution<double> n01;
  auto uni = [&](double a, double b) { return a + (b - a) * u01(rng); };
  d.skin.melanin = std::exp(uni(std::log(0.015), std::log(0.3)));
  d.skin.blood = std::exp(uni(std::log(0.006), std::log(0.02)));
  d.skin.scattering_scale = uni(1.0, 1.6);
  d.z_rate = n01(rng);
  d.z_heal = n01(rng);
  d.z_cinf = n01(rng);
  d.z_dep = n01(rng);

  char id[32];
  std::snprintf(id, sizeof id, "c%06d", index + 1);
  d.history.set_client_id(id);
  d.history.set_name(std::string("Synthetic client ") + id);
  auto* cov = d.history.mutable_covariates();
  const double uv = u01(rng);
  cov->set_uv_exposure(uv < 0.25 ? 0.0 : uv < 0.8 ? 1.0 : 2.0);
  cov->set_oily_scalp(u01(rng) < 0.3);
  cov->set_scarring(u01(rng) < 0.1);

  // Recipe: the SMP carbon-black ink with the warm neutralizer, shares in 5 % steps; the same mix every
  // session. (The draw that picked one of two artists' iron oxides is kept so seeds keep their clients.)
  const int black_parts = 16 + static_cast<int>(u01(rng) * 5);  // of 20
  (void)u01(rng);
  const int n_sessions = u01(rng) < 0.6 ? 2 : 3;
  int day = ParseDate(o.start_date, "start_date") + static_cast<int>(u01(rng) * o.start_spread_days);
  for (int s = 0; s < n_sessions; ++s) {
    if (s == 1) day += 14 + static_cast<int>(u01(rng) * 22);
    if (s == 2) day += 28 + static_cast<int>(u01(rng) * 29);
    const double load = s < 2 ? uni(0.10, 0.16) : uni(0.04, 0.08);
    cohort_parts::AddSmpSession(&d.history, day, load, black_parts, params, "session " + std::to_string(s + 1));
  }
  const int first = ParseDate(d.history.sessions(0).date(), "date");
  const int healed = day + 28 + static_cast<int>(u01(rng) * 22);
  d.visit_days.push_back(healed);
  for (double m : o.visit_months) {
    const int v = first + static_cast<int>(std::lround(m * kDaysPerYear / 12 + uni(-10, 10)));
    const bool missed = u01(rng) < o.visit_missing;
    if (v > d.visit_days.back() + 14 && !missed) d.visit_days.push_back(v);
  }
  return d;
}

// True retained amounts per pigment on `day` for the family.
void TruthRetained(const ClientData& c, const FadeState& s, const CohortOptions& o, double day, double* out) {
  const auto p = impl::StateT<double>::FromState(s);
  if (o.family != Family::kBiexp) {
    impl::Retained(c, p, day, out);
    return;
  }
  const size_t n = c.pigments.size();
  for (size_t i = 0; i < n; ++i) out[i] = 0;
  for (const auto& ss : c.sessions) {
    if (ss.day > day) break;
    const double dt = day - ss.day, years = dt / kDaysPerYear;
    const double h = 1 - p.f_h * (1 - std::exp(-dt / p.tau_h));
    for (size_t i = 0; i < n; ++i) {
      const double kt = c.rate_multiplier[i] * p.k * years;
      const double decay = o.biexp_fast_share * std::exp(-o.biexp_fast * kt) +
                           (1 - o.biexp_fast_share) * std::exp(-o.biexp_slow * kt);
      out[i] += p.scale * ss.deposit[i] * h * (p.c_inf + (1 - p.c_inf) * decay);
    }
  }
}

std::optional<int> TruthTouchUp(const ClientData& c, const FadeState& s, const CohortOptions& o,
                                const optics::DotModel& baseline) {
  const color::Lab skin = optics::ReflectanceToLab(baseline.skin_reflectance());
  std::vector<double> a(c.pigments.size());
  const int n = static_cast<int>(c.pigments.size());
  auto contrast = [&](double day) {
    TruthRetained(c, s, o, day, a.data());
    return color::DeltaE00(baseline.Lab(a.data(), c.pigments.data(), n), skin);
  };
  const double ref_day = c.last_session_day() + o.population.settle_days;
  const double limit = (1.0 - 0.45) * contrast(ref_day);
  auto fired = [&](double day) { return contrast(day) <= limit; };
  const double end = c.last_session_day() + o.truth_horizon_years * kDaysPerYear;
  if (fired(ref_day)) return static_cast<int>(ref_day);
  if (!fired(end)) return std::nullopt;
  double lo = ref_day, hi = end;
  while (hi - lo > 0.5) {
    const double mid = 0.5 * (lo + hi);
    (fired(mid) ? hi : lo) = mid;
  }
  return static_cast<int>(std::ceil(hi));
}

FadeState TrueState(const Draw& d, const CohortOptions& o, double log_rate_mean) {
  const FadePriors& p = o.population;
  FadeState s;
  s.rate_per_year = std::exp(log_rate_mean + p.log_rate_sd * d.z_rate);
  s.healing_loss = impl::Sigmoid(impl::Logit(p.healing_loss) + p.healing_loss_logit_sd * d.z_heal);
  s.c_inf = impl::Sigmoid(impl::Logit(p.c_inf) + p.c_inf_logit_sd * d.z_cinf);
  s.deposit_scale = std::exp(p.deposit_log_mean + p.deposit_log_sd * d.z_dep);
  return s;
}

}  // namespace

std::vector<TruthClient> GenerateCohort(const CohortOptions& o, const std::vector<optics::PigmentKS>& library,
                                        const optics::ModelParams& params) {
  std::string why;
  if (!o.IsValid(&why)) throw std::invalid_argument("cohort options: " + why);
  Need(library, "smp_carbon_black");
  Need(library, "smp_warm_neutralizer");
  std::vector<TruthClient> out;
  out.reserve(static_cast<size_t>(o.clients));
  for (int i = 0; i < o.clients; ++i) {
    Draw d = DrawClient(i, o, params);
    const optics::DotModel baseline(d.skin, params);
    const color::Lab base_skin = optics::ReflectanceToLab(baseline.skin_reflectance());
    d.history.mutable_covariates()->set_ita_deg(std::round(color::ItaDeg(color::D50ToD65Lab(base_skin)) * 10) / 10);
    TruthClient t;
    t.skin = d.skin;
    // Build once without follow-ups to get the sessions and covariates as the fitter sees them.
    pb::ClientHistory h = d.history;
    SetLab(h.mutable_skin_lab(), base_skin);
    const ClientData cd = BuildClient(h, library, o.population, params);
    t.log_rate_mean = o.population.LogRateMean(cd.covariates);
    t.state = TrueState(d, o, t.log_rate_mean);
    std::normal_distribution<double> noise(0.0, o.noise_de00 / std::sqrt(3.0));
    std::vector<double> a(cd.pigments.size());
    for (int day : d.visit_days) {
      optics::SkinParams sk = d.skin;
      if (o.family == Family::kSeasonal) {
        const double amp = o.seasonal_amplitude + o.seasonal_uv_amplitude * cd.covariates.uv_exposure;
        sk.melanin *= std::exp(amp * std::sin(2 * M_PI * (DayOfYear(day) - 115) / kDaysPerYear));
      }
      const optics::DotModel model(sk, params);
      TruthRetained(cd, t.state, o, day, a.data());
      TruthVisit v{day, model.Lab(a.data(), cd.pigments.data(), static_cast<int>(a.size())),
                   optics::ReflectanceToLab(model.skin_reflectance())};
      auto* f = h.add_follow_ups();
      f->set_date(FormatDate(day));
      color::Lab nd = v.dot, ns = v.skin;
      for (int k = 0; k < 3; ++k) {
        nd[k] += noise(d.rng);
        ns[k] += noise(d.rng);
      }
      SetLab(f->mutable_dot_lab(), nd);
      SetLab(f->mutable_skin_lab(), ns);
      t.visits.push_back(v);
    }
    // The consultation's skin measurement, noisy like the rest.
    color::Lab s0 = base_skin;
    for (int k = 0; k < 3; ++k) s0[k] += noise(d.rng);
    SetLab(h.mutable_skin_lab(), s0);
    t.touch_up_day = TruthTouchUp(cd, t.state, o, baseline);
    t.history = std::move(h);
    out.push_back(std::move(t));
  }
  return out;
}

RateCalibration CalibrateRate(const CohortOptions& options, const std::vector<optics::PigmentKS>& library,
                              const optics::ModelParams& params, double target_years) {
  std::string why;
  if (!options.IsValid(&why)) throw std::invalid_argument("cohort options: " + why);
  CohortOptions o = options;
  struct Client {
    Draw d;
    ClientData cd;
    std::unique_ptr<optics::DotModel> model;
    double log_mean_offset;  // log-mean minus log(rate_per_year)
  };
  std::vector<Client> cs;
  for (int i = 0; i < o.clients; ++i) {
    Draw d = DrawClient(i, o, params);
    auto model = std::make_unique<optics::DotModel>(d.skin, params);
    const color::Lab skin = optics::ReflectanceToLab(model->skin_reflectance());
    d.history.mutable_covariates()->set_ita_deg(color::ItaDeg(color::D50ToD65Lab(skin)));
    pb::ClientHistory h = d.history;
    SetLab(h.mutable_skin_lab(), skin);
    ClientData cd = BuildClient(h, library, o.population, params);
    const double off = o.population.LogRateMean(cd.covariates) - std::log(o.population.rate_per_year);
    cs.push_back({std::move(d), std::move(cd), std::move(model), off});
  }
  RateCalibration r;
  r.clients = o.clients;
  std::vector<double> years(cs.size());
  for (int it = 0; it < 12; ++it) {
    for (size_t i = 0; i < cs.size(); ++i) {
      const FadeState s = TrueState(cs[i].d, o, std::log(o.population.rate_per_year) + cs[i].log_mean_offset);
      const auto day = TruthTouchUp(cs[i].cd, s, o, *cs[i].model);
      years[i] = day ? (*day - cs[i].cd.last_session_day()) / kDaysPerYear : std::numeric_limits<double>::infinity();
    }
    std::vector<double> y = years;
    std::sort(y.begin(), y.end());
    auto q = [&](double p) { return y[static_cast<size_t>(std::lround(p * double(y.size() - 1)))]; };
    r.rate_per_year = o.population.rate_per_year;
    r.median_years = q(0.5);
    r.p10_years = q(0.1);
    r.p90_years = q(0.9);
    r.p_never = double(std::count_if(y.begin(), y.end(), [](double v) { return std::isinf(v); })) / double(y.size());
    r.iterations = it + 1;
    if (!std::isfinite(r.median_years)) {
      o.population.rate_per_year *= 2;
      continue;
    }
    if (std::abs(r.median_years - target_years) < 0.005) break;
    o.population.rate_per_year *= r.median_years / target_years;  // time ~ 1 / k
  }
  return r;
}

bool CohortFitOptions::IsValid(std::string* why) const {
  if (iterations < 1 || threads < 1 || !(min_sd > 0)) {
    if (why) *why = "iterations and threads must be >= 1, min_sd > 0";
    return false;
  }
  return fit.IsValid(why);
}

CohortFitResult FitCohort(const std::vector<const PreparedClient*>& clients, const FadePriors& start,
                          const CohortFitOptions& options) {
  std::string why;
  if (!options.IsValid(&why)) throw std::invalid_argument("cohort fit options: " + why);
  if (clients.empty()) throw std::invalid_argument("cohort fit: no clients");
  CohortFitResult r;
  r.priors = start;
  r.clients = static_cast<int>(clients.size());
  const size_t n = clients.size();
  r.fits.resize(n);
  auto design = [](const Covariates& c) {
    Eigen::Matrix<double, 6, 1> x;
    x << 1.0, c.uv_exposure - 1.0, (c.ita_deg - 30.0) / 10.0, c.oily_scalp ? 1.0 : 0.0, c.scarring ? 1.0 : 0.0,
        c.dilution;
    return x;
  };
  for (int it = 0; it < options.iterations; ++it) {
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i = next++; i < n; i = next++) r.fits[i] = FitClient(*clients[i], r.priors, options.fit);
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < options.threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();

    FadePriors& p = r.priors;
    // log k: ridge regression of the posterior means on the covariates (the intercept free, the
    // coefficients pulled weakly toward their current values), spread from residuals + posterior
    // variances.
    Eigen::Matrix<double, 6, 6> xtx = Eigen::Matrix<double, 6, 6>::Zero();
    Eigen::Matrix<double, 6, 1> xty = Eigen::Matrix<double, 6, 1>::Zero();
    for (size_t i = 0; i < n; ++i) {
      const auto x = design(clients[i]->client().covariates);
      xtx += x * x.transpose();
      xty += x * r.fits[i].theta[0];
    }
    Eigen::Matrix<double, 6, 1> prev;
    prev << std::log(p.rate_per_year), p.uv_coef, p.ita_coef_per_10deg, p.oily_coef, p.scarring_coef, p.dilution_coef;
    const double lambda = 1.0;
    for (int k = 1; k < 6; ++k) {
      xtx(k, k) += lambda;
      xty(k) += lambda * prev(k);
    }
    const Eigen::Matrix<double, 6, 1> beta = xtx.ldlt().solve(xty);
    double ss = 0;
    for (size_t i = 0; i < n; ++i) {
      const double e = r.fits[i].theta[0] - design(clients[i]->client().covariates).dot(beta);
      ss += e * e + r.fits[i].covariance[0];
    }
    p.rate_per_year = std::exp(beta(0));
    p.uv_coef = beta(1);
    p.ita_coef_per_10deg = beta(2);
    p.oily_coef = beta(3);
    p.scarring_coef = beta(4);
    p.dilution_coef = beta(5);
    p.log_rate_sd = std::max(options.min_sd, std::sqrt(ss / double(n)));
    // Three more: mean and spread of the posterior means plus posterior variances (the stretch
    // shape and the early-loss time keep their priors: a year of follow-ups says little about them).
    auto moments = [&](int k, double* mean, double* sd) {
      double m = 0;
      for (const auto& f : r.fits) m += f.theta[static_cast<size_t>(k)];
      m /= double(n);
      double v = 0;
      for (const auto& f : r.fits) {
        const double e = f.theta[static_cast<size_t>(k)] - m;
        v += e * e + f.covariance[static_cast<size_t>(k * (kFadeParams + 1))];
      }
      *mean = m;
      *sd = std::max(options.min_sd, std::sqrt(v / double(n)));
    };
    double m = 0;
    moments(1, &m, &p.healing_loss_logit_sd);
    p.healing_loss = impl::Sigmoid(m);
    moments(2, &m, &p.c_inf_logit_sd);
    p.c_inf = impl::Sigmoid(m);
    moments(3, &p.deposit_log_mean, &p.deposit_log_sd);
  }
  r.not_converged = static_cast<int>(std::count_if(r.fits.begin(), r.fits.end(), [](const FitResult& f) { return !f.converged; }));
  std::vector<double> med;
  for (const auto* c : clients) med.push_back(std::exp(r.priors.LogRateMean(c->client().covariates)));
  std::nth_element(med.begin(), med.begin() + static_cast<std::ptrdiff_t>(med.size() / 2), med.end());
  r.population_median_rate = med[med.size() / 2];
  r.priors.cohort_clients = r.clients;
  r.priors.cohort_iterations = options.iterations;
  r.priors.source = "shadecast fade fit-cohort: " + std::to_string(r.clients) + " clients, " +
                    std::to_string(options.iterations) + " EM iterations";
  return r;
}

}  // namespace shadecast::fade
