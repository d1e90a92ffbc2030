#pragma once
// Fitting one mapping on weighted samples: closed-form weighted least squares in XYZ (with the
// scale-free ridge), then Ceres refinement on CIEDE2000 with a robust loss.
#include <string>
#include <vector>

#include "calib/calibration.h"

namespace shadecast::calib {

struct FitSamples {
  std::vector<Rgb> rgb;          // normalised linear RGB
  std::vector<color::Lab> lab;   // target L*a*b* D50
  std::vector<double> weight;    // > 0
};

struct FitSettings {
  int n_terms = 3;
  double ridge = 1e-3;
  double robust_scale_de00 = 3.0;
  bool refine = true;
  int max_iterations = 50;
};

struct FitOutcome {
  std::vector<double> coef;  // 3 x n_terms, row-major
  bool converged = true;
  double initial_cost = 0, final_cost = 0;
  int iterations = 0;
  std::string message;
  std::string termination = "NONE";  // Ceres's TerminationType name; "NONE" for the closed form only
};

FitOutcome FitMapping(const FitSamples& samples, const FitSettings& settings);

}  // namespace shadecast::calib
