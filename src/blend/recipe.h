#pragma once
// Recipe matching: which pigments, in which shares and at which load, make a healed dot that reads
// as the client's follicle shade through the client's skin (design.md section 6), and the session
// plan that gets there.
#include <string>
#include <vector>

#include "color/triple.h"
#include "optics/params.h"

namespace shadecast::blend {

enum class PourUnits { kPct5, kParts10 };
std::string PourUnitsToString(PourUnits u);
// Throws std::invalid_argument listing the spellings (pct5, parts10).
PourUnits PourUnitsFromString(const std::string& s);

// A library pigment as the matcher sees it.
struct Candidate {
  const optics::PigmentKS* pigment = nullptr;  // borrowed from the library
  bool black = false;                          // role BLACK; every recipe has exactly one
};

struct MatchOptions {
  int max_pigments = 3;               // black + up to (max_pigments - 1) neutralizers
  PourUnits units = PourUnits::kPct5;
  // Score = dE00 + component_penalty x (components - 1): a neutralizer must earn its place.
  double component_penalty = 0.1;
  // + load_penalty x load: between equally good mixes prefer the more dilute one (less pigment in
  // the skin, lighter first sessions possible).
  double load_penalty = 0.1;
  double max_load = 1.0;              // undiluted ink, relative load
  double load_step = 0.05;            // pourable load lattice (5 % of undiluted)
  // Continuous dE00 above this: the target is reported unreachable with the nearest recipe.
  double reachable_de00 = 1.0;
  int alternatives = 3;
  // Session plan.
  int sessions = 3;
  // Session 1 aims this many L* lighter than the target (clinics start light; design.md section 6).
  double first_session_lightness_offset = 6.0;
  // Share of a session's deposit that stays after healing (about one third is lost: Baeumler 2015,
  // Engel et al. 2010; design.md section 7).
  double healing_retention = 0.67;
  // Relative load one pass of undiluted ink deposits before healing.
  double deposit_per_pass = 1.0;

  bool IsValid(std::string* why) const;
};

struct Component {
  std::string pigment;
  int parts = 0;          // in the pour units (of 20 for pct5, of 10 for parts10)
  double fraction = 0;    // share of the pigment mix
};

struct Recipe {
  std::vector<Component> components;
  double load = 0;        // relative to undiluted ink, healed
  color::Lab predicted_lab{};
  double de00 = 0;        // to the target
  double score = 0;       // de00 + component and load penalties
};

struct Session {
  int session = 0;
  double load = 0;              // cumulative healed load after this session
  double deposit = 0;           // load deposited in this session (before healing)
  double water_ml_per_ml = 0;   // ml of distilled water per ml of ink mix
  color::Lab predicted_lab{};   // healed, after this session
  std::string note;
};

struct Metamerism {
  std::string light;
  double contrast_de00 = 0;     // dot vs skin under this light (both adapted to D50)
  double contrast_hue_deg = 0;  // hue angle of (dot - skin) in a*b*
};

struct MatchResult {
  bool reachable = false;
  std::string miss;             // "too light", "too warm", ... when not reachable
  Recipe continuous;            // unrounded optimum
  Recipe recipe;                // pourable
  std::vector<Recipe> alternatives;
  std::vector<Session> sessions;
  std::vector<Metamerism> metamerism;
  double metamerism_spread_de00 = 0;
  bool metamerism_flag = false;
  int evaluations = 0;             // exact model evaluations (a Jacobian evaluation counts once)
  int subsets_solved = 0;          // subsets whose continuous optimum was computed
  int subsets_searched = 0;        // subsets searched on the pourable lattice
};

// Throws std::invalid_argument when there is no black candidate or the options are invalid.
MatchResult Match(const color::Lab& target, const optics::SkinParams& skin, const std::vector<Candidate>& candidates,
                  const optics::ModelParams& params, const MatchOptions& options);

// The dot-to-skin contrast under D65, A and LED-B3 (both adapted to D50) of a dot with these amounts
// (load x share) of the pigments, by the dot model; the spread (max - min contrast) if asked.
std::vector<Metamerism> DotContrastUnderLights(const optics::SkinParams& skin, const optics::ModelParams& params,
                                              const std::vector<const optics::PigmentKS*>& mix,
                                              const std::vector<double>& amounts, double* spread_de00 = nullptr);

// The baseline: every mixture of the same subsets on the pourable lattice (shares in the option's
// units, load in load_step steps), evaluated exhaustively. For the bench and the tests.
Recipe LatticeOptimum(const color::Lab& target, const optics::SkinParams& skin,
                      const std::vector<Candidate>& candidates, const optics::ModelParams& params,
                      const MatchOptions& options, int* evaluations = nullptr);

// Healed dot L*a*b* for given amounts (load x share) of the named candidates.
color::Lab PredictDot(const optics::SkinParams& skin, const std::vector<const optics::PigmentKS*>& pigments,
                      const std::vector<double>& amounts, const optics::ModelParams& params);

}  // namespace shadecast::blend
