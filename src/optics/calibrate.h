#pragma once
// Fits the optics model's global parameters to a clinic's outcomes: (recipe, load, depth, dot size,
// skin L*a*b*, healed dot L*a*b*) tuples. A joint MAP fit with Ceres: per outcome the skin's own
// melanin/blood/scattering, shared global parameters and per-pigment strength scales, with priors
// around the starting parameters so a handful of outcomes cannot drive them anywhere absurd.
#include <string>
#include <vector>

#include "color/triple.h"
#include "optics/params.h"

namespace shadecast::optics {

struct Outcome {
  Blend blend;                 // pigments borrowed from the caller's library
  double load = 1.0;           // relative load (1 = undiluted)
  double depth_mm = 0;         // effective depth; 0 = use the global parameter (fitted)
  double dot_diameter_mm = 0;  // 0 = use the global parameter
  color::Lab skin_lab{};       // surrounding skin, D50
  color::Lab healed_lab{};     // healed dot core, D50
};

struct CalibrateOptions {
  // Colour residual scale: the visit-to-visit measurement noise, 0.5-1 dE00 (design.md section 7).
  double lab_sigma = 0.7;
  // Prior spreads around the starting value (natural-log units unless noted).
  double scattering_a_log_sd = 0.5;
  double scattering_b_sd = 0.4;       // absolute
  double saunderson_k2_sd = 0.15;     // absolute; the retired two-flux k2, unused (kept: option layout)
  double depth_log_sd = 1.0;          // on the ink depth (mm)
  double pigment_unit_log_sd = 1.0;   // on the global sieve scale (ModelParams::sieve_scale)
  double transport_mfp_log_sd = 0.5;  // the retired two-flux lateral spread, unused
  double pigment_scale_log_sd = 0.5;
  int max_iterations = 200;

  bool IsValid(std::string* why) const;
};

struct OutcomeFit {
  color::Lab predicted_before{};  // with the starting parameters (skin refitted)
  color::Lab predicted_after{};
  double de00_before = 0;
  double de00_after = 0;
};

struct CalibrateResult {
  ModelParams params;
  std::vector<OutcomeFit> outcomes;
  double mean_de00_before = 0;
  double mean_de00_after = 0;
  double max_de00_after = 0;
  bool converged = false;
  double initial_cost = 0;
  double final_cost = 0;
  int iterations = 0;
  std::string message;
  std::string BriefReport() const;
};

// Throws std::invalid_argument for no outcomes, invalid options or parameters.
CalibrateResult CalibrateOptics(const std::vector<Outcome>& outcomes, const ModelParams& start,
                                const CalibrateOptions& options = {});

// The healed dot's L*a*b* D50 predicted for one outcome's recipe on a given skin.
color::Lab PredictOutcome(const Outcome& o, const SkinParams& skin, const ModelParams& params);

}  // namespace shadecast::optics
