#pragma once
// Ceres cost functions of the per-client fade fit (internal: each defined in its own .cpp so the
// autodiff instantiation compiles once). Parameter block: theta (fade/model_impl.h), fade::kFadeParams values.
#include <ceres/cost_function.h>

#include "color/triple.h"
#include "fade/client.h"

namespace shadecast::optics {
class DotModel;
}

namespace shadecast::fade::internal {

// One follow-up: the three CIEDE2000 residuals (fade/model_impl.h retained load -> DotModel on the
// skin measured at that visit -> L*a*b*) against the measured dot, times `weight`
// (sqrt(3) / measurement sigma). `client` and `dot` are borrowed and must outlive the cost.
ceres::CostFunction* NewVisitCost(const ClientData* client, const optics::DotModel* dot, int day,
                                  const color::Lab& measured, double weight);

// Population prior: (theta - mean) / sd, one residual per parameter.
ceres::CostFunction* NewPriorCost(const double* mean, const double* sd);

}  // namespace shadecast::fade::internal
