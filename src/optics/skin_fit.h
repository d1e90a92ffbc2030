#pragma once
// Skin inversion: melanin, blood and a scattering scale from one measured skin L*a*b* D50, by
// maximum a posteriori with Ceres (log-normal priors, tight colour residuals).
#include <string>

#include "color/triple.h"
#include "optics/params.h"

namespace shadecast::optics {

struct SkinFitOptions {
  // Log-normal priors: median and standard deviation of the natural log. Medians sit in the light-
  // to-intermediate range of Jacques 2013; the spreads cover very light to dark skin.
  double melanin_median = 0.05;
  double melanin_log_sd = 1.2;
  double blood_median = 0.01;
  double blood_log_sd = 0.8;
  // Scattering scale on Jacques 2013's textbook skin average: median 1 (person to person ~0.6-1.6).
  double scattering_median = 1.0;
  double scattering_log_sd = 0.35;
  // Dermal melanin per person: a log-normal prior on its ratio to the epidermal fraction, centred on
  // ModelParams::dermal_melanin_ratio (off: that ratio exactly).
  bool fit_dermal_melanin = true;
  double dermal_ratio_log_sd = 0.8;
  // Colour residual scale (L*a*b* units). Small: the measured colour is matched nearly exactly,
  // the priors only choose among skins of that colour.
  double lab_sigma = 0.05;
  // A best fit farther than this (CIEDE2000) from the measurement is "outside the skin model".
  double outside_threshold_de00 = 1.0;
  int max_iterations = 200;

  bool IsValid(std::string* why) const;
};

struct SkinFitResult {
  SkinParams skin;
  color::Lab fitted_lab{};    // the model's colour for `skin`
  double residual_de00 = 0;   // fitted vs measured
  bool converged = false;
  bool within_model = false;  // residual_de00 <= outside_threshold_de00
  double initial_cost = 0;
  double final_cost = 0;
  int iterations = 0;
  std::string message;        // how it ended, in words

  std::string BriefReport() const;
};

// `measured` is L*a*b* D50. Throws std::invalid_argument for invalid options or parameters.
SkinFitResult FitSkin(const color::Lab& measured, const ModelParams& params, const SkinFitOptions& options = {});

// A local inversion from a nearby skin (the same person tanned, or a season's phase): melanin, blood
// and scattering solve the three colour equations from `start`, the dermal melanin following the
// epidermal (their ratio held near start's). One Ceres problem, no restarts, the bounds of FitSkin. True (and *out set, dermal melanin explicit) when the solution reproduces
// `measured` within tolerance_de00; false otherwise (then use FitSkin).
bool FitSkinNear(const color::Lab& measured, const SkinParams& start, const ModelParams& params, SkinParams* out,
                 double tolerance_de00 = 0.05);

// A tan from `start`: only the melanin (epidermal, the dermal in proportion) moves, blood and
// scattering stay start's; the least-squares melanin for `measured` (three equations, one unknown;
// the rest of the difference is left to the caller, e.g. as a lighting shift). Returns start's
// skin unchanged when the solve fails. *residual_de00 (optional): what the tan does not explain.
SkinParams FitTan(const color::Lab& measured, const SkinParams& start, const ModelParams& params,
                  double* residual_de00 = nullptr);

}  // namespace shadecast::optics
