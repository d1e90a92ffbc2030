#pragma once
// Camera calibration: chart patches (device RGB) -> a CameraProfile mapping camera RGB to CIE XYZ /
// L*a*b* D50 (design.md section 2). Linearisation, exposure normalisation on the neutral patches,
// models (linear 3x3, root-polynomial degree 2, spectral), closed-form starts refined with Ceres on
// CIEDE2000, leave-one-out over patches, `auto` selection by leave-one-out.
//
// No file or image I/O here; no Ceres/OpenCV/lcms2 in this header.
#include <array>
#include <string>
#include <vector>

#include "calib/exposure_field.h"
#include "color/spectrum.h"
#include "color/triple.h"
#include "shadecast/camera_profile.pb.h"
#include "shadecast/chart.pb.h"

namespace shadecast::calib {

using Rgb = std::array<double, 3>;

// --- enums spelled the same in flags, JSON and files (ceres/types.h style) ---------------------
enum class Model { kAuto, kLinear, kRootPoly2, kSpectral };
std::string ModelToString(Model m);  // "auto" | "linear" | "rootpoly2" | "spectral"
// Throws std::invalid_argument listing the names.
Model ModelFromString(const std::string& s);
pb::ColorModel ModelToProto(Model m);
Model ModelFromProto(pb::ColorModel m);

enum class Linearization { kNone, kSrgb, kGamma, kCurve };
std::string LinearizationToString(Linearization l);  // "none" | "srgb" | "gamma" | "curve"
Linearization LinearizationFromString(const std::string& s);
pb::Linearization LinearizationToProto(Linearization l);
Linearization LinearizationFromProto(pb::Linearization l);

// One chart patch as photographed.
struct PatchObservation {
  Rgb rgb{0, 0, 0};        // device values 0-1, in the capture's encoding (before linearisation)
  Rgb spread{0, 0, 0};     // robust spread of the sampled pixels (1.4826 MAD), device units
  int pixels = 1;          // pixels sampled
  bool clipped = false;    // too many pixels at the top (or bottom) of the range
  bool non_uniform = false;  // spread too large for a flat patch (glare, shadow, wrong place)
  // Why a patch is non-uniform, in words a clinic manager can act on (empty when it is not):
  // comma-separated tags from SamplePatches, e.g. "shadow", "glare", "gradient", "spread",
  // "outside the frame". Appended to the patch's flags after "non_uniform".
  std::string reason;
};

// Reflectance spectra with their L*a*b* D50, for the spectral mode's training set.
struct TrainingSet {
  std::vector<color::Spectral36> reflectance;
  std::vector<color::Lab> lab;  // L*a*b* D50 (computed D50 white, as the chart's spectral truth)
  std::string description;
};

struct CalibrationOptions {
  Model model = Model::kAuto;                       // auto picks by leave-one-out mean dE00
  Linearization linearization = Linearization::kSrgb;
  // Ridge on the root-polynomial cross terms, relative to the data term and scale-free (terms are
  // measured after exposure normalisation, in units of their own RMS over the patches).
  double ridge = 1e-5;
  // Robust loss on dE00 (soft L1): residuals beyond ~this many dE00 count less than quadratically.
  double robust_scale_de00 = 3.0;
  bool refine = true;        // Ceres refinement on CIEDE2000 after the closed-form start
  bool leave_one_out = true;
  int max_iterations = 50;
  // A patch is "dark" for the dark-patch statistics when its reference L* is below this.
  double dark_l_max = 40.0;
  // Spectral mode: weight of the whole training set relative to the whole chart (each set's
  // weights sum to its share).
  double training_share = 1.0;
  // The light across the chart, fitted with the mapping and removed (calib/exposure_field.h);
  // auto fits each model with none and quadratic and keeps the lower leave-one-out criterion.
  ExposureField exposure_field = ExposureField::kAuto;
  double field_prior_sd = 0.5;  // prior sd of each field coefficient (log units)

  bool IsValid(std::string* message) const;
};

// Everything a calibration needs, already read and sampled (the CLI or a bench builds it).
struct CalibrationInput {
  pb::ChartDefinition chart;                  // patch names, neutral / skin_like flags, spectra
  std::vector<color::Lab> reference;          // per patch (chart order); empty: the chart's published
  std::vector<PatchObservation> patches;      // per patch (chart order)
  std::vector<double> weights;                // per patch; empty: uniform
  const TrainingSet* training = nullptr;      // borrowed; the spectral mode needs it (and chart spectra)
  std::string camera, illuminant, created, software_version;  // recorded in the profile
};

// How one candidate model did (every model is fitted and left out when leave_one_out is on).
struct ModelReport {
  Model model = Model::kLinear;
  bool available = true;      // false: not applicable (spectral without spectra / training set)
  std::string note;
  pb::ErrorStats fit, loo, loo_skin, loo_dark;
  double loo_weighted_mean = 0;  // the auto criterion (plain mean when weights are uniform)
  std::vector<double> de00, loo_de00;  // per patch (chart order); excluded patches -1
  bool converged = true;
  int loo_fits = 0, loo_not_converged = 0;  // leave-one-out refits run / not converged
  ExposureField exposure_field = ExposureField::kNone;  // the variant this candidate is (auto picks by LOO)
};

struct CalibrationResult {
  pb::CameraProfile profile;          // the chosen model
  std::vector<ModelReport> candidates;
  Model chosen = Model::kLinear;
  std::vector<std::string> excluded;  // "name (clipped)" ...
  std::string BriefReport() const;
};

// Throws std::invalid_argument for bad input (patch count differs from the chart, NaN or negative
// values, too few usable patches, no neutral patch, spectral mode without spectra).
CalibrationResult Calibrate(const CalibrationInput& input, const CalibrationOptions& options);

// Patch weights favouring skin-like and dark patches (the product measures skin and near-black).
std::vector<double> SkinWeights(const pb::ChartDefinition& chart, const std::vector<color::Lab>& reference,
                                double dark_l_max = 40.0);

// A profile as a function device RGB -> L*a*b* D50 (ICC D50 white). Validates the profile
// (throws std::invalid_argument naming what is wrong).
class ProfileTransform {
 public:
  explicit ProfileTransform(const pb::CameraProfile& profile);
  // Device value (capture encoding) -> linear, exposure-normalised RGB.
  Rgb Normalised(const Rgb& device) const;
  color::Xyz ToXyz(const Rgb& device) const;  // XYZ D50, Y = 1 for the perfect white
  color::Lab ToLab(const Rgb& device) const;
  // The model on already normalised RGB (what the ICC CLUT samples).
  color::Xyz NormalisedToXyz(const Rgb& normalised) const;
  Linearization linearization() const { return lin_; }
  const std::vector<double>& linearization_params() const { return lin_params_; }
  double exposure() const { return exposure_; }
  int n_terms() const { return n_terms_; }
  const std::vector<double>& coefficients() const { return coef_; }

 private:
  Linearization lin_;
  std::vector<double> lin_params_;
  double exposure_ = 1;
  int n_terms_ = 3;
  std::vector<double> coef_;
};

// Drift of a later photo of the chart against the profile (`profile check`).
struct DriftOptions {
  double max_mean_drift_de00 = 1.0;  // recalibrate when the mean drift exceeds this
  double max_patch_drift_de00 = 3.0; // ... or any patch drifts more than this
};
struct DriftReport {
  std::vector<double> drift_de00;      // per patch: now vs at calibration (the profile's fitted Lab); -1 excluded
  std::vector<double> accuracy_de00;   // per patch: now vs reference; -1 excluded
  pb::ErrorStats drift, accuracy;
  bool recalibrate = false;
  std::string reason;
};
DriftReport CheckDrift(const pb::CameraProfile& profile, const std::vector<PatchObservation>& patches,
                       const DriftOptions& options);

// Error statistics of a list of dE00 values (negative entries are skipped).
pb::ErrorStats Stats(const std::vector<double>& de00);

}  // namespace shadecast::calib
