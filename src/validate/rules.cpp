// The table of what is valid (issue 23). Ranges are physical or product limits, not fit results:
// wide enough for every real client, camera and ink, narrow enough that nothing reaching a solver
// can be NaN, infinite or absurd. docs/conventions.md "Valid values" is generated from this table.
#include "validate/rules.h"

#include <cmath>
#include <cstdio>

namespace shadecast::validate {
namespace {

constexpr double kInf = HUGE_VAL;

Rule Num(std::string_view f, double lo, double hi, std::string_view meaning, bool lo_open = false, bool hi_open = false) {
  Rule r;
  r.field = f;
  r.kind = Kind::kNumber;
  r.lo = lo;
  r.hi = hi;
  r.lo_open = lo_open;
  r.hi_open = hi_open;
  r.meaning = meaning;
  return r;
}
Rule NumS(std::string_view f, double lo, double hi, double sentinel, std::string_view meaning) {
  Rule r = Num(f, lo, hi, meaning);
  r.has_sentinel = true;
  r.sentinel = sentinel;
  return r;
}
Rule NumN(std::string_view f, double lo, double hi, int max_elems, std::string_view meaning) {
  Rule r = Num(f, lo, hi, meaning);
  r.max_len = max_elems;
  return r;
}
Rule Of(std::string_view f, Kind k, std::string_view meaning, int max_len = 0) {
  Rule r;
  r.field = f;
  r.kind = k;
  r.max_len = max_len;
  r.meaning = meaning;
  return r;
}
Rule DateR(std::string_view f, bool empty_ok, std::string_view meaning) {
  Rule r = Of(f, Kind::kDate, meaning);
  r.empty_ok = empty_ok;
  return r;
}
Rule ChoiceR(std::string_view f, std::string_view choices, std::string_view meaning) {
  Rule r = Of(f, Kind::kChoice, meaning);
  r.choices = choices;
  r.empty_ok = true;
  return r;
}
Rule Msg(std::string_view f, std::string_view meaning, int max_elems = 0) { return Of(f, Kind::kMessage, meaning, max_elems); }

#define P "shadecast.pb."

std::vector<Rule> Build() {
  std::vector<Rule> v = {
      // ---- a client's record
      Of(P "ClientHistory.client_id", Kind::kClientId, "the client's id"),
      Of(P "ClientHistory.name", Kind::kText, "the client's name as typed", 200),
      Msg(P "ClientHistory.follicle_lab", "the client's follicle colour"),
      Msg(P "ClientHistory.skin_lab", "the client's skin colour"),
      Msg(P "ClientHistory.covariates", "what changes fading"),
      Msg(P "ClientHistory.sessions", "treatment sessions, oldest first", 200),
      Msg(P "ClientHistory.follow_ups", "follow-up measurements, oldest first", 2000),
      Num(P "Covariates.uv_exposure", 0, 2, "sun on the scalp: 0 none, 1 typical, 2 outdoor work"),
      Num(P "Covariates.ita_deg", -90, 90, "skin ITA angle, degrees"),
      Of(P "Covariates.oily_scalp", Kind::kBool, "oily scalp"),
      Of(P "Covariates.scarring", Kind::kBool, "scarring in the treated area"),
      Num(P "Lab.l", 0, 100, "CIELAB lightness L* (D50)"),
      Num(P "Lab.a", -128, 128, "CIELAB a* (green-red)"),
      Num(P "Lab.b", -128, 128, "CIELAB b* (blue-yellow)"),
      DateR(P "TreatmentSession.date", false, "the session's date"),
      Msg(P "TreatmentSession.recipe", "the ink used"),
      Num(P "TreatmentSession.depth_mm", 0, 5, "needle depth in mm (0: not recorded)"),
      Num(P "TreatmentSession.dot_diameter_mm", 0, 3, "dot diameter in mm (0: not recorded)"),
      Of(P "TreatmentSession.notes", Kind::kText, "the technician's notes", 4000),
      DateR(P "FollowUp.date", false, "the follow-up's date"),
      Msg(P "FollowUp.dot_lab", "the healed dots' colour"),
      Msg(P "FollowUp.skin_lab", "the skin's colour beside them"),
      Of(P "FollowUp.photo_sha256", Kind::kSha256, "SHA-256 of the photo measured"),
      Of(P "FollowUp.profile", Kind::kText, "the camera profile used", 200),
      // ---- recipes
      Msg(P "Recipe.components", "pigments in the mix", 16),
      Num(P "Recipe.load", 0, 1, "pigment load (1 = undiluted ink, 0.5 = 1 ml water per ml ink)", true),
      Msg(P "Recipe.predicted_healed_lab", "the predicted healed colour"),
      Num(P "Recipe.de00", 0, 200, "predicted colour difference to the target, dE00"),
      Of(P "RecipeComponent.pigment", Kind::kPigmentId, "a pigment id of the library"),
      Num(P "RecipeComponent.parts", 0, 100, "parts of this pigment in the mix"),
      Num(P "RecipeComponent.fraction", 0, 1, "share of this pigment in the mix"),
      // ---- camera profiles
      Of(P "CameraProfile.model", Kind::kEnum, "the colour model"),
      Of(P "CameraProfile.linearization", Kind::kEnum, "the tone curve undone before the model"),
      NumN(P "CameraProfile.linearization_params", -1e6, 1e6, 64, "tone curve parameters"),
      NumN(P "CameraProfile.coefficients", -1e6, 1e6, 192, "model coefficients (3 x n_terms)"),
      Num(P "CameraProfile.n_terms", 0, 64, "model terms per output channel"),
      Num(P "CameraProfile.exposure_scale", 0, 1e6, "exposure scale of the chart photo (0: not set)"),
      Of(P "CameraProfile.chart_id", Kind::kText, "the chart's id", 200),
      Of(P "CameraProfile.illuminant", Kind::kText, "the light the chart was shot under", 200),
      Of(P "CameraProfile.camera", Kind::kText, "the camera's name", 200),
      Msg(P "CameraProfile.patches", "per-patch residuals", 1000),
      Msg(P "CameraProfile.fit", "fit errors"),
      Msg(P "CameraProfile.loo", "leave-one-out errors"),
      Msg(P "CameraProfile.loo_skin", "leave-one-out errors, skin-like patches"),
      Msg(P "CameraProfile.loo_dark", "leave-one-out errors, dark patches"),
      DateR(P "CameraProfile.created", true, "when the profile was made"),
      Msg(P "CameraProfile.summary", "the solver's summary"),
      Of(P "CameraProfile.software_version", Kind::kText, "the shadecast version that made it", 200),
      Msg(P "CameraProfile.candidates", "models tried", 64),
      Msg(P "CameraProfile.corners", "chart corners in the photo, px", 4),
      Of(P "CameraProfile.weights", Kind::kText, "patch weighting", 4096),
      Of(P "CameraProfile.training_set", Kind::kText, "training spectra", 4096),
      Num(P "CameraProfile.dark_l_max", 0, 100, "L* below which a patch counts as dark"),
      Msg(P "CameraProfile.exposure_field", "the fitted exposure field"),
      Num(P "PatchResidual.index", 0, 10000, "patch number"),
      Of(P "PatchResidual.name", Kind::kText, "patch name", 200),
      Msg(P "PatchResidual.reference", "published colour"),
      Msg(P "PatchResidual.fitted", "colour the profile gives"),
      Num(P "PatchResidual.de00", 0, 500, "fit error, dE00"),
      NumS(P "PatchResidual.loo_de00", 0, 500, -1, "leave-one-out error, dE00 (-1: not computed)"),
      Of(P "PatchResidual.excluded", Kind::kBool, "left out of the fit"),
      Of(P "PatchResidual.flags", Kind::kText, "flags", 1000),
      Num(P "PatchResidual.weight", 0, 1000, "fit weight"),
      Of(P "PatchResidual.skin_like", Kind::kBool, "skin-like patch"),
      Of(P "PatchResidual.dark", Kind::kBool, "dark patch"),
      NumN(P "PatchResidual.device_rgb", 0, 65535, 3, "camera RGB of the patch"),
      Num(P "PatchResidual.exposure", 0, 100, "local exposure at the patch"),
      Num(P "ErrorStats.mean_de00", 0, 500, "mean error, dE00"),
      Num(P "ErrorStats.median_de00", 0, 500, "median error, dE00"),
      Num(P "ErrorStats.max_de00", 0, 500, "largest error, dE00"),
      Num(P "ErrorStats.p95_de00", 0, 500, "95th percentile error, dE00"),
      Num(P "ErrorStats.count", 0, 10000, "patches counted"),
      Of(P "FitSummary.converged", Kind::kBool, "the solver converged"),
      Num(P "FitSummary.initial_cost", 0, 1e300, "cost before the fit"),
      Num(P "FitSummary.final_cost", 0, 1e300, "cost after the fit"),
      Num(P "FitSummary.iterations", 0, 1e6, "solver iterations"),
      Of(P "FitSummary.message", Kind::kText, "the solver's message", 4000),
      Of(P "FitSummary.termination", Kind::kText, "why the solver stopped", 100),
      Num(P "FitSummary.loo_fits", 0, 10000, "leave-one-out fits"),
      Num(P "FitSummary.loo_not_converged", 0, 10000, "leave-one-out fits that did not converge"),
      Num(P "Point2.x", -1e6, 1e6, "x, px"),
      Num(P "Point2.y", -1e6, 1e6, "y, px"),
      Of(P "ModelCandidate.model", Kind::kEnum, "the colour model"),
      Of(P "ModelCandidate.available", Kind::kBool, "could be fitted"),
      Of(P "ModelCandidate.note", Kind::kText, "why or why not", 1000),
      Msg(P "ModelCandidate.fit", "fit errors"),
      Msg(P "ModelCandidate.loo", "leave-one-out errors"),
      Msg(P "ModelCandidate.loo_skin", "leave-one-out errors, skin-like patches"),
      Msg(P "ModelCandidate.loo_dark", "leave-one-out errors, dark patches"),
      Num(P "ModelCandidate.loo_weighted_mean", 0, 500, "weighted leave-one-out error, dE00"),
      ChoiceR(P "ModelCandidate.exposure_field", "none|linear|quadratic", "exposure field fitted with it"),
      ChoiceR(P "ExposureFieldFit.basis", "none|linear|quadratic", "exposure field basis"),
      NumN(P "ExposureFieldFit.coefficients", -100, 100, 6, "exposure field coefficients"),
      Num(P "ExposureFieldFit.min", 0, 100, "lowest exposure over the chart"),
      Num(P "ExposureFieldFit.max", 0, 100, "highest exposure over the chart"),
      // ---- pigment libraries
      Of(P "PigmentLibrary.name", Kind::kText, "the library's name", 200),
      Of(P "PigmentLibrary.description", Kind::kText, "what it holds", 4000),
      Msg(P "PigmentLibrary.pigments", "pigments", 256),
      Of(P "Pigment.id", Kind::kPigmentId, "the pigment's id"),
      Of(P "Pigment.name", Kind::kText, "the pigment's name", 200),
      Of(P "Pigment.colour_index", Kind::kText, "Colour Index name, e.g. PBk7", 100),
      Of(P "Pigment.role", Kind::kEnum, "what the pigment is for"),
      NumN(P "Pigment.wavelengths_nm", 300, 1100, 1000, "wavelengths, nm, increasing"),
      NumN(P "Pigment.k", 0, 1e6, 1000, "absorption per unit load"),
      NumN(P "Pigment.s", 0, 1e6, 1000, "scattering per unit load"),
      Of(P "Pigment.source", Kind::kText, "where the data come from", 4000),
      Of(P "Pigment.assumptions", Kind::kText, "assumptions made", 4000),
      Of(P "Pigment.proxy", Kind::kBool, "stands in for a pigment with no public data"),
      NumN(P "Pigment.cluster_absorptance", 0, 1, 1000, "absorptance of one ink cluster per wavelength"),
      Num(P "Pigment.sieve_k", 0, 1000, "sieve-effect absorption", true),
      Of(P "Pigment.characterisation_only", Kind::kBool, "for characterisation, not for recipes"),
      // ---- optics parameters (every field optional: absent means the default)
      Num(P "OpticsParams.epidermis_thickness_mm", 0, 1, "epidermis thickness, mm", true),
      Num(P "OpticsParams.scattering_a_per_cm", 0, 1000, "reduced scattering at 500 nm, 1/cm", true),
      Num(P "OpticsParams.scattering_b", 0, 5, "scattering power-law exponent", false, true),
      Num(P "OpticsParams.saunderson_k1", 0, 1, "surface reflection (Saunderson k1)"),
      Num(P "OpticsParams.saunderson_k2", 0, 1, "internal reflection (Saunderson k2)"),
      Num(P "OpticsParams.depth_mm", 0.04, 0.32, "pigment depth, mm (the tabulated range)"),
      Num(P "OpticsParams.pigment_layer_mm", 0, 1, "pigment layer thickness, mm", true),
      Num(P "OpticsParams.load", 0, 10, "default pigment load"),
      Num(P "OpticsParams.transport_mfp_mm", 0, 10, "lateral spread length, mm", true),
      Num(P "OpticsParams.dot_diameter_mm", 0.15, 1.3, "dot diameter, mm (the tabulated range)"),
      Num(P "OpticsParams.yule_nielsen_n", 1, 10, "Yule-Nielsen n"),
      Num(P "OpticsParams.oxygen_saturation", 0, 1, "blood oxygen saturation"),
      Num(P "OpticsParams.pheomelanin_fraction", 0, 1, "pheomelanin share of melanin"),
      Num(P "OpticsParams.baseline_absorption_per_cm", 0, 1000, "baseline tissue absorption, 1/cm"),
      Msg(P "OpticsParams.pigment_scale", "per-pigment strength", 256),
      Of(P "OpticsParams.source", Kind::kText, "how these were obtained", 4000),
      Num(P "OpticsParams.pigment_unit_per_mm", 0, 1e5, "library K,S units to 1/mm at load 1", true),
      Num(P "OpticsParams.epidermis_scattering_factor", 0, 100, "epidermis scattering multiplier", true),
      Num(P "OpticsParams.epidermis_absorption_factor", 0, 100, "epidermis absorption factor"),
      Num(P "OpticsParams.sieve_scale", 0, 100, "sieve-effect scale", true, true),
      Num(P "OpticsParams.dermal_melanin_ratio", 0, 0.5, "dermal melanin as a share of the epidermal"),
      Of(P "PigmentScale.pigment", Kind::kPigmentId, "a pigment id"),
      Num(P "PigmentScale.scale", 0, 100, "strength multiplier", true),
  };
  return v;
}
#undef P

}  // namespace

const std::vector<Rule>& Rules() {
  static const std::vector<Rule> rules = Build();
  return rules;
}

const Rule* FindRule(std::string_view full_name) {
  for (const Rule& r : Rules())
    if (r.field == full_name) return &r;
  return nullptr;
}

static std::string Number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

std::string AllowedText(const Rule& r) {
  switch (r.kind) {
    case Kind::kNumber: {
      std::string s = std::string(r.lo_open ? "(" : "[") + Number(r.lo) + ", " + Number(r.hi) + (r.hi_open ? ")" : "]");
      if (r.has_sentinel) s += " or " + Number(r.sentinel);
      return s;
    }
    case Kind::kBool: return "true or false";
    case Kind::kEnum: return "a declared value";
    case Kind::kText: return "text, at most " + std::to_string(r.max_len) + " bytes, no NUL";
    case Kind::kClientId: return "1-64 of letters, digits, '_', '-', '.'";
    case Kind::kPigmentId: return "1-64 of a-z, 0-9, '_'";
    case Kind::kDate: return r.empty_ok ? "YYYY-MM-DD or empty" : "YYYY-MM-DD";
    case Kind::kSha256: return "up to 64 hex digits";
    case Kind::kChoice: return "one of " + std::string(r.choices) + (r.empty_ok ? " or empty" : "");
    case Kind::kMessage: return r.max_len ? "at most " + std::to_string(r.max_len) + " entries" : "see its fields";
  }
  return "";
}

}  // namespace shadecast::validate
