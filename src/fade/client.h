#pragma once
// A client's treatment history as the fade model sees it: sessions as dated deposits per pigment,
// follow-ups as dated dot and skin L*a*b*, covariates. Built from (and validated against) the
// persisted pb::ClientHistory.
#include <stdexcept>
#include <string>
#include <vector>

#include "color/triple.h"
#include "fade/priors.h"
#include "optics/params.h"

namespace shadecast::pb {
class ClientHistory;
class Lab;
}

namespace shadecast::fade {

// A malformed history: the message names the client and the field ("client c001:
// follow_ups[2].dot_lab is missing").
struct HistoryError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct ClientData {
  std::string client_id;
  // Pigments used by any session, borrowed from the library (which outlives this).
  std::vector<const optics::PigmentKS*> pigments;
  std::vector<double> rate_multiplier;  // per pigment (FadePriors::pigment_rate)
  struct Session {
    int day = 0;                   // days since 1970-01-01
    std::vector<double> deposit;   // per pigment: session load x share, before healing
  };
  std::vector<Session> sessions;   // in date order
  struct Visit {
    int day = 0;
    color::Lab dot{};              // measured dot core, L*a*b* D50
    color::Lab skin{};             // measured skin beside it (re-measured at every visit)
  };
  std::vector<Visit> visits;       // in date order
  Covariates covariates;
  optics::ModelParams optics;      // with the sessions' depth and dot diameter where given
  bool has_skin_lab = false;       // ClientHistory.skin_lab (used when there is no follow-up)
  color::Lab skin_lab{};
  // Every session uses the same shares and every pigment the same rate multiplier: the dot's
  // composition never changes, so its appearance is a function of one scalar load (tabulated).
  bool fixed_composition = false;

  int first_day() const { return sessions.front().day; }
  int last_session_day() const { return sessions.back().day; }
};

// Parameters of the per-client fit: log k, logit f_h, logit c_inf, log deposit scale, the stretch
// shape (scaled logit) and log tau_h (days).
inline constexpr int kFadeParams = 6;

// Natural-unit fade parameters of one client.
struct FadeState {
  double rate_per_year = 0.6;   // k
  double healing_loss = 0.33;   // f_h
  double c_inf = 0.2;
  double deposit_scale = 1.0;
  double beta = 1.0;             // stretch shape of the long-term loss
  double healing_tau_days = 2.5; // time constant of the early loss
};

// "" when `lab` is a measurable L*a*b* (finite, L* in (0, 100], |a*|, |b*| <= 128), else what is wrong
// ("must be within (0, 100], got 120"), with the component (".l") in `subfield`. The one range check
// for follow-ups, shared by `import`, `visit add` and `forecast`.
std::string LabProblem(const pb::Lab& lab, std::string* subfield = nullptr);

// Checks a history: dates valid and in order, no follow-up before the first session, every session
// with a recipe whose pigments are in `library`, every follow-up with finite dot and skin L*a*b*.
// Throws HistoryError naming `client` (client_id, else `fallback_name`) and the field.
void ValidateHistory(const pb::ClientHistory& h, const std::vector<optics::PigmentKS>& library,
                     const std::string& fallback_name = "");

// Validates and converts. `params` are the optics defaults the sessions' depth and diameter override.
ClientData BuildClient(const pb::ClientHistory& h, const std::vector<optics::PigmentKS>& library,
                       const FadePriors& priors, const optics::ModelParams& params,
                       const std::string& fallback_name = "");

// Whether every session's deposit is proportional to the first's with equal rate multipliers
// (ClientData::fixed_composition).
bool HasFixedComposition(const ClientData& c);

// The history as it stood on `day`: sessions (all but the first) and follow-ups after it removed,
// for back-tests (`forecast --fit-until-months`): a forecast fitted on the first months must not know
// of a later session either. Returns how many of each were removed.
struct CutCounts {
  int sessions = 0, visits = 0;
};
CutCounts CutAfter(ClientData* c, int day);

// Physical sense of the follow-ups before a fit (issue 19): removes follow-ups after `as_of_day`
// (from the future; 0: not checked), exact duplicates (same date and colours), follow-ups within
// `unhealed_days` after a session (not healed) and follow-ups whose dot is not darker than the skin
// (a bad photo), and returns one plain sentence per removal.
std::vector<std::string> CleanVisits(ClientData* c, int as_of_day, int unhealed_days = 28);

// Retained amount of each pigment (load units) on `day`.
std::vector<double> RetainedAmounts(const ClientData& c, const FadeState& s, const FadePriors& priors, double day);

}  // namespace shadecast::fade
