#include "fade/client.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "color/skin_tone.h"
#include "fade/date.h"
#include "fade/model_impl.h"
#include "shadecast/history.pb.h"

namespace shadecast::fade {
namespace {

std::string ClientName(const pb::ClientHistory& h, const std::string& fallback) {
  if (!h.client_id().empty()) return h.client_id();
  return fallback.empty() ? "(no client_id)" : fallback;
}

struct Checker {
  std::string client;
  [[noreturn]] void Fail(const std::string& field, const std::string& what) const {
    throw HistoryError("client " + client + ": " + field + " " + what);
  }
  int Date(const std::string& iso, const std::string& field) const {
    if (iso.empty()) Fail(field, "is missing");
    int d = 0;
    if (!TryParseDate(iso, &d)) Fail(field, "'" + iso + "' is not a date YYYY-MM-DD");
    return d;
  }
  void Lab(bool present, const pb::Lab& lab, const std::string& field) const {
    if (!present) Fail(field, "is missing (L*a*b* expected)");
    std::string sub;
    const std::string why = LabProblem(lab, &sub);
    if (!why.empty()) Fail(field + sub, why);
  }
};

}  // namespace

std::string LabProblem(const pb::Lab& lab, std::string* subfield) {
  const double v[3] = {lab.l(), lab.a(), lab.b()};
  const char* names[3] = {".l", ".a", ".b"};
  if (subfield) subfield->clear();
  for (int i = 0; i < 3; ++i)
    if (!std::isfinite(v[i])) {
      if (subfield) *subfield = names[i];
      return "is not a finite number";
    }
  if (lab.l() <= 0 || lab.l() > 100) {
    if (subfield) *subfield = ".l";
    return "must be within (0, 100], got " + std::to_string(lab.l());
  }
  if (std::abs(lab.a()) > 128 || std::abs(lab.b()) > 128) return "a* and b* must be within -128..128";
  return "";
}

namespace {

const optics::PigmentKS* FindPigment(const std::vector<optics::PigmentKS>& lib, const std::string& id) {
  for (const auto& p : lib)
    if (p.id == id) return &p;
  return nullptr;
}

std::vector<double> Shares(const pb::Recipe& r) {
  std::vector<double> s;
  double sum = 0;
  for (const auto& c : r.components()) {
    s.push_back(c.fraction());
    sum += c.fraction();
  }
  if (!(sum > 0)) {
    s.clear();
    sum = 0;
    for (const auto& c : r.components()) {
      s.push_back(c.parts());
      sum += c.parts();
    }
  }
  for (double& v : s) v /= sum;
  return s;
}

}  // namespace

void ValidateHistory(const pb::ClientHistory& h, const std::vector<optics::PigmentKS>& library,
                     const std::string& fallback_name) {
  const Checker ck{ClientName(h, fallback_name)};
  if (h.sessions().empty()) ck.Fail("sessions", "is empty (at least one treatment session expected)");
  int prev = 0;
  for (int i = 0; i < h.sessions_size(); ++i) {
    const auto& s = h.sessions(i);
    const std::string f = "sessions[" + std::to_string(i) + "]";
    const int d = ck.Date(s.date(), f + ".date");
    if (i > 0 && d < prev)
      ck.Fail(f + ".date", "'" + s.date() + "' is before sessions[" + std::to_string(i - 1) + "].date '" +
                               h.sessions(i - 1).date() + "' (dates out of order)");
    prev = d;
    if (!s.has_recipe() || s.recipe().components().empty())
      ck.Fail(f + ".recipe", "is missing (a session needs the recipe that was used)");
    const auto& r = s.recipe();
    // (0, 1]: the share of undiluted ink (session add's range). A load of 1e308 overflowed the fit
    // and crashed ceres::Covariance (issue 23).
    if (!std::isfinite(r.load()) || r.load() <= 0 || r.load() > 1)
      ck.Fail(f + ".recipe.load", "must be within (0, 1] (relative load deposited; 1 = undiluted ink), got " + std::to_string(r.load()));
    double fsum = 0, psum = 0;
    for (int j = 0; j < r.components_size(); ++j) {
      const auto& c = r.components(j);
      const std::string cf = f + ".recipe.components[" + std::to_string(j) + "]";
      if (!FindPigment(library, c.pigment())) {
        std::string ids;
        for (const auto& p : library) ids += (ids.empty() ? "" : ", ") + p.id;
        ck.Fail(cf + ".pigment", "'" + c.pigment() + "' is not in the pigment library (known: " + ids + ")");
      }
      if (!std::isfinite(c.fraction()) || c.fraction() < 0 || c.parts() < 0)
        ck.Fail(cf, "fraction and parts must be >= 0");
      fsum += c.fraction();
      psum += c.parts();
    }
    if (!(fsum > 0) && !(psum > 0)) ck.Fail(f + ".recipe.components", "have no fraction or parts > 0");
    if (!std::isfinite(s.depth_mm()) || s.depth_mm() < 0) ck.Fail(f + ".depth_mm", "must be >= 0 (0 = default)");
    if (!std::isfinite(s.dot_diameter_mm()) || s.dot_diameter_mm() < 0)
      ck.Fail(f + ".dot_diameter_mm", "must be >= 0 (0 = default)");
  }
  const int first = ParseDate(h.sessions(0).date(), "first session");
  prev = first;
  for (int i = 0; i < h.follow_ups_size(); ++i) {
    const auto& v = h.follow_ups(i);
    const std::string f = "follow_ups[" + std::to_string(i) + "]";
    const int d = ck.Date(v.date(), f + ".date");
    if (d < first)
      ck.Fail(f + ".date", "'" + v.date() + "' is before the first session (" + h.sessions(0).date() + ")");
    if (d < prev)
      ck.Fail(f + ".date", "'" + v.date() + "' is before follow_ups[" + std::to_string(i - 1) + "].date '" +
                               h.follow_ups(i - 1).date() + "' (dates out of order)");
    prev = d;
    ck.Lab(v.has_dot_lab(), v.dot_lab(), f + ".dot_lab");
    ck.Lab(v.has_skin_lab(), v.skin_lab(), f + ".skin_lab");
  }
  if (h.has_skin_lab()) ck.Lab(true, h.skin_lab(), "skin_lab");
  if (h.follow_ups().empty() && !h.has_skin_lab())
    ck.Fail("skin_lab", "is missing and there is no follow-up (the skin colour is needed for a forecast)");
  if (h.has_covariates()) {
    const auto& c = h.covariates();
    if (!std::isfinite(c.uv_exposure()) || c.uv_exposure() < 0 || c.uv_exposure() > 2)
      ck.Fail("covariates.uv_exposure", "must be within 0-2");
    if (!std::isfinite(c.ita_deg()) || std::abs(c.ita_deg()) > 90) ck.Fail("covariates.ita_deg", "must be within -90..90");
  }
}

bool HasFixedComposition(const ClientData& c) {
  // Every session's deposit proportional to the first's, equal multipliers.
  bool fixed = std::all_of(c.rate_multiplier.begin(), c.rate_multiplier.end(),
                           [&](double m) { return m == c.rate_multiplier.front(); });
  const auto& d0 = c.sessions.front().deposit;
  const double s0 = std::accumulate(d0.begin(), d0.end(), 0.0);
  for (const auto& s : c.sessions) {
    const double ss = std::accumulate(s.deposit.begin(), s.deposit.end(), 0.0);
    for (size_t i = 0; i < d0.size(); ++i)
      if (std::abs(s.deposit[i] / ss - d0[i] / s0) > 1e-9) fixed = false;
  }
  return fixed;
}

std::vector<std::string> CleanVisits(ClientData* c, int as_of_day, int unhealed_days) {
  std::vector<std::string> notes;
  std::vector<ClientData::Visit> kept;
  int duplicates = 0;
  for (const auto& v : c->visits) {
    if (as_of_day > 0 && v.day > as_of_day) {
      notes.push_back("the follow-up of " + FormatDate(v.day) + " is after the as-of date " + FormatDate(as_of_day) +
                      ": a visit cannot be from the future, so it is not used (for a back-test use --fit-until-months)");
      continue;
    }
    if (!kept.empty() && kept.back().day == v.day && kept.back().dot == v.dot && kept.back().skin == v.skin) {
      ++duplicates;
      continue;
    }
    bool unhealed = false;
    for (const auto& s : c->sessions)
      if (v.day >= s.day && v.day - s.day < unhealed_days) unhealed = true;
    if (unhealed) {
      notes.push_back("the follow-up of " + FormatDate(v.day) + " is within " + std::to_string(unhealed_days / 7) +
                      " weeks of a session: the dots had not healed, so it is not used for the fade");
      continue;
    }
    if (v.dot[0] >= v.skin[0]) {
      notes.push_back("the follow-up of " + FormatDate(v.day) + " reads the dots lighter than the skin (L* " +
                      std::to_string(static_cast<int>(std::lround(v.dot[0]))) + " vs " +
                      std::to_string(static_cast<int>(std::lround(v.skin[0]))) +
                      "): likely a bad photo or the wrong spot; it is not used for the fade");
      continue;
    }
    kept.push_back(v);
  }
  if (duplicates > 0)
    notes.push_back(std::to_string(duplicates) + " duplicate follow-up" + (duplicates == 1 ? "" : "s") +
                    " (same date and colours) removed");
  c->visits = std::move(kept);
  return notes;
}

CutCounts CutAfter(ClientData* c, int day) {
  CutCounts n;
  // The first session always stays: a history is anchored on it.
  while (c->sessions.size() > 1 && c->sessions.back().day > day) {
    c->sessions.pop_back();
    ++n.sessions;
  }
  while (!c->visits.empty() && c->visits.back().day > day) {
    c->visits.pop_back();
    ++n.visits;
  }
  if (n.sessions > 0) c->fixed_composition = HasFixedComposition(*c);
  return n;
}

ClientData BuildClient(const pb::ClientHistory& h, const std::vector<optics::PigmentKS>& library,
                       const FadePriors& priors, const optics::ModelParams& params, const std::string& fallback_name) {
  ValidateHistory(h, library, fallback_name);
  ClientData c;
  c.client_id = ClientName(h, fallback_name);
  c.optics = params;
  std::vector<std::vector<double>> shares;
  double load_sum = 0;
  for (const auto& s : h.sessions()) {
    const auto sh = Shares(s.recipe());
    ClientData::Session cs;
    cs.day = ParseDate(s.date(), "date");
    cs.deposit.assign(c.pigments.size(), 0.0);
    for (int j = 0; j < s.recipe().components_size(); ++j) {
      const optics::PigmentKS* p = FindPigment(library, s.recipe().components(j).pigment());
      auto it = std::find(c.pigments.begin(), c.pigments.end(), p);
      size_t idx = static_cast<size_t>(it - c.pigments.begin());
      if (it == c.pigments.end()) {
        c.pigments.push_back(p);
        c.rate_multiplier.push_back(priors.PigmentRate(p->id));
        for (auto& prev : c.sessions) prev.deposit.push_back(0.0);
        cs.deposit.push_back(0.0);
        idx = c.pigments.size() - 1;
      }
      cs.deposit[idx] += s.recipe().load() * sh[j];
    }
    load_sum += s.recipe().load();
    if (s.depth_mm() > 0) c.optics.depth_mm = s.depth_mm();
    if (s.dot_diameter_mm() > 0) c.optics.dot_diameter_mm = s.dot_diameter_mm();
    c.sessions.push_back(cs);
  }
  c.fixed_composition = HasFixedComposition(c);
  for (const auto& v : h.follow_ups())
    c.visits.push_back({ParseDate(v.date(), "date"), {v.dot_lab().l(), v.dot_lab().a(), v.dot_lab().b()},
                        {v.skin_lab().l(), v.skin_lab().a(), v.skin_lab().b()}});
  if (h.has_skin_lab()) {
    c.has_skin_lab = true;
    c.skin_lab = {h.skin_lab().l(), h.skin_lab().a(), h.skin_lab().b()};
  }
  // Covariates. ITA 0 in the message counts as "not given" and is computed from the skin.
  const color::Lab ref_skin = c.visits.empty() ? c.skin_lab : c.visits.front().skin;
  c.covariates.ita_deg = color::ItaDeg(color::D50ToD65Lab(ref_skin));
  if (h.has_covariates()) {
    c.covariates.uv_exposure = h.covariates().uv_exposure();
    if (h.covariates().ita_deg() != 0) c.covariates.ita_deg = h.covariates().ita_deg();
    c.covariates.oily_scalp = h.covariates().oily_scalp();
    c.covariates.scarring = h.covariates().scarring();
  }
  c.covariates.dilution = std::log2(priors.reference_load / (load_sum / h.sessions_size()));
  std::string why;
  if (!c.optics.IsValid(&why)) throw HistoryError("client " + c.client_id + ": sessions depth_mm/dot_diameter_mm: " + why);
  return c;
}

std::vector<double> RetainedAmounts(const ClientData& c, const FadeState& s, const FadePriors& /*priors*/, double day) {
  std::vector<double> out(c.pigments.size());
  const auto p = impl::StateT<double>::FromState(s);
  impl::Retained(c, p, day, out.data());
  return out;
}

}  // namespace shadecast::fade
