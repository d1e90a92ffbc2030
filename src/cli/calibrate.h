#pragma once
// Calibration and its re-check as library calls, shared by `shadecast calibrate` / `profile check`
// and the app's POST /api/calibrations and /api/profiles/{room}/check, so both give the same JSON for the same chart photo.
#include <string>

#include <nlohmann/json.hpp>

#include "calib/calibration.h"

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

// The clinic manager's pass/fail on a profile's leave-one-out mean (docs/calibration.md):
// "good" <= 1.5 dE00, "usable" <= 2.5, else "poor".
std::string CalibrationVerdict(double loo_mean_de00);

// `profile check`: a new photo of the chart against a profile (drift, recalibrate or not).
struct ProfileCheckOptions {
  std::string profile, image, corners;
  double max_mean = calib::DriftOptions{}.max_mean_drift_de00;
  double max_patch = calib::DriftOptions{}.max_patch_drift_de00;
  bool json = false;
};
// Returns what `profile check --json` prints.
nlohmann::json ProfileCheckJson(const ProfileCheckOptions& options);

}  // namespace shadecast::cli
