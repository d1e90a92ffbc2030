#pragma once
// Matching what people see (docs/appearance.md): the water dilution, neutralizer share, needle and
// density whose healed dots, seen through the client's skin, look like the client's own stubble
// close up (near: each dot's apparent colour and size) and from social distance (regional: the
// area's overall tone), both by the S-CIELAB appearance of color/appearance.h; and the session plan
// that gets there, lightest first.
#include <string>
#include <vector>

#include "blend/recipe.h"
#include "color/appearance.h"
#include "color/triple.h"
#include "optics/params.h"

namespace shadecast::blend {

// A needle grouping and the healed dot it gives. The healed diameter is the grouping's diameter
// times 1.3 for the ink's spread in healing (an engineering assumption, docs/appearance.md; the
// optics tables cover 0.15-1.3 mm).
struct Needle {
  std::string name;               // "1RL #10"
  double needle_mm = 0;           // diameter of the grouping
  double healed_diameter_mm = 0;  // healed dot, including the usual spread
};
const std::vector<Needle>& DefaultNeedles();

// The client's stubble as measured (measure/, `follicle.near` and `follicle.regional`).
struct StubbleLook {
  color::Lab skin{};               // the bare skin, L*a*b* D50
  color::Lab near{};               // apparent colour of a typical follicle at the near distance
  double near_diameter_mm = 0;     // its apparent diameter there; 0: not constrained
  color::Lab regional{};           // the region's mean at the regional distance
  bool has_regional = false;       // false (a follicle colour given alone): density as given below
  double density_per_cm2 = 0;      // follicles per cm^2; 0: unknown
};

struct LookOptions {
  color::ViewingOptions viewing;
  std::vector<Needle> needles = DefaultNeedles();
  double min_density_per_cm2 = 20, max_density_per_cm2 = 160;
  double density_step_per_cm2 = 10;      // the plan's densities are multiples of this
  double default_density_per_cm2 = 80;   // when the stubble's density is unknown
  double max_water_ml_per_ml = 20;       // the most dilute shade
  double max_neutralizer_share = 0.4;    // share of the ink mix
  double share_step = 0.05;
  // Reachable: the pourable recipe within this dE00 of the stubble at both distances.
  double reachable_de00 = 1.5;
  // Score = near dE00 + regional dE00 + this x |apparent diameter - the stubble's| (mm).
  double diameter_weight_per_mm = 4.0;
  double healing_retention = 0.67;       // share of a session's deposit that stays (design.md 7)
  int sessions = 3;
  int interval_days = 12;                // 10-14 days between sessions
  double hairline_density_fraction = 0.6;  // density at the hairline, of the density behind it
  bool IsValid(std::string* why) const;
};

struct LookRecipe {
  std::string black;                 // pigment ids
  std::string neutralizer;           // "" = none
  double neutralizer_share = 0;      // of the ink mix
  double water_ml_per_ml = 0;        // pourable: 0.5 ml steps below 4 ml, else whole ml
  double load = 0;                   // healed pigment load relative to undiluted ink
  Needle needle;
  double density_per_cm2 = 0;
  color::Appearance look;            // predicted healed look, in the model's skin frame
  double near_de00 = 0, regional_de00 = 0;
  double diameter_diff_mm = 0;       // apparent diameter minus the stubble's
  double score = 0;
};

struct LookSession {
  int session = 0;
  int day = 0;                       // days after the first session
  double water_ml_per_ml = 0;
  double load = 0;                   // healed pigment load of this session's shade (undiluted ink = 1)
  std::string shade;                 // "shade 12: 1 ml ink + 12 ml water"
  Needle needle;
  double density_per_cm2 = 0;        // total dots per cm^2 after this session, behind the hairline
  double hairline_density_per_cm2 = 0;
  color::Appearance fresh;           // right after the session (nothing lost yet)
  color::Appearance healed;          // after healing
  std::string note;
};

struct LookMatchResult {
  bool reachable = false;
  std::string advice;                // one sentence when not reachable (or a caution)
  color::Lab model_skin{};           // the skin as the optics model renders it
  color::Appearance target;          // the stubble moved into the model's skin frame
  LookRecipe recipe;                 // pourable
  std::vector<LookSession> sessions;
  int evaluations = 0;               // appearance evaluations
  int bases = 0;                     // lattice bases computed (needle x density)
};

// Throws std::invalid_argument for invalid options or no black among the candidates. A stubble that
// is not darker than the skin is declared unreachable up front (docs/appearance.md): reachable false
// with the advice, no recipe.
LookMatchResult MatchLook(const StubbleLook& stubble, const optics::SkinParams& skin,
                          const std::vector<Candidate>& candidates, const optics::ModelParams& params,
                          const LookOptions& options);

// "shade 12: 1 ml ink + 12 ml water" (and the neutralizer's part when there is one).
std::string ShadeWords(double water_ml_per_ml, const std::string& neutralizer, double share);

}  // namespace shadecast::blend
