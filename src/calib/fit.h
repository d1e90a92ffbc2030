#pragma once
// Fitting one mapping on weighted samples: closed-form weighted least squares in XYZ (with the
// scale-free ridge), then Ceres refinement on CIEDE2000 with a robust loss.
#include <string>
#include <vector>

#include "calib/calibration.h"
#include "calib/exposure_field.h"

namespace shadecast::calib {

struct FitSamples {
  std::vector<Rgb> rgb;          // normalised linear RGB
  std::vector<color::Lab> lab;   // target L*a*b* D50
  std::vector<double> weight;    // > 0
  // Exposure-field basis of the first phi.size() samples (the chart's patches; the others, e.g. a
  // spectral training set, have no place on the chart and E = 1).
  std::vector<std::array<double, kMaxFieldTerms>> phi;
  std::vector<char> neutral;     // per positioned sample: a neutral patch (its light seen directly)
};

struct FitSettings {
  int n_terms = 3;
  double ridge = 1e-3;
  double robust_scale_de00 = 3.0;
  bool refine = true;
  int max_iterations = 50;
  int n_field = 0;             // exposure-field terms (0, 2 or 5; FieldTermCount)
  double field_prior_sd = 0.5; // prior sd of each field coefficient, log units
  // Weight of a neutral patch's direct light residual, dE00 per log unit of light (0: off).
  double neutral_light_weight = 20.0;
};

struct FitOutcome {
  std::vector<double> coef;  // 3 x n_terms, row-major
  std::vector<double> field; // n_field exposure-field coefficients (empty without a field)
  bool converged = true;
  double initial_cost = 0, final_cost = 0;
  int iterations = 0;
  std::string message;
  std::string termination = "NONE";  // Ceres's TerminationType name; "NONE" for the closed form only
};

FitOutcome FitMapping(const FitSamples& samples, const FitSettings& settings);

}  // namespace shadecast::calib
