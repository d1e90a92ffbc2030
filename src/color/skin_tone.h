#pragma once
// Skin-tone descriptors: hue angle, chroma, ITA and its Chardon/Del Bino category.
#include <string>

#include "color/triple.h"

namespace shadecast::color {

// h_ab in degrees [0, 360).
double HueDeg(const Lab& lab);
double Chroma(const Lab& lab);
// Individual Typology Angle, ITA = atan((L* - 50) / b*) in degrees (Chardon et al. 1991).
// Its category thresholds were set on D65/10 degree data: pass D65-adapted L*a*b* (see
// D50ToD65Lab). b* = 0 gives +-90 (the limit) instead of a division by zero.
double ItaDeg(const Lab& lab);
// very_light (> 55), light (41-55], intermediate (28-41], tan (10-28], brown (-30-10], dark (<= -30).
std::string ItaCategory(double ita_deg);
// L*a*b* D50 (ICC white) -> L*a*b* of the corresponding colour under D65 (Bradford), D65 white.
Lab D50ToD65Lab(const Lab& lab_d50);

}  // namespace shadecast::color
