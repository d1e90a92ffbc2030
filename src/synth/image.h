#pragma once
// The synthesiser renders into the shared float image (image/image.h); the name is kept here so the
// synthesiser's code and its tests read as before.
#include "image/image.h"

namespace shadecast::synth {
using ::shadecast::ImageF;
}  // namespace shadecast::synth
