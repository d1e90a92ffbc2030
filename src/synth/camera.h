#pragma once
// Cameras are data (color/camera.h): spectral sensitivities and their response under a light. The
// names are kept here so the synthesiser's code and its tests read as before.
#include "color/camera.h"

namespace shadecast::synth {
using ::shadecast::color::CameraFromCsv;
using ::shadecast::color::CameraResponse;
using ::shadecast::color::CameraSensitivity;
using ::shadecast::color::Rgb;
}  // namespace shadecast::synth
