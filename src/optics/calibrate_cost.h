#pragma once
// Ceres cost of `optics calibrate` (internal; autodiff instantiated once in calibrate_cost.cpp).
#include <ceres/cost_function.h>

#include "optics/calibrate.h"

namespace shadecast::optics::internal {

// Global block layout (kGlobalSize values): log a [mm^-1], b, k2, log(depth - epidermis) [mm],
// log pigment unit [mm^-1], log transport mfp [mm].
inline constexpr int kGlobalSize = 6;
void GlobalsFromParams(const ModelParams& p, double* g);
void ParamsFromGlobals(const double* g, ModelParams* p);

// Residuals (6): skin L*a*b* and healed-dot L*a*b*, minus the measured values, / lab_sigma.
// Blocks: globals (kGlobalSize), skin (3: log melanin, log blood, log scattering scale), then one
// log scale per blend component.
ceres::CostFunction* NewOutcomeCost(const Outcome& outcome, const ModelParams& base, double lab_sigma);

}  // namespace shadecast::optics::internal
