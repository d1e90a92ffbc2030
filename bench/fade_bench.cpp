// Fade model figures (issue 8; docs/benchmarks.md). Modes:
//   fade_bench calibrate [CLIENTS]            long-term rate for a 4-year median to the default trigger
//   fade_bench accuracy FAMILY [CLIENTS] [DRAWS]  fit <= 12 months, predict 24-48 months; coverage; Brier
//   fade_bench cohort [CLIENTS]               prior recovery by fade fit-cohort's EM
//   fade_bench timing [CLIENTS] [DRAWS] [THREADS] [default|misspec]  fit + forecast of every client (all follow-ups)
//   fade_bench series [CLIENTS]                bands and cost against the draws behind the monthly series
//   fade_bench misspec tune|holdout [CLIENTS] [DRAWS] [SEED] [FIT_MONTHS]  issue 19's acceptance
//                                             figures on the misspecified generator (fit 12 months by
//                                             default, truth to 8 y; SEED -1 = the preset's)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "blend/pigment_ks.h"
#include "color/ciede2000.h"
#include "fade/cohort.h"
#include "fade/date.h"
#include "fade/pipeline.h"
#include "store/pigment_library.h"

namespace fd = shadecast::fade;
namespace op = shadecast::optics;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<op::PigmentKS> Library() {
  std::vector<op::PigmentKS> out;
  const auto proto = shadecast::store::LoadDefaultPigmentLibrary();
  for (const auto& p : proto.pigments())
    out.push_back(shadecast::blend::PigmentKsFromProto(p));
  return out;
}

// The default priors, with the issue-19 prior knobs overridable from the environment for
// calibration sweeps (FADE_BETA_SD, FADE_TAU_LOG_SD, FADE_C_INF, FADE_C_INF_LOGIT_SD, FADE_MISFIT_INFLATION).
fd::FadePriors BenchPriors() {
  fd::FadePriors p;
  auto env = [](const char* name, double* v) {
    if (const char* e = std::getenv(name)) *v = std::atof(e);
  };
  env("FADE_BETA", &p.beta);
  env("FADE_BETA_SD", &p.beta_sd);
  env("FADE_TAU_DAYS", &p.healing_tau_days);
  env("FADE_TAU_LOG_SD", &p.healing_tau_log_sd);
  env("FADE_C_INF", &p.c_inf);
  env("FADE_C_INF_LOGIT_SD", &p.c_inf_logit_sd);
  env("FADE_MISFIT_INFLATION", &p.misfit_inflation);
  env("FADE_LOG_RATE_SD", &p.log_rate_sd);
  return p;
}

template <typename F>
void Parallel(size_t n, int threads, F f) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) f(i);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? NAN : v[v.size() / 2];
}
double Quant(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? NAN : v[static_cast<size_t>(std::lround(p * double(v.size() - 1)))];
}

int Calibrate(int clients) {
  const auto lib = Library();
  fd::CohortOptions o;
  o.clients = clients;
  o.seed = 1;
  const auto t0 = Clock::now();
  const fd::RateCalibration r = fd::CalibrateRate(o, lib, op::ModelParams{}, 4.0);
  std::printf("calibrate: %d synthetic clients (fade/cohort.h population, seed 1), default trigger contrast:0.45\n",
              r.clients);
  std::printf("  rate_per_year %.4f after %d iterations (start %.3f)\n", r.rate_per_year, r.iterations,
              o.population.rate_per_year);
  std::printf("  time from the last session to the trigger: median %.2f y, 10-90 %% %.2f-%.2f y, never within %.0f y: %.1f %%\n",
              r.median_years, r.p10_years, r.p90_years, o.truth_horizon_years, 100 * r.p_never);
  std::printf("  %.1f s\n", std::chrono::duration<double>(Clock::now() - t0).count());
  return 0;
}

int Accuracy(const std::string& family, int clients, int draws) {
  const auto lib = Library();
  fd::CohortOptions o;
  o.clients = clients;
  o.seed = 2024;
  o.noise_de00 = 0.6;
  o.family = fd::FamilyFromString(family);
  const op::ModelParams params;
  const fd::FadePriors priors = BenchPriors();
  const auto t0 = Clock::now();
  const auto cohort = fd::GenerateCohort(o, lib, params);
  const double gen_s = std::chrono::duration<double>(Clock::now() - t0).count();
  struct Out {
    std::vector<double> de;
    std::optional<fd::ForecastResult> r;
    std::string error;
  };
  std::vector<Out> outs(cohort.size());
  const auto t1 = Clock::now();
  Parallel(cohort.size(), 2, [&](size_t i) {
    const auto& t = cohort[i];
    const int first = fd::ParseDate(t.history.sessions(0).date(), "d");
    fd::PipelineOptions po;
    po.fit_until_months = 12;
    po.forecast.as_of_day = first + static_cast<int>(std::lround(12 * fd::kDaysPerYear / 12));
    po.forecast.years = 8;
    po.forecast.draws = draws;
    po.forecast.seed = 7;
    std::vector<size_t> idx;
    for (size_t v = 0; v < t.visits.size(); ++v) {
      const double months = (t.visits[v].day - first) / (fd::kDaysPerYear / 12);
      if (months >= 24 - 0.5 && months <= 48 + 0.5) {
        idx.push_back(v);
        po.forecast.query_days.push_back(t.visits[v].day);
      }
    }
    try {
      outs[i].r = fd::ForecastHistory(t.history, lib, priors, params, po);
      for (size_t q = 0; q < idx.size(); ++q)
        outs[i].de.push_back(shadecast::color::DeltaE00(outs[i].r->queries[q].dot.p50, t.visits[idx[q]].dot));
    } catch (const std::exception& e) {
      outs[i].error = e.what();
    }
  });
  const double fit_s = std::chrono::duration<double>(Clock::now() - t1).count();
  std::vector<double> de, client_med;
  int in_h = 0, covered = 0, failed = 0, not_conv = 0;
  double brier = 0;
  int nb = 0;
  const double edges[] = {0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0000001};
  int bin_n[6] = {}, bin_obs[6] = {};
  double bin_p[6] = {};
  for (size_t i = 0; i < cohort.size(); ++i) {
    if (!outs[i].r) {
      ++failed;
      std::fprintf(stderr, "failed %s: %s\n", cohort[i].history.client_id().c_str(), outs[i].error.c_str());
      continue;
    }
    const auto& r = *outs[i].r;
    not_conv += r.fit.converged ? 0 : 1;
    de.insert(de.end(), outs[i].de.begin(), outs[i].de.end());
    const auto& truth = cohort[i].touch_up_day;
    const bool fires = truth && *truth <= r.horizon_end_day;
    if (fires) {
      ++in_h;
      const bool lo = r.touch_up.p10_day && *r.touch_up.p10_day <= *truth;
      const bool hi = !r.touch_up.p90_day || *truth <= *r.touch_up.p90_day;
      covered += lo && hi;
    }
    const double p = r.touch_up.p_none_within_horizon, y = fires ? 0.0 : 1.0;
    brier += (p - y) * (p - y);
    ++nb;
    for (int b = 0; b < 6; ++b)
      if (p >= edges[b] && p < edges[b + 1]) {
        ++bin_n[b];
        bin_p[b] += p;
        bin_obs[b] += fires ? 0 : 1;
      }
  }
  std::printf("accuracy: family %s, %d clients (seed %llu), noise %.1f dE00, fit <= 12 months, %d draws, horizon 8 y from month 12\n",
              family.c_str(), clients, static_cast<unsigned long long>(o.seed), o.noise_de00, draws);
  std::printf("  generate %.1f s, fit + forecast %.1f s on 2 threads; %d failed, %d fits not converged\n", gen_s, fit_s,
              failed, not_conv);
  std::printf("  24-48 month visits: %zu; dE00 forecast median vs noise-free truth: median %.3f, p75 %.3f, p90 %.3f\n",
              de.size(), Median(de), Quant(de, 0.75), Quant(de, 0.9));
  std::printf("  true trigger within the horizon: %d clients; 10-90 %% interval contains it: %d = %.1f %%\n", in_h,
              covered, in_h ? 100.0 * covered / in_h : 0.0);
  std::printf("  P(no touch-up within the horizon): Brier %.4f over %d clients (climatology %.4f)\n", brier / nb, nb,
              [&] {
                const double base = double(nb - in_h) / nb;
                return base * (1 - base);
              }());
  std::printf("  reliability: | predicted bin | clients | mean predicted | observed no-touch-up |\n");
  for (int b = 0; b < 6; ++b)
    if (bin_n[b] > 0)
      std::printf("  | %.1f-%.1f | %d | %.3f | %.3f |\n", edges[b], std::min(1.0, edges[b + 1]), bin_n[b], bin_p[b] / bin_n[b],
                  double(bin_obs[b]) / bin_n[b]);
  return 0;
}

int Cohort(int clients) {
  const auto lib = Library();
  fd::CohortOptions o;
  o.clients = clients;
  o.seed = 99;
  o.noise_de00 = 0.6;
  const op::ModelParams params;
  const auto cohort = fd::GenerateCohort(o, lib, params);
  std::vector<fd::ClientData> cds;
  for (const auto& t : cohort) cds.push_back(fd::BuildClient(t.history, lib, o.population, params));
  std::vector<std::unique_ptr<fd::PreparedClient>> prep(cds.size());
  Parallel(cds.size(), 2, [&](size_t i) { prep[i] = std::make_unique<fd::PreparedClient>(cds[i]); });
  std::vector<const fd::PreparedClient*> ptrs;
  for (const auto& p : prep) ptrs.push_back(p.get());
  fd::FadePriors start;
  start.rate_per_year *= 0.5;  // start wrong on purpose
  start.log_rate_sd = 0.8;
  start.c_inf = 0.3;
  fd::CohortFitOptions co;
  co.iterations = 6;
  const auto t0 = Clock::now();
  const auto r = fd::FitCohort(ptrs, start, co);
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<double> true_k, true_med;
  for (size_t i = 0; i < cohort.size(); ++i) {
    true_k.push_back(cohort[i].state.rate_per_year);
    true_med.push_back(std::exp(cohort[i].log_rate_mean));
  }
  const double tm = Median(true_med);
  std::printf("cohort: %d clients (seed 99, default family, noise 0.6, follow-ups to 48 months), EM %d iterations from rate %.3f, %.1f s\n",
              clients, co.iterations, start.rate_per_year, s);
  std::printf("  population median rate (median over clients of the prior median k): estimated %.4f, truth %.4f -> %+.1f %%\n",
              r.population_median_rate, tm, 100 * (r.population_median_rate / tm - 1));
  std::printf("  reference-covariate rate_per_year: estimated %.4f, truth %.4f -> %+.1f %%; sample median of true k %.4f\n",
              r.priors.rate_per_year, o.population.rate_per_year, 100 * (r.priors.rate_per_year / o.population.rate_per_year - 1),
              Median(true_k));
  std::printf("  log_rate_sd %.3f (truth %.3f), healing_loss %.3f (%.3f), c_inf %.3f (%.3f), deposit log mean %.3f sd %.3f (0, %.3f)\n",
              r.priors.log_rate_sd, o.population.log_rate_sd, r.priors.healing_loss, o.population.healing_loss, r.priors.c_inf,
              o.population.c_inf, r.priors.deposit_log_mean, r.priors.deposit_log_sd, o.population.deposit_log_sd);
  std::printf("  covariates uv %.3f (%.3f) ita/10deg %.3f (%.3f) oily %.3f (%.3f) scarring %.3f (%.3f) dilution %.3f (%.3f); %d not converged\n",
              r.priors.uv_coef, o.population.uv_coef, r.priors.ita_coef_per_10deg, o.population.ita_coef_per_10deg,
              r.priors.oily_coef, o.population.oily_coef, r.priors.scarring_coef, o.population.scarring_coef,
              r.priors.dilution_coef, o.population.dilution_coef, r.not_converged);
  return 0;
}

int Timing(int clients, int draws, int threads, const std::string& which) {
  const auto lib = Library();
  const op::ModelParams params;
  std::vector<fd::TruthClient> cohort;
  if (which == "misspec") {
    auto mo = fd::MisspecOptions::Preset(fd::MisspecVariant::kHoldout);
    mo.clients = clients;
    for (auto& m : fd::GenerateMisspecifiedCohort(mo, lib, params)) cohort.push_back(std::move(m.client));
  } else {
    fd::CohortOptions o;
    o.clients = clients;
    o.seed = 5;
    cohort = fd::GenerateCohort(o, lib, params);
  }
  const fd::FadePriors priors;
  fd::PipelineOptions po;
  po.forecast.as_of_day = fd::ParseDate("2026-01-15", "as-of");
  po.forecast.draws = draws;
  std::atomic<int> fails{0};
  const auto t0 = Clock::now();
  const std::clock_t c0 = std::clock();
  Parallel(cohort.size(), threads, [&](size_t i) {
    try {
      fd::ForecastHistory(cohort[i].history, lib, priors, params, po);
    } catch (const std::exception&) {
      ++fails;
    }
  });
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = double(std::clock() - c0) / CLOCKS_PER_SEC;
  std::printf("timing: %d %s clients (all follow-ups, mean %.1f each), %d draws, 8-year monthly series, %d threads: %.1f s wall, %.1f s CPU (%.2f ms CPU per client), %d failed\n",
              clients, which.c_str(), [&] {
                double s = 0;
                for (const auto& t : cohort) s += t.history.follow_ups_size();
                return s / clients;
              }(),
              draws, threads, wall, cpu, 1000 * cpu / clients, fails.load());
  return 0;
}


struct MisspecOut {
  std::optional<fd::ForecastResult> r, prior;
  std::vector<double> de, de_nochange;  // at 24, 36, 48 months
  std::string error;
  int flagged_outliers = 0, true_outlier_flagged = 0;
};

MisspecOut RunMisspecClient(const fd::MisspecTruth& t, const std::vector<op::PigmentKS>& lib, int draws, int fit_months) {
  MisspecOut out;
  const op::ModelParams params;
  const fd::FadePriors priors = BenchPriors();
  const int first = fd::ParseDate(t.client.history.sessions(0).date(), "d");
  fd::PipelineOptions po;
  po.fit_until_months = fit_months;
  po.forecast.as_of_day = first + static_cast<int>(std::lround(fit_months * fd::kDaysPerYear / 12));
  po.forecast.years = 8;
  po.forecast.draws = draws;
  po.forecast.seed = 7;
  for (int m : {24, 36, 48}) po.forecast.query_days.push_back(first + static_cast<int>(std::lround(m * fd::kDaysPerYear / 12)));
  try {
    out.r = fd::ForecastHistory(t.client.history, lib, priors, params, po);
    shadecast::pb::ClientHistory bare = t.client.history;
    bare.clear_follow_ups();
    out.prior = fd::ForecastHistory(bare, lib, priors, params, po);
    // No change: the last follow-up inside the fit window, as measured.
    const shadecast::color::Lab* last = nullptr;
    shadecast::color::Lab lab;
    for (const auto& f : t.client.history.follow_ups())
      if (fd::ParseDate(f.date(), "d") <= po.forecast.as_of_day) {
        lab = {f.dot_lab().l(), f.dot_lab().a(), f.dot_lab().b()};
        last = &lab;
      }
    for (size_t q = 0; q < po.forecast.query_days.size(); ++q) {
      const auto truth = t.DotOn(po.forecast.query_days[q]);
      out.de.push_back(shadecast::color::DeltaE00(out.r->queries[q].dot.p50, truth));
      out.de_nochange.push_back(last ? shadecast::color::DeltaE00(*last, truth) : NAN);
    }
    out.flagged_outliers = static_cast<int>(out.r->fit.outlier_days.size());
    for (int d : out.r->fit.outlier_days) out.true_outlier_flagged += t.has_outlier && d == t.outlier_day;
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

struct Cover {
  int n = 0, in = 0;
  void Add(bool c) {
    ++n;
    in += c;
  }
  std::string Str() const {
    char b[64];
    std::snprintf(b, sizeof b, "%d / %d = %.1f %%", in, n, n ? 100.0 * in / n : 0.0);
    return b;
  }
};

int Misspec(const std::string& variant, int clients, int draws, long seed, int fit_months) {
  const auto lib = Library();
  auto o = fd::MisspecOptions::Preset(fd::MisspecVariantFromString(variant));
  o.clients = clients;
  if (seed >= 0) o.seed = static_cast<uint64_t>(seed);
  const auto t0 = Clock::now();
  const auto cohort = fd::GenerateMisspecifiedCohort(o, lib, op::ModelParams{});
  const double gen_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<MisspecOut> outs(cohort.size());
  const auto t1 = Clock::now();
  Parallel(cohort.size(), 2, [&](size_t i) { outs[i] = RunMisspecClient(cohort[i], lib, draws, fit_months); });
  const double fit_s = std::chrono::duration<double>(Clock::now() - t1).count();
  Cover all, early, late, sun;
  std::vector<double> err, err_prior, de[3], de_nc[3];
  int beyond = 0, within = 0, failed = 0, pred_over = 0, true_over = 0, tp_over = 0, misfit = 0, warned_over = 0;
  int outliers = 0, outliers_in_window = 0, outliers_flagged = 0, flags = 0;
  for (size_t i = 0; i < cohort.size(); ++i) {
    const auto& t = cohort[i];
    if (!outs[i].r) {
      ++failed;
      std::fprintf(stderr, "failed %s: %s\n", t.client.history.client_id().c_str(), outs[i].error.c_str());
      continue;
    }
    const auto& r = *outs[i].r;
    const auto& tu = r.touch_up;
    for (int q = 0; q < 3; ++q) {
      de[q].push_back(outs[i].de[static_cast<size_t>(q)]);
      if (std::isfinite(outs[i].de_nochange[static_cast<size_t>(q)])) de_nc[q].push_back(outs[i].de_nochange[static_cast<size_t>(q)]);
    }
    misfit += r.fit.explains_visits ? 0 : 1;
    flags += outs[i].flagged_outliers;
    outliers_flagged += outs[i].true_outlier_flagged;
    if (t.has_outlier) {
      ++outliers;
      outliers_in_window += t.outlier_day <= r.as_of_day;
    }
    const bool over = tu.overdue;
    const auto& truth = t.client.touch_up_day;
    const bool truly_over = truth && *truth < r.as_of_day;
    pred_over += over;
    true_over += truly_over;
    tp_over += over && truly_over;
    warned_over += over && !r.fit.explains_visits;
    if (!truth || *truth > r.horizon_end_day) continue;
    ++within;
    const bool c = tu.p10_day && *tu.p10_day <= *truth && (!tu.p90_day || *truth <= *tu.p90_day);
    all.Add(c);
    const double years = (*truth - r.last_session_day) / fd::kDaysPerYear;
    if (years < 1.5) early.Add(c);
    if (years > 5) late.Add(c);
    if (t.sun_heavy) sun.Add(c);
    beyond += tu.p50_day ? 0 : 1;
    err.push_back(std::abs((tu.p50_day ? *tu.p50_day : r.horizon_end_day) - *truth) / 30.4375);
    const auto& pt = outs[i].prior->touch_up;
    err_prior.push_back(std::abs((pt.p50_day ? *pt.p50_day : r.horizon_end_day) - *truth) / 30.4375);
  }
  std::printf("misspec: variant %s, %d clients (seed %llu), fit <= %d months, %d draws, horizon 8 y from month %d\n", variant.c_str(),
              clients, static_cast<unsigned long long>(o.seed), fit_months, draws, fit_months);
  std::printf("  generate %.1f s, fit + forecast (and a prior-only forecast each) %.1f s on 2 threads; %d failed\n", gen_s, fit_s, failed);
  std::printf("  true touch-up within the horizon: %d; inside the 10-90 %% interval: %s\n", within, all.Str().c_str());
  std::printf("    truly due < 1.5 y after the last session: %s; > 5 y: %s; sun-heavy: %s\n", early.Str().c_str(), late.Str().c_str(),
              sun.Str().c_str());
  std::printf("  median |date error| %.1f months (population-prior date %.1f months); forecast 'beyond the horizon' %d = %.1f %%\n",
              Median(err), Median(err_prior), beyond, within ? 100.0 * beyond / within : 0.0);
  for (int q = 0; q < 3; ++q)
    std::printf("  %d months: dot dE00 median %.2f (no change %.2f), p90 %.2f (%.2f)\n", 24 + 12 * q, Median(de[q]), Median(de_nc[q]),
                Quant(de[q], 0.9), Quant(de_nc[q], 0.9));
  std::printf("  OVERDUE: %d flagged, %d truly overdue, %d both: precision %.1f %%, recall %.1f %%; %d of the flagged with the misfit warning\n",
              pred_over, true_over, tp_over, pred_over ? 100.0 * tp_over / pred_over : 0.0, true_over ? 100.0 * tp_over / true_over : 0.0,
              warned_over);
  std::printf("  fit check: %d clients not explained by the model; outlier visits flagged %d, of the %d true bad-light visits in the window %d flagged\n",
              misfit, flags, outliers_in_window, outliers_flagged);
  return 0;
}

// Band accuracy and cost against the number of draws behind the monthly series (issue 19 speed):
// the 10/90 % points of L* and of the contrast at every series date, against a 16,000-draw run.
int SeriesDraws(int clients) {
  const auto lib = Library();
  fd::CohortOptions o;
  o.clients = clients;
  o.seed = 5;
  const op::ModelParams params;
  const auto cohort = fd::GenerateCohort(o, lib, params);
  const fd::FadePriors priors;
  auto run = [&](int draws, int series, std::vector<fd::ForecastResult>* out) {
    out->resize(cohort.size());
    fd::PipelineOptions po;
    po.forecast.as_of_day = fd::ParseDate("2026-01-15", "as-of");
    po.forecast.draws = draws;
    po.forecast.series_draws = series;
    const std::clock_t c0 = std::clock();
    Parallel(cohort.size(), 2, [&](size_t i) { (*out)[i] = fd::ForecastHistory(cohort[i].history, lib, priors, params, po); });
    return 1000.0 * double(std::clock() - c0) / CLOCKS_PER_SEC / double(cohort.size());
  };
  std::vector<fd::ForecastResult> ref, got;
  run(16000, 0, &ref);
  std::printf("series draws: %d clients (default family, all follow-ups, seed 5), bands vs a 16,000-draw run\n", clients);
  std::printf("| draws | series draws | CPU ms per client | L* p10/p90 error median (p90) | contrast p10/p90 error median (p90) | touch-up p10/p50/p90 error days, median |\n");
  for (auto [draws, series] : {std::pair{1000, 0}, {1000, 500}, {1000, 250}, {2000, 0}, {2000, 500}}) {
    const double ms = run(draws, series, &got);
    std::vector<double> el, ec, ed;
    for (size_t i = 0; i < got.size(); ++i) {
      for (size_t t = 0; t < got[i].series.size(); ++t) {
        const auto &g = got[i].series[t], &r = ref[i].series[t];
        el.push_back(std::abs(g.dot.p10[0] - r.dot.p10[0]));
        el.push_back(std::abs(g.dot.p90[0] - r.dot.p90[0]));
        ec.push_back(std::abs(g.contrast_de00.p10 - r.contrast_de00.p10));
        ec.push_back(std::abs(g.contrast_de00.p90 - r.contrast_de00.p90));
      }
      const auto &gt = got[i].touch_up, &rt = ref[i].touch_up;
      for (auto [a, b] : {std::pair{gt.p10_day, rt.p10_day}, {gt.p50_day, rt.p50_day}, {gt.p90_day, rt.p90_day}})
        if (a && b) ed.push_back(std::abs(*a - *b));
    }
    std::printf("| %d | %s | %.2f | %.3f (%.3f) | %.3f (%.3f) | %.0f |\n", draws, series ? std::to_string(series).c_str() : "all", ms,
                Median(el), Quant(el, 0.9), Median(ec), Quant(ec, 0.9), Median(ed));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  auto arg = [&](int i, int def) { return argc > i ? std::atoi(argv[i]) : def; };
  if (mode == "calibrate") return Calibrate(arg(2, 2000));
  if (mode == "accuracy") return Accuracy(argc > 2 ? argv[2] : "default", arg(3, 1000), arg(4, 1000));
  if (mode == "cohort") return Cohort(arg(2, 1000));
  if (mode == "misspec") return Misspec(argc > 2 ? argv[2] : "tune", arg(3, 1000), arg(4, 1000), argc > 5 ? std::atol(argv[5]) : -1, arg(6, 12));
  if (mode == "series") return SeriesDraws(arg(2, 300));
  if (mode == "timing") return Timing(arg(2, 10000), arg(3, 1000), arg(4, 2), argc > 5 ? argv[5] : "default");
  std::fprintf(stderr, "usage: fade_bench calibrate|accuracy FAMILY|cohort|timing|series|misspec tune|holdout [N ...]\n");
  return 2;
}
