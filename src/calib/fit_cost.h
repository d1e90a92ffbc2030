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

// The same with an exposure field (calib/exposure_field.h): XYZ = C * terms / exp(f . phi).
// Parameter blocks: the 3 x n coefficients, then the n_field (2 or 5) field coefficients.
ceres::CostFunction* MakeFieldDe00Cost(const double* terms, int n_terms, const double* phi, int n_field,
                                       const color::Lab& target);
// A neutral patch's light, nearly free of the mapping: scale * (log_ratio - c - f . phi) with
// log_ratio = log(mean linear RGB / reference Y). Parameter blocks: the field, then c (1).
ceres::CostFunction* MakeNeutralLightCost(const double* phi, int n_field, double log_ratio, double scale);
// The field's Gaussian prior: residual k = scale * f_k.
ceres::CostFunction* MakeFieldPriorCost(int n_field, double scale);

// Ridge residuals: scale[j] * coef[c * n + j] for the cross terms j >= 3 (9 residuals for n = 6).
ceres::CostFunction* MakeRidgeCost(int n_terms, const double* scale);

}  // namespace shadecast::calib
