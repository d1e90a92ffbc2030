#pragma once
// The spectral calibration mode's default training set, from the shipped pigment library.
#include "calib/calibration.h"
#include "optics/params.h"

namespace shadecast::store {

// calib::SkinTrainingSet over the optics model's `params` and every pigment of the shipped library
// except whites (a white is no dermal pigment), each as a single-pigment blend. Throws
// std::runtime_error when the library cannot be read.
calib::TrainingSet DefaultSkinTrainingSet(const optics::ModelParams& params = {});

}  // namespace shadecast::store
