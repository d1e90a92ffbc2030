#pragma once
// The appearance (color/appearance.h) as the messages measurement, truth files and the recipe share.
#include "color/appearance.h"
#include "shadecast/common.pb.h"

namespace shadecast::color {

// Fills both messages from `a` at the distances of `options`; the near uncertainty is the standard
// error of a median (1.2533 x spread / sqrt(features)); the regional one is left for the caller.
void AppearanceToPb(const Appearance& a, const ViewingOptions& options, pb::NearLook* near, pb::RegionalLook* regional);

}  // namespace shadecast::color
