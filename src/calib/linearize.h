#pragma once
// Linearisation of device values (design.md section 2): sRGB curve, a per-channel gamma fitted on
// the neutral patches, a monotone curve through the neutral patches, or none.
#include <array>
#include <vector>

#include "calib/calibration.h"

namespace shadecast::calib {

// Fits the linearisation's parameters from the neutral patches: `device` their device values,
// `y` their reference luminance (Y, any scale). kNone / kSrgb have no parameters.
// gamma: {g_r, g_g, g_b}; curve: per channel {n, v_1..v_n, y_1..y_n} (monotone, through 0).
// Throws std::invalid_argument when fewer than two usable neutrals exist for gamma/curve.
std::vector<double> FitLinearization(Linearization kind, const std::vector<Rgb>& device, const std::vector<double>& y);

// Device value (0-1) -> linear value. Validated parameters are assumed (see CheckLinearization).
double Linearize(Linearization kind, const std::vector<double>& params, int channel, double v);
inline Rgb Linearize(Linearization kind, const std::vector<double>& params, const Rgb& v) {
  return {Linearize(kind, params, 0, v[0]), Linearize(kind, params, 1, v[1]), Linearize(kind, params, 2, v[2])};
}
// Throws std::invalid_argument when the parameters do not fit the kind.
void CheckLinearization(Linearization kind, const std::vector<double>& params);

}  // namespace shadecast::calib
