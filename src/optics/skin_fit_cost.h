#pragma once
// Ceres cost function of the skin inversion (internal: defined in skin_fit_cost.cpp so the
// autodiff instantiation compiles once).
#include <ceres/cost_function.h>

#include "color/triple.h"
#include "optics/params.h"

namespace shadecast::optics::internal {

// Residuals: (L*a*b*(model) - measured) / lab_sigma, 3 of them. Parameter block: log melanin,
// log blood, log scattering scale.
ceres::CostFunction* NewSkinColourCost(const color::Lab& measured, const ModelParams& params, double lab_sigma);

}  // namespace shadecast::optics::internal
