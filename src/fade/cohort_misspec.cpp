// The misspecified cohort generator (fade/cohort.h, issue 19). Its dynamics are written here from
// the description of the world, not from fade/model_impl.h: weeks-long early loss,
// stretched-exponential slow phase with no floor, iron oxides faster than carbon black, sun-heavy
// clients partly unrecorded, dot spread, per-client depth and diameter, one-sided tanning varying by
// year, a lighting error shared by dot and skin, bad-light outliers and mid-history touch-ups.
#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>

#include "color/ciede2000.h"
#include "color/lab.h"
#include "color/skin_tone.h"
#include "fade/cohort.h"
#include "fade/cohort_parts.h"
#include "fade/date.h"
#include "optics/dot_model.h"
#include "optics/model.h"

namespace shadecast::fade {

std::string MisspecVariantToString(MisspecVariant v) { return v == MisspecVariant::kTune ? "tune" : "holdout"; }

MisspecVariant MisspecVariantFromString(const std::string& s) {
  if (s == "tune") return MisspecVariant::kTune;
  if (s == "holdout") return MisspecVariant::kHoldout;
  throw std::invalid_argument("unknown misspecified variant '" + s + "' (expected tune or holdout)");
}

MisspecOptions MisspecOptions::Preset(MisspecVariant v) {
  MisspecOptions o;
  if (v == MisspecVariant::kTune) return o;
  // Every knob moved: shorter early loss, a wider stretch, slower iron oxides, more sun-heavy
  // clients, stronger tans, more outliers, fewer touch-ups, less noise, more spread.
  o.seed = 907;
  o.start_date = "2020-03-01";
  o.healing_loss = 0.28;
  o.tau_median_days = 20;
  o.tau_log_sd = 0.6;
  o.beta_lo = 0.75;
  o.beta_hi = 1.0;
  o.rate_per_year = 0.17;
  o.log_rate_sd = 0.5;
  o.iron_oxide_rate = 1.4;
  o.uv_coef = 0.15;
  o.sun_heavy_share = 0.10;
  o.sun_heavy_rate = 1.8;
  o.sun_recorded = 0.6;
  o.spread_per_year = 0.08;
  o.optics_spread = 0.25;
  o.tan_max = 0.18;
  o.noise_lo = 0.4;
  o.noise_hi = 0.9;
  o.exposure_log_sd = 0.05;
  o.outlier_share = 0.12;
  o.outlier_exposure_log_sd = 0.3;
  o.outlier_cast = 4.0;
  o.touch_up_share = 0.15;
  return o;
}

bool MisspecOptions::IsValid(std::string* why) const {
  auto fail = [&](const char* m) {
    if (why) *why = m;
    return false;
  };
  int d = 0;
  if (clients < 1 || clients > 1000000) return fail("clients must be within 1-1000000");
  if (!TryParseDate(start_date, &d)) return fail("start_date must be YYYY-MM-DD");
  if (!(healing_loss > 0 && healing_loss < 1)) return fail("healing_loss must be within (0, 1)");
  if (!(tau_median_days > 0) || !(beta_lo > 0 && beta_lo <= beta_hi && beta_hi <= 2)) return fail("tau and beta out of range");
  if (!(rate_per_year > 0) || !(noise_lo >= 0 && noise_lo <= noise_hi)) return fail("rate or noise out of range");
  for (double p : {sun_heavy_share, sun_recorded, outlier_share, touch_up_share})
    if (!(p >= 0 && p <= 1)) return fail("shares must be within [0, 1]");
  if (!(optics_spread >= 0 && optics_spread < 0.9)) return fail("optics_spread must be within [0, 0.9)");
  return true;
}

struct MisspecTruth::Impl {
  ClientData cd;                                  // sessions as recorded (deposits per pigment)
  std::vector<double> rate;                       // true k per pigment, /year
  double f_h = 0, tau = 0, beta = 1, deposit_scale = 1, spread = 0;
  std::shared_ptr<const optics::DotModel> baseline;
  optics::ModelParams params;                     // the client's true depth and diameter
  optics::SkinParams skin;
  double tan_max = 0;
  std::map<int, double> tan_by_year;

  void Amounts(double day, std::vector<double>* out) const {
    out->assign(cd.pigments.size(), 0.0);
    for (const auto& s : cd.sessions) {
      if (s.day > day) break;
      const double dt = day - s.day, years = dt / kDaysPerYear;
      const double early = 1 - f_h * (1 - std::exp(-dt / tau));
      for (size_t i = 0; i < out->size(); ++i)
        (*out)[i] += deposit_scale * s.deposit[i] * early * std::exp(-std::pow(rate[i] * years, beta));
    }
    // Spread over the years since the first session: the same pigment over a larger area.
    const double years = std::max(0.0, (day - cd.first_day()) / kDaysPerYear);
    for (double& a : *out) a /= 1 + spread * years;
  }
  color::Lab Dot(const optics::DotModel& m, double day) const {
    std::vector<double> a;
    Amounts(day, &a);
    return m.Lab(a.data(), cd.pigments.data(), static_cast<int>(a.size()));
  }
};

color::Lab MisspecTruth::DotOn(int day) const { return impl->Dot(*impl->baseline, day); }

namespace {

using cohort_parts::SetLab;

// A photo's lighting error: every XYZ scaled by `exposure`, plus a colour cast, on dot and skin alike.
color::Lab Lit(const color::Lab& lab, double exposure, double cast_a, double cast_b) {
  color::Xyz xyz = color::LabToXyz(lab, color::kIccD50White);
  for (double& v : xyz) v *= exposure;
  color::Lab out = color::XyzToLab(xyz, color::kIccD50White);
  out[1] += cast_a;
  out[2] += cast_b;
  return out;
}

// Sessions, covariates and the recorded history of one client (no follow-ups yet).
struct Recorded {
  pb::ClientHistory h;
  double true_uv = 1;
  bool sun_heavy = false;
  int last_session = 0;
};

Recorded DrawRecord(int index, const MisspecOptions& o, const optics::ModelParams& params, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  auto uni = [&](double a, double b) { return a + (b - a) * u01(rng); };
  Recorded r;
  char id[32];
  std::snprintf(id, sizeof id, "m%06d", index + 1);
  r.h.set_client_id(id);
  r.h.set_name(std::string("Misspecified synthetic client ") + id);
  const double uv = u01(rng);
  r.true_uv = uv < 0.25 ? 0.0 : uv < 0.8 ? 1.0 : 2.0;
  r.sun_heavy = u01(rng) < o.sun_heavy_share;
  double recorded_uv = r.true_uv;
  if (r.sun_heavy) recorded_uv = u01(rng) < o.sun_recorded ? 2.0 : 1.0;
  auto* cov = r.h.mutable_covariates();
  cov->set_uv_exposure(recorded_uv);
  cov->set_oily_scalp(u01(rng) < 0.3);
  cov->set_scarring(u01(rng) < 0.1);
  const int black = 15 + static_cast<int>(u01(rng) * 6);  // of 20
  const int n_sessions = u01(rng) < 0.5 ? 2 : 3;
  int day = ParseDate(o.start_date, "start_date") + static_cast<int>(u01(rng) * o.start_spread_days);
  const int first = day;
  auto add_session = [&](int d, double load, const char* note) { cohort_parts::AddSmpSession(&r.h, d, load, black, params, note); };
  for (int s = 0; s < n_sessions; ++s) {
    if (s > 0) day += 10 + static_cast<int>(u01(rng) * 25);
    add_session(day, s < 2 ? uni(0.09, 0.17) : uni(0.04, 0.09), "session");
  }
  if (u01(rng) < o.touch_up_share) {
    day = first + static_cast<int>(uni(5, 11) * kDaysPerYear / 12);
    add_session(day, uni(0.04, 0.08), "mid-history touch-up");
  }
  r.last_session = day;
  return r;
}

}  // namespace

std::vector<MisspecTruth> GenerateMisspecifiedCohort(const MisspecOptions& o, const std::vector<optics::PigmentKS>& library,
                                                     const optics::ModelParams& params) {
  std::string why;
  if (!o.IsValid(&why)) throw std::invalid_argument("misspecified cohort options: " + why);
  std::vector<MisspecTruth> out;
  out.reserve(static_cast<size_t>(o.clients));
  const FadePriors bookkeeping;  // BuildClient's rate multipliers are ignored: the truth has its own
  const std::vector<double> months{3, 6, 9, 12, 18, 24, 30, 36, 42, 48, 60, 72, 84, 96};
  for (int i = 0; i < o.clients; ++i) {
    std::mt19937_64 rng(cohort_parts::SplitMix(o.seed * 0x9e3779b97f4a7c15ull + static_cast<uint64_t>(i)));
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    std::normal_distribution<double> n01;
    auto uni = [&](double a, double b) { return a + (b - a) * u01(rng); };
    Recorded rec = DrawRecord(i, o, params, rng);
    auto im = std::make_shared<MisspecTruth::Impl>();
    im->skin = {std::exp(uni(std::log(0.015), std::log(0.3))), std::exp(uni(std::log(0.006), std::log(0.02))), uni(1.0, 1.6)};
    im->params = params;
    im->params.depth_mm *= uni(1 - o.optics_spread, 1 + o.optics_spread);
    im->params.dot_diameter_mm *= uni(1 - o.optics_spread, 1 + o.optics_spread);
    im->baseline = std::make_shared<optics::DotModel>(im->skin, im->params);
    const color::Lab base_skin = optics::ReflectanceToLab(im->baseline->skin_reflectance());
    rec.h.mutable_covariates()->set_ita_deg(std::round(color::ItaDeg(color::D50ToD65Lab(base_skin)) * 10) / 10);
    SetLab(rec.h.mutable_skin_lab(), base_skin);
    im->cd = BuildClient(rec.h, library, bookkeeping, params);
    const double log_k = std::log(o.rate_per_year) + o.log_rate_sd * n01(rng) + o.uv_coef * (rec.true_uv - 1) +
                         (rec.sun_heavy ? std::log(o.sun_heavy_rate) : 0.0);
    for (const auto* p : im->cd.pigments)
      im->rate.push_back(std::exp(log_k) * (p->id == "smp_warm_neutralizer" ? o.iron_oxide_rate : 1.0));
    im->f_h = 1 / (1 + std::exp(-(std::log(o.healing_loss / (1 - o.healing_loss)) + o.healing_loss_logit_sd * n01(rng))));
    im->tau = o.tau_median_days * std::exp(o.tau_log_sd * n01(rng));
    im->beta = uni(o.beta_lo, o.beta_hi);
    im->deposit_scale = std::exp(0.2 * n01(rng));
    im->spread = uni(0, o.spread_per_year);
    im->tan_max = o.tan_max * (1 + rec.true_uv);
    const double noise = uni(o.noise_lo, o.noise_hi) / std::sqrt(3.0);

    MisspecTruth t;
    t.sun_heavy = rec.sun_heavy;
    t.beta = im->beta;
    t.tau_days = im->tau;
    // Follow-ups: a healed check 4-7 weeks after the last early session, then the months (+-10 days),
    // each missed with probability 0.15.
    std::vector<int> days;
    const int first = im->cd.first_day();
    int early_last = first;
    for (const auto& s : im->cd.sessions)
      if (s.day - first < 90) early_last = s.day;
    days.push_back(early_last + 28 + static_cast<int>(u01(rng) * 22));
    for (double m : months) {
      const int v = first + static_cast<int>(std::lround(m * kDaysPerYear / 12 + uni(-10, 10)));
      const bool missed = u01(rng) < 0.15;
      bool near_session = false;
      for (const auto& s : im->cd.sessions) near_session |= v >= s.day && v - s.day < 28;
      if (v > days.back() + 14 && !missed && !near_session) days.push_back(v);
    }
    t.has_outlier = u01(rng) < o.outlier_share && days.size() > 2;
    const size_t outlier_at = t.has_outlier ? 1 + static_cast<size_t>(u01(rng) * double(days.size() - 1)) : days.size();
    for (size_t v = 0; v < days.size(); ++v) {
      const int day = days[v];
      const int year = static_cast<int>(std::floor(day / kDaysPerYear));
      if (!im->tan_by_year.count(year)) im->tan_by_year[year] = uni(0, im->tan_max);
      optics::SkinParams sk = im->skin;
      sk.melanin *= std::exp(im->tan_by_year[year] * std::max(0.0, std::sin(2 * M_PI * (DayOfYear(day) - 115) / kDaysPerYear)));
      const optics::DotModel model(sk, im->params);
      TruthVisit tv{day, im->Dot(model, day), optics::ReflectanceToLab(model.skin_reflectance())};
      double exposure = std::exp(o.exposure_log_sd * n01(rng)), ca = 0, cb = 0;
      if (v == outlier_at) {
        exposure = std::exp(o.outlier_exposure_log_sd * (u01(rng) < 0.5 ? -1.5 : 1.5) * (0.7 + 0.6 * u01(rng)));
        ca = o.outlier_cast * (2 * u01(rng) - 1);
        cb = o.outlier_cast * (2 * u01(rng) - 1);
        t.outlier_day = day;
      }
      color::Lab nd = Lit(tv.dot, exposure, ca, cb), ns = Lit(tv.skin, exposure, ca, cb);
      for (int k = 0; k < 3; ++k) {
        nd[k] += noise * n01(rng);
        ns[k] += noise * n01(rng);
      }
      nd[0] = std::clamp(nd[0], 0.5, 99.5);
      ns[0] = std::clamp(ns[0], 0.5, 99.5);
      auto* f = rec.h.add_follow_ups();
      f->set_date(FormatDate(day));
      SetLab(f->mutable_dot_lab(), nd);
      SetLab(f->mutable_skin_lab(), ns);
      t.client.visits.push_back(tv);
    }
    // The true touch-up: 45 % loss of the noise-free dot-to-skin contrast on the baseline skin since
    // the healed reference (last session + 28 days), as the product's default trigger states it.
    const optics::DotModel& base = *im->baseline;
    auto contrast = [&](double day) { return color::DeltaE00(im->Dot(base, day), base_skin); };
    const double ref = rec.last_session + 28.0;
    const double limit = 0.55 * contrast(ref);
    const double end = rec.last_session + o.truth_horizon_years * kDaysPerYear;
    if (contrast(end) <= limit) {
      double lo = ref, hi = end;
      while (hi - lo > 0.5) {
        const double mid = 0.5 * (lo + hi);
        (contrast(mid) <= limit ? hi : lo) = mid;
      }
      t.client.touch_up_day = static_cast<int>(std::ceil(hi));
    }
    // The truth in the fitter's terms where they exist (no floor; carbon black's rate).
    t.client.state = {std::exp(log_k), im->f_h, 0.0, im->deposit_scale, im->beta, im->tau};
    t.client.log_rate_mean = std::log(o.rate_per_year);
    t.client.skin = im->skin;
    t.client.history = std::move(rec.h);
    t.impl = im;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace shadecast::fade
