#pragma once
// Ceres solve of recipe matching (internal; autodiff instantiated once in recipe_cost.cpp).
#include "color/triple.h"

namespace shadecast::blend::internal {

// A first-order model of the dot's XYZ D50 in the amounts, made at a0: xyz(a) = xyz0 + J (a - a0).
struct LinearXyz {
  int n = 0;
  double a0[3] = {};
  color::Xyz xyz0{};
  double J[3][3] = {};  // J[channel][pigment]
};

// Moves amounts `a` (n = model.n) towards the minimum of the CIEDE2000 residuals of the modelled
// dot against `target`, plus a load hinge 10 x max(0, sum(a) - max_load) and a load residual
// sqrt(2 load_weight sum(a)) (so the cost is dE00^2 + 2 load_weight x load: among mixes that match
// equally well, the more dilute one - where three pigments leave a valley of matches, the matcher's
// load penalty picks its dilute end, and so must the continuous optimum): two Levenberg-Marquardt
// iterations of Ceres' TinySolver (no ceres::Problem set-up, which dominates problems this small),
// amounts that come out negative fixed at zero and the rest solved again (active set). XYZ -> L*a*b*
// and dE00 are exact, only XYZ is modelled, so no dot-model evaluation is needed.
void SolveLinearXyz(const LinearXyz& model, const color::Xyz& white, const color::Lab& target, double max_load,
                    double load_weight, double* a);

}  // namespace shadecast::blend::internal
