#pragma once
// A pigment's spectral Kubelka-Munk K and S on the standard 36-band grid, and its protobuf form.
#include "color/spectrum.h"
#include "optics/params.h"
#include "shadecast/pigment.pb.h"

namespace shadecast::blend {

// The optics model's pigment (id, K, S on the 36-band grid, library units: S of the reference
// white = 1 per unit thickness).
using PigmentKs = optics::PigmentKS;

// Resamples the message's K and S onto the 36-band grid (linear, end values held outside its
// range). Assumes a validated message (store::ValidatePigment).
PigmentKs PigmentKsFromProto(const pb::Pigment& p);
// Fills wavelengths_nm, k and s of `out` (36 bands); other fields untouched.
void PigmentKsToProto(const PigmentKs& ks, pb::Pigment* out);

}  // namespace shadecast::blend
