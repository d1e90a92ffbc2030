#pragma once
// A three-component colour value (XYZ, L*a*b*, RGB), templated on the scalar so Ceres Jets fit through.
#include <array>

namespace shadecast::color {

template <typename T>
using Triple = std::array<T, 3>;
using Xyz = Triple<double>;
using Lab = Triple<double>;

// ICC PCS white (D50), used by every ICC / LittleCMS path. Spectral paths use the white of their own
// computation instead (see Colorimeter::white()).
inline constexpr Xyz kIccD50White{0.9642, 1.0, 0.8249};

}  // namespace shadecast::color
