#pragma once
// Colour services done through LittleCMS (the independent implementation the engine is checked
// against, and the path every ICC-facing output takes). No lcms2 types leak from this header.
#include <array>
#include <cstdint>

#include "color/triple.h"

namespace shadecast::color {

// LittleCMS's cmsCIE2000DeltaE (kL = kC = kH = 1).
double LcmsDeltaE00(const Lab& lab1, const Lab& lab2);

// L*a*b* D50 (ICC PCS) -> 8-bit sRGB through LittleCMS's built-in sRGB profile (relative
// colorimetric). Used for swatches.
std::array<uint8_t, 3> LabToSrgb8(const Lab& lab_d50);

}  // namespace shadecast::color
