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

}  // namespace shadecast::blend::internal
