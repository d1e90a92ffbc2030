// shadecast match: the recipe and session plan for a follicle shade seen through the client's skin.
#include <cmath>
#include <cstdio>
#include <memory>

#include "blend/look.h"
#include "blend/recipe.h"
#include "cli/commands.h"
#include "cli/inputs.h"
#include "fade/date.h"
#include "optics/skin_fit.h"
#include "store/files.h"

namespace shadecast::cli {
namespace {

struct MatchCliOptions {
  std::string follicle, skin, measurement, library, params, units = "pct5";
  double depth_mm = 0, dot_diameter_mm = 0;
  double first_session_offset = blend::MatchOptions{}.first_session_lightness_offset;
  int sessions = 3, max_pigments = 3;
  bool json = false;
  // The appearance match (issue 18): the stubble's look at both distances.
  std::string stubble, stubble_regional, start;
  double stubble_diameter_mm = 0, density_per_cm2 = 0;
  int interval_days = 12;
  bool core_match = false;  // --follicle as a core colour (the match before issue 18)
};

color::Lab LabFromJson(const nlohmann::json& j, const std::string& what) {
  if (j.is_array() && j.size() == 3 && j[0].is_number() && j[1].is_number() && j[2].is_number())
    return {j[0].get<double>(), j[1].get<double>(), j[2].get<double>()};
  if (j.is_object() && j.contains("l") && j.contains("a") && j.contains("b"))
    return {j["l"].get<double>(), j["a"].get<double>(), j["b"].get<double>()};
  throw InputError(what + ": expected [L, a, b]");
}

void CheckLab(const color::Lab& lab, const std::string& what) {
  if (lab[0] < 0 || lab[0] > 100) throw InputError(what + ": L* must be within 0-100, got " + std::to_string(lab[0]));
  if (std::abs(lab[1]) > 128 || std::abs(lab[2]) > 128) throw InputError(what + ": a* and b* must be within -128..128");
}


nlohmann::json RecipeJson(const blend::Recipe& r) {
  nlohmann::json comps = nlohmann::json::array();
  for (const auto& c : r.components) comps.push_back({{"pigment", c.pigment}, {"parts", c.parts}, {"fraction", c.fraction}});
  return {{"components", comps}, {"load", r.load}, {"healed_lab", LabJson(r.predicted_lab)}, {"de00", r.de00}};
}

std::string MixText(const blend::Recipe& r, blend::PourUnits units) {
  std::string out;
  char buf[96];
  for (const auto& c : r.components) {
    if (units == blend::PourUnits::kParts10)
      std::snprintf(buf, sizeof buf, "%s%s %d part%s", out.empty() ? "" : " + ", c.pigment.c_str(), c.parts,
                    c.parts == 1 ? "" : "s");
    else
      std::snprintf(buf, sizeof buf, "%s%s %d %%", out.empty() ? "" : " + ", c.pigment.c_str(), c.parts * 5);
    out += buf;
  }
  return out;
}

nlohmann::json AppearanceJson(const color::Appearance& a) {
  return {{"near",
           {{"lab", LabJson(a.near.lab)},
            {"delta_l", a.near.delta_l},
            {"delta_c", a.near.delta_c},
            {"delta_h_deg", a.near.delta_h_deg},
            {"diameter_mm", a.near.diameter_mm}}},
          {"regional",
           {{"lab", LabJson(a.regional.lab)}, {"de00_to_skin", a.regional.de00_to_skin}, {"texture_l", a.regional.texture_l}}}};
}

// How much darker than the skin, in words.
std::string DarknessWords(double delta_l) {
  const double d = -delta_l;
  if (d < 1) return "hardly darker than the skin";
  if (d < 3) return "slightly darker than the skin";
  if (d < 8) return "clearly darker than the skin";
  return "much darker than the skin";
}

constexpr const char* kFollicleNote =
    "--follicle is read as the stubble's look close up (0.4 m), as --stubble is; the core-colour match of "
    "earlier versions is --core-match";

blend::PourUnits ParseUnits(const std::string& units) {
  try {
    return blend::PourUnitsFromString(units);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--units: ") + e.what());
  }
}

blend::StubbleLook StubbleFromFlags(const MatchCliOptions& o) {
  if (o.skin.empty()) throw InputError("--stubble needs --skin L,a,b (the bare skin beside the stubble)");
  blend::StubbleLook st;
  st.skin = ParseTriple(o.skin, "--skin");
  st.near = ParseTriple(o.stubble, "--stubble");
  CheckLab(st.skin, "--skin");
  CheckLab(st.near, "--stubble");
  if (!o.stubble_regional.empty()) {
    st.regional = ParseTriple(o.stubble_regional, "--stubble-regional");
    CheckLab(st.regional, "--stubble-regional");
    st.has_regional = true;
  }
  if (o.stubble_diameter_mm < 0 || o.stubble_diameter_mm > 3)
    throw InputError("--stubble-diameter-mm: expected 0-3 mm (0: not constrained)");
  if (o.density_per_cm2 < 0 || o.density_per_cm2 > 1000) throw InputError("--density-per-cm2: expected 0-1000");
  st.near_diameter_mm = o.stubble_diameter_mm;
  st.density_per_cm2 = o.density_per_cm2;
  return st;
}

// A measurement JSON (`measure --json`) that carries the look: follicle.near, follicle.regional,
// follicle.density_per_cm2 and skin.lab.
blend::StubbleLook StubbleFromMeasurement(const nlohmann::json& m, const std::string& file) {
  blend::StubbleLook st;
  try {
    const auto& f = m.at("follicle");
    st.skin = LabFromJson(m.at("skin").at("lab"), file + " skin.lab");
    st.near = LabFromJson(f.at("near").at("lab"), file + " follicle.near.lab");
    st.near_diameter_mm = f.at("near").value("diameter_mm", 0.0);
    if (f.contains("regional") && f["regional"].contains("lab") && !f["regional"]["lab"].is_null()) {
      st.regional = LabFromJson(f["regional"]["lab"], file + " follicle.regional.lab");
      st.has_regional = true;
    }
    st.density_per_cm2 = f.value("density_per_cm2", 0.0);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file + ": not a measurement JSON with follicle.near and skin.lab (" + e.what() + ")");
  }
  CheckLab(st.skin, file + " skin.lab");
  CheckLab(st.near, file + " follicle.near.lab");
  if (st.has_regional) CheckLab(st.regional, file + " follicle.regional.lab");
  if (!(st.near_diameter_mm >= 0 && st.near_diameter_mm <= 3)) st.near_diameter_mm = 0;
  if (!(st.density_per_cm2 >= 0 && st.density_per_cm2 <= 1000)) throw InputError(file + ": follicle.density_per_cm2 outside 0-1000");
  return st;
}

// The keys of the core-colour match (before issue 18) filled from the look recipe, for `--follicle`
// read as the near look: the pigment mix as components in the pour units, the healed load, the
// predicted near look as healed_lab and its dE00, `continuous` = the pourable recipe (the look match
// searches the pourable lattice only), no alternatives, and the session loads.
void AddCoreMatchKeys(const blend::LookMatchResult& r, const color::Lab& follicle, blend::PourUnits units,
                      const std::vector<blend::Candidate>& candidates, const optics::SkinParams& skin,
                      const optics::ModelParams& params, nlohmann::json* j) {
  const blend::LookRecipe& rc = r.recipe;
  // The dot's contrast under other lights, as the core match reported it (the dot model's core).
  std::vector<const optics::PigmentKS*> mix;
  std::vector<double> amounts;
  for (const auto& c : candidates) {
    if (c.pigment->id == rc.black) mix.push_back(c.pigment), amounts.push_back(rc.load * (1 - rc.neutralizer_share));
    if (!rc.neutralizer.empty() && c.pigment->id == rc.neutralizer)
      mix.push_back(c.pigment), amounts.push_back(rc.load * rc.neutralizer_share);
  }
  nlohmann::json meta = nlohmann::json::object();
  double spread = 0;
  if (!mix.empty())
    for (const auto& m : blend::DotContrastUnderLights(skin, params, mix, amounts, &spread))
      meta[m.light] = {{"contrast_de00", m.contrast_de00}, {"contrast_hue_deg", m.contrast_hue_deg}};
  (*j)["metamerism"] = meta;
  (*j)["metamerism_spread_de00"] = spread;
  (*j)["metamerism_flag"] = spread > 2.0;
  const int whole = units == blend::PourUnits::kParts10 ? 10 : 20;
  nlohmann::json comps = nlohmann::json::array();
  if (!rc.black.empty()) {
    const int n_parts = static_cast<int>(std::lround(rc.neutralizer_share * whole));
    comps.push_back({{"pigment", rc.black}, {"parts", whole - n_parts}, {"fraction", 1 - rc.neutralizer_share}});
    if (!rc.neutralizer.empty() && n_parts > 0)
      comps.push_back({{"pigment", rc.neutralizer}, {"parts", n_parts}, {"fraction", rc.neutralizer_share}});
  }
  nlohmann::json recipe = (*j)["recipe"];
  recipe["components"] = comps;
  recipe["units"] = blend::PourUnitsToString(units);
  // No recipe (a stubble declared unreachable up front): null, not a made-up colour.
  const bool none = rc.needle.name.empty();
  const nlohmann::json healed = none ? nlohmann::json(nullptr) : LabJson(rc.look.near.lab);
  const nlohmann::json de00 = none ? nlohmann::json(nullptr) : nlohmann::json(rc.near_de00);
  recipe["healed_lab"] = healed;
  recipe["de00"] = de00;
  (*j)["recipe"] = recipe;
  (*j)["continuous"] = {{"components", comps}, {"load", rc.load}, {"healed_lab", healed}, {"de00", de00}};
  (*j)["predicted"] = {{"healed_lab", healed}, {"de00", de00}};
  (*j)["alternatives"] = nlohmann::json::array();
  (*j)["miss"] = r.reachable ? std::string() : r.advice;
  (*j)["target"]["follicle_lab"] = LabJson(follicle);
  for (size_t i = 0; i < r.sessions.size() && i < (*j)["sessions"].size(); ++i) {
    (*j)["sessions"][i]["load"] = r.sessions[i].load;
    (*j)["sessions"][i]["predicted_lab"] = LabJson(r.sessions[i].healed.near.lab);
  }
  (*j)["follicle_read_as"] = "near";
}

int RunLookMatch(const MatchCliOptions& o, const blend::StubbleLook& st, bool from_follicle = false) {
  int start = -1;
  if (!o.start.empty()) start = fade::ParseDate(o.start, "--start");

  optics::ModelParams params = LoadModelParams(o.params);
  if (o.depth_mm > 0) params.depth_mm = o.depth_mm;
  std::string why;
  if (!params.IsValid(&why)) throw InputError("--depth-mm: " + why);
  blend::LookOptions lo;
  lo.sessions = o.sessions;
  lo.interval_days = o.interval_days;
  if (!lo.IsValid(&why)) throw InputError(why);
  const auto lib = LoadLibrary(o.library);
  const optics::SkinFitResult skin = optics::FitSkin(st.skin, params);
  const blend::LookMatchResult r = blend::MatchLook(st, skin.skin, RecipeCandidates(*lib), params, lo);
  const blend::LookRecipe& rc = r.recipe;
  auto date_of = [&](int day) { return start >= 0 ? fade::FormatDate(start + day) : std::string(); };
  if (o.json) {
    nlohmann::json sessions = nlohmann::json::array();
    for (const auto& s : r.sessions)
      sessions.push_back({{"session", s.session},
                          {"day", s.day},
                          {"date", start >= 0 ? nlohmann::json(date_of(s.day)) : nlohmann::json(nullptr)},
                          {"water_ml_per_ml", s.water_ml_per_ml},
                          {"shade", s.shade},
                          {"needle", s.needle.name},
                          {"dot_diameter_mm", s.needle.healed_diameter_mm},
                          {"density_per_cm2", s.density_per_cm2},
                          {"hairline_density_per_cm2", s.hairline_density_per_cm2},
                          {"fresh", AppearanceJson(s.fresh)},
                          {"healed", AppearanceJson(s.healed)},
                          {"note", s.note}});
    nlohmann::json j = {{"reachable", r.reachable},
               {"advice", r.advice},
               {"target", AppearanceJson(r.target)},
               {"skin", {{"lab", LabJson(st.skin)}, {"model_lab", LabJson(r.model_skin)}, {"melanin", skin.skin.melanin}}},
               {"recipe",
                {{"black", rc.black},
                 {"neutralizer", rc.neutralizer},
                 {"neutralizer_share", rc.neutralizer_share},
                 {"water_ml_per_ml", rc.water_ml_per_ml},
                 {"shade", blend::ShadeWords(rc.water_ml_per_ml, rc.neutralizer, rc.neutralizer_share)},
                 {"load", rc.load},
                 {"needle", rc.needle.name},
                 {"dot_diameter_mm", rc.needle.healed_diameter_mm},
                 {"density_per_cm2", rc.density_per_cm2},
                 {"near_de00", rc.near_de00},
                 {"regional_de00", rc.regional_de00},
                 {"predicted", AppearanceJson(rc.look)}}},
               {"sessions", sessions},
               {"evaluations", r.evaluations}};
    if (from_follicle) {
      j["note"] = kFollicleNote;
      AddCoreMatchKeys(r, st.near, ParseUnits(o.units), RecipeCandidates(*lib), skin.skin, params, &j);
    }
    PrintJson(j);
    return kExitOk;
  }
  if (from_follicle) std::printf("Note: %s\n\n", kFollicleNote);
  std::printf("Stubble close up (0.4 m): L* %5.1f  a* %5.1f  b* %5.1f  - %s\n", st.near[0], st.near[1], st.near[2],
              DarknessWords(st.near[0] - st.skin[0]).c_str());
  std::printf("Skin:                     L* %5.1f  a* %5.1f  b* %5.1f\n", st.skin[0], st.skin[1], st.skin[2]);
  if (!r.advice.empty()) std::printf("\n%s%s\n", r.reachable ? "Note: " : "NOT REACHABLE: ", r.advice.c_str());
  if (rc.needle.name.empty()) return kExitOk;
  std::printf("\nRecipe: %s, needle %s (healed dot about %.2f mm), %.0f dots per cm2\n",
              blend::ShadeWords(rc.water_ml_per_ml, rc.neutralizer, rc.neutralizer_share).c_str(), rc.needle.name.c_str(),
              rc.needle.healed_diameter_mm, rc.density_per_cm2);
  std::printf("Healed look, predicted vs the stubble:\n");
  std::printf("  close up (0.4 m): dots L* %5.1f vs %5.1f  (%.1f dE00: %s)\n", rc.look.near.lab[0], r.target.near.lab[0],
              rc.near_de00, rc.near_de00 <= 1.5 ? "looks the same" : "a visible difference");
  if (st.has_regional)
    std::printf("  from 1.5 m:       area L* %5.1f vs %5.1f  (%.1f dE00: %s)\n", rc.look.regional.lab[0],
                r.target.regional.lab[0], rc.regional_de00, rc.regional_de00 <= 1.5 ? "looks the same" : "a visible difference");
  std::printf("\n");
  for (const auto& s : r.sessions)
    std::printf("Session %d%s%s: %s, %.0f dots/cm2 (%.0f at the hairline); healed area L* %.1f - %s\n", s.session,
                start >= 0 ? " on " : "", date_of(s.day).c_str(), s.shade.c_str(), s.density_per_cm2,
                s.hairline_density_per_cm2, s.healed.regional.lab[0], s.note.c_str());
  return kExitOk;
}

int RunMatch(const MatchCliOptions& o) {
  if (!o.stubble.empty()) {
    if (!o.follicle.empty()) throw InputError("give either --stubble or --follicle, not both");
    return RunLookMatch(o, StubbleFromFlags(o));
  }
  if (!o.follicle.empty() && !o.core_match && o.measurement.empty()) {
    // --follicle is read as the stubble's near look (issue 18); --core-match keeps the core match.
    if (o.skin.empty()) throw InputError("give --follicle L,a,b and --skin L,a,b (or --measurement)");
    blend::StubbleLook st;
    st.skin = ParseTriple(o.skin, "--skin");
    st.near = ParseTriple(o.follicle, "--follicle");
    CheckLab(st.skin, "--skin");
    CheckLab(st.near, "--follicle");
    ParseUnits(o.units);
    if (o.density_per_cm2 < 0 || o.density_per_cm2 > 1000) throw InputError("--density-per-cm2: expected 0-1000");
    st.density_per_cm2 = o.density_per_cm2;
    return RunLookMatch(o, st, true);
  }
  color::Lab follicle{}, skin_lab{};
  if (!o.measurement.empty()) {
    if (!o.follicle.empty() || !o.skin.empty())
      throw InputError("give either --measurement or --follicle and --skin, not both");
    nlohmann::json m;
    try {
      m = nlohmann::json::parse(store::ReadFile(o.measurement));
      // A measurement with the look (measure --json since issue 18): the recipe on the look.
      if (m.contains("follicle") && m["follicle"].contains("near") && m["follicle"]["near"].contains("lab"))
        return RunLookMatch(o, StubbleFromMeasurement(m, o.measurement));
      follicle = LabFromJson(m.at("follicle").at("lab"), o.measurement + " follicle.lab");
      skin_lab = LabFromJson(m.at("skin").at("lab"), o.measurement + " skin.lab");
    } catch (const nlohmann::json::exception& e) {
      throw InputError(o.measurement + ": not a measurement JSON with follicle.lab and skin.lab (" + e.what() + ")");
    }
  } else {
    if (o.follicle.empty() || o.skin.empty()) throw InputError("give --follicle L,a,b and --skin L,a,b (or --measurement)");
    follicle = ParseTriple(o.follicle, "--follicle");
    skin_lab = ParseTriple(o.skin, "--skin");
  }
  CheckLab(follicle, "follicle");
  CheckLab(skin_lab, "skin");

  optics::ModelParams params = LoadModelParams(o.params);
  if (o.depth_mm > 0) params.depth_mm = o.depth_mm;
  if (o.dot_diameter_mm > 0) params.dot_diameter_mm = o.dot_diameter_mm;
  std::string why;
  if (!params.IsValid(&why)) throw InputError("--depth-mm/--dot-diameter-mm: " + why);

  blend::MatchOptions mo;
  mo.sessions = o.sessions;
  mo.max_pigments = o.max_pigments;
  mo.first_session_lightness_offset = o.first_session_offset;
  mo.units = ParseUnits(o.units);
  if (!mo.IsValid(&why)) throw InputError(why);

  const auto lib = LoadLibrary(o.library);
  const std::vector<blend::Candidate> candidates = RecipeCandidates(*lib);

  const optics::SkinFitResult skin = optics::FitSkin(skin_lab, params);
  const blend::MatchResult r = blend::Match(follicle, skin.skin, candidates, params, mo);

  if (o.json) {
    nlohmann::json sessions = nlohmann::json::array();
    for (const auto& s : r.sessions)
      sessions.push_back({{"session", s.session},
                          {"load", s.load},
                          {"deposit", s.deposit},
                          {"water_ml_per_ml", s.water_ml_per_ml},
                          {"predicted_lab", LabJson(s.predicted_lab)},
                          {"note", s.note}});
    nlohmann::json alts = nlohmann::json::array();
    for (const auto& a : r.alternatives) alts.push_back(RecipeJson(a));
    nlohmann::json meta = nlohmann::json::object();
    for (const auto& m : r.metamerism)
      meta[m.light] = {{"contrast_de00", m.contrast_de00}, {"contrast_hue_deg", m.contrast_hue_deg}};
    nlohmann::json recipe = RecipeJson(r.recipe);
    recipe["units"] = o.units;
    PrintJson({{"reachable", r.reachable},
               {"miss", r.miss},
               {"target", {{"follicle_lab", LabJson(follicle)}}},
               {"skin",
                {{"lab", LabJson(skin_lab)},
                 {"melanin", skin.skin.melanin},
                 {"blood", skin.skin.blood},
                 {"scattering_scale", skin.skin.scattering_scale},
                 {"residual_de00", skin.residual_de00},
                 {"within_model", skin.within_model}}},
               {"recipe", recipe},
               {"predicted", {{"healed_lab", LabJson(r.recipe.predicted_lab)}, {"de00", r.recipe.de00}}},
               {"continuous", RecipeJson(r.continuous)},
               {"sessions", sessions},
               {"alternatives", alts},
               {"metamerism", meta},
               {"metamerism_spread_de00", r.metamerism_spread_de00},
               {"metamerism_flag", r.metamerism_flag}});
    return kExitOk;
  }
  std::printf("Follicle target   L* %5.1f  a* %5.1f  b* %5.1f\n", follicle[0], follicle[1], follicle[2]);
  std::printf("Skin              L* %5.1f  a* %5.1f  b* %5.1f%s\n", skin_lab[0], skin_lab[1], skin_lab[2],
              skin.within_model ? "" : "   (outside the skin model: prediction less certain)");
  std::printf("\nMix:              %s\n", MixText(r.recipe, mo.units).c_str());
  std::printf("Healed, predicted L* %5.1f  a* %5.1f  b* %5.1f   %.1f dE00 from the target%s\n", r.recipe.predicted_lab[0],
              r.recipe.predicted_lab[1], r.recipe.predicted_lab[2], r.recipe.de00,
              r.reachable ? "" : "   NOT REACHABLE with these inks");
  if (!r.reachable) std::printf("  nearest achievable is %s\n", r.miss.c_str());
  std::printf("\n");
  for (const auto& s : r.sessions) {
    std::printf("Session %d: 1 ml mix + %4.1f ml distilled water   healed L* %5.1f   %s\n", s.session,
                s.water_ml_per_ml, s.predicted_lab[0], s.note.c_str());
  }
  std::printf("\nDot-to-skin contrast under other lights:");
  for (const auto& m : r.metamerism) std::printf("  %s %.1f", m.light.c_str(), m.contrast_de00);
  std::printf(" dE00%s\n", r.metamerism_flag ? "   (changes a lot with the light: check under the room's lamp)" : "");
  if (!r.alternatives.empty()) {
    std::printf("\nAlternatives:\n");
    for (const auto& a : r.alternatives)
      std::printf("  %-48s  %.1f dE00\n", MixText(a, mo.units).c_str(), a.de00);
  }
  return kExitOk;
}

void RegisterMatch(CLI::App& app, Action& action) {
  auto o = std::make_shared<MatchCliOptions>();
  CLI::App* cmd = app.add_subcommand("match", "Ink mix and per-session dilution for a follicle shade, through the client's skin");
  cmd->add_option("--follicle", o->follicle,
                  "follicle L,a,b (D50), read as the stubble's look close up (as --stubble; see --core-match)");
  cmd->add_flag("--core-match", o->core_match,
                "with --follicle: match a healed dot's core colour to it (the match before the look; diagnostic)");
  cmd->add_option("--skin", o->skin, "skin colour L,a,b (D50)");
  cmd->add_option("--measurement", o->measurement, "a `shadecast measure --json` output instead of the two colours");
  cmd->add_option("--library", o->library, "pigment library (default data/pigments/default.textproto)");
  cmd->add_option("--params", o->params, "optics parameters file");
  cmd->add_option("--depth-mm", o->depth_mm, "effective pigment depth (default: the parameters')");
  cmd->add_option("--dot-diameter-mm", o->dot_diameter_mm, "healed dot diameter (default: the parameters')");
  cmd->add_option("--sessions", o->sessions, "number of sessions")->capture_default_str();
  cmd->add_option("--max-pigments", o->max_pigments, "black + up to K-1 neutralizers (1-3)")->capture_default_str();
  cmd->add_option("--units", o->units, "pourable units: pct5 (5 % steps) or parts10 (parts of 10)")->capture_default_str();
  cmd->add_option("--first-session-offset", o->first_session_offset, "session 1 aims this many L* lighter")
      ->capture_default_str();
  cmd->add_option("--stubble", o->stubble,
                  "match the stubble's look instead of a core colour: its apparent L,a,b close up (0.4 m; a "
                  "measurement's follicle.near.lab)");
  cmd->add_option("--stubble-regional", o->stubble_regional, "with --stubble: the area's L,a,b from 1.5 m (follicle.regional.lab)");
  cmd->add_option("--stubble-diameter-mm", o->stubble_diameter_mm, "with --stubble: apparent follicle diameter close up");
  cmd->add_option("--density-per-cm2", o->density_per_cm2, "with --stubble: follicles per cm2 (the starting density)");
  cmd->add_option("--start", o->start, "with --stubble: date of the first session (YYYY-MM-DD) for the plan's dates");
  cmd->add_option("--interval-days", o->interval_days, "with --stubble: days between sessions (10-14)")->capture_default_str();
  cmd->add_flag("--json", o->json, "JSON output");
  cmd->callback([&action, o] { action = [o] { return RunMatch(*o); }; });
}

}  // namespace

SHADECAST_REGISTER_COMMAND(50, "match", RegisterMatch);

}  // namespace shadecast::cli
