#pragma once
// Internal to characterize.cpp: the Ceres cost functions of the K,S fit. Parameters are two blocks
// of 36: log K and log S per band (log keeps them positive).
#include "blend/characterize.h"

namespace ceres {
class CostFunction;
}

namespace shadecast::blend::internal {

// One sample: 36 residuals, 100 * (predicted - measured reflectance) per band (percent).
// `rg` is the background's reflectance (ignored for tints). The caller owns the returned object
// (normally handed to a ceres::Problem, which takes ownership).
ceres::CostFunction* NewSampleCost(const CharacterizationSample& sample,
                                   const color::Spectral36& rg, const PigmentKs& white,
                                   const SaundersonOptions& so);

// Smoothness: 2 x 35 residuals, weight * first differences of log K and of log S across bands.
ceres::CostFunction* NewSmoothnessCost(double weight);

}  // namespace shadecast::blend::internal
