#pragma once
// Ceres cost of recipe matching (internal; autodiff instantiated once in recipe_cost.cpp).
#include <ceres/cost_function.h>

#include "color/triple.h"
#include "optics/params.h"

namespace shadecast::optics {
class DotModel;
}

namespace shadecast::blend::internal {

// Residuals: the three CIEDE2000 residuals of (dot, target) plus a load hinge
// 10 * max(0, sum(a) - max_load). One parameter block: the amounts a_i (load x share), n = 1..3.
// `model` and `pigments` are borrowed and must outlive the cost function.
ceres::CostFunction* NewRecipeCost(const optics::DotModel* model, const optics::PigmentKS* const* pigments, int n,
                                   const color::Lab& target, double max_load);

// Refines amounts `a` (n = 1..3) with Ceres' TinySolver (Levenberg-Marquardt without the
// ceres::Problem machinery, which dominates the cost for problems this small). Amounts are
// parametrised as a_i = u_i^2 so they stay non-negative; residuals as NewRecipeCost. Returns the
// number of residual evaluations.
int RefineAmounts(const optics::DotModel* model, const optics::PigmentKS* const* pigments, int n,
                  const color::Lab& target, double max_load, double* a);

}  // namespace shadecast::blend::internal
