#pragma once
// Ceres cost functions of the mapping fit (each functor lives in its own .cpp).
#include "calib/calibration.h"

namespace ceres {
class CostFunction;
}

namespace shadecast::calib {

// Residuals: three, whose squares sum to CIEDE2000^2 between XYZToLab(C * terms) (ICC D50 white)
// and `target` (color::DeltaE00Residuals). Parameter block:
// the 3 x n coefficients. The caller owns the returned object (Ceres takes it).
ceres::CostFunction* MakeDe00Cost(const double* terms, int n_terms, const color::Lab& target);

// Ridge residuals: scale[j] * coef[c * n + j] for the cross terms j >= 3 (9 residuals for n = 6).
ceres::CostFunction* MakeRidgeCost(int n_terms, const double* scale);

}  // namespace shadecast::calib
