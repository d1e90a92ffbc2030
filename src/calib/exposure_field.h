#pragma once
// The light falling unevenly across the chart (issue 20): a smooth exposure field over the card,
// fitted jointly with the colour mapping and removed before the mapping is judged.
//
// The field is the light on the card relative to its centre, L(u, v) = exp(sum_k f_k phi_k(u, v)),
// (u, v) the patch centre in chart coordinates, each in [-1, 1] from the first to the last
// column / row: it multiplied the linear camera RGB of the patch. Both mappings (linear 3x3,
// root-polynomial degree 2) are of degree one in the exposure (Finlayson et al. 2015), so removing
// it divides the predicted XYZ by the same L. The basis
// has no constant (L(0, 0) = 1: the profile is the light at the chart's centre, where the client's
// scalp is meant to be; a constant would trade off against the mapping's own scale):
//   linear     u, v                    (2 terms: light falling off from one side)
//   quadratic  u, v, u^2, u v, v^2     (5 terms: also a spot or vignetting centred anywhere)
// A log-field keeps E positive and makes a fall-off of a few tens of per cent nearly linear in
// the coefficients. The coefficients carry a Gaussian prior (sd `prior_sd` log units each), so an
// evenly lit chart keeps E near 1 and a chart whose colours could explain a slope does not get one
// for free.
//
// The chart's black frame is not used: at ~3 % reflectance it is mostly JPEG noise and flare, and
// the 24 patches (six neutrals among them) already pin down five smooth coefficients.
#include <array>
#include <string>
#include <vector>

#include "shadecast/chart.pb.h"

namespace shadecast::calib {

// kAuto is a choice for the calibration (each model fitted with none and quadratic, the lower
// leave-one-out criterion kept), never a fitted field.
enum class ExposureField { kNone, kLinear, kQuadratic, kAuto };
std::string ExposureFieldToString(ExposureField f);  // "none" | "linear" | "quadratic" | "auto"
// Throws std::invalid_argument listing the names.
ExposureField ExposureFieldFromString(const std::string& s);

inline constexpr int kMaxFieldTerms = 5;
int FieldTermCount(ExposureField f);

using ChartPosition = std::array<double, 2>;  // (u, v), each in [-1, 1]

// Patch centres in chart coordinates (chart order), from each patch's index, rows and columns.
std::vector<ChartPosition> PatchPositions(const pb::ChartDefinition& chart);

// The basis at a position: out[0 .. FieldTermCount(f)).
void FieldBasis(ExposureField f, const ChartPosition& p, double* out);

// L at a position for coefficients f (size FieldTermCount).
double FieldValue(ExposureField f, const std::vector<double>& coef, const ChartPosition& p);

}  // namespace shadecast::calib
