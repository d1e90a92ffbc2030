#pragma once
// Calibration as a library call, shared by `shadecast calibrate` and the app's
// POST /api/calibrations, so both give the same JSON for the same chart photo.
#include <string>

#include <nlohmann/json.hpp>

namespace shadecast::cli {

struct CalibrateOptions {
  std::string image, patches, encoding = "linear", chart = "colorchecker24", reference;
  std::string model = "auto", linearization, weights = "uniform", corners, out, icc;
  std::string icc_version = "4.3", exposure_field = "auto";
  std::string camera, illuminant, as_of;
  bool json = false;
  bool force = false;
};

// Fits and writes the profile (and the ICC profile when `icc` is set); returns what
// `calibrate --json` prints. Throws InputError, NotThisChartError (not this card) or
// PoorCalibrationError (a poor fit without `force`), writing nothing.
nlohmann::json CalibrateJson(const CalibrateOptions& options);

}  // namespace shadecast::cli
