#pragma once
// `pigment characterize`: fit a pigment's spectral two-constant Kubelka-Munk K and S (36 bands)
// from reflectances of a tint ladder with a known white and/or drawdowns over black and white
// backgrounds. K and S come out on the white's relative scale (Berns: S of titanium white = 1 per
// unit thickness). Input CSV format: docs/conventions.md, "Characterisation CSV".
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blend/kubelka_munk.h"
#include "blend/pigment_ks.h"
#include "color/csv.h"
#include "color/spectrum.h"
#include "color/triple.h"

namespace shadecast::blend {

// What one measured sample is.
enum class SampleKind {
  kTint,       // opaque mix of the pigment with the white; amount = pigment mass fraction (0, 1]
  kOverBlack,  // film of the pure pigment over the black background; amount = thickness X > 0
  kOverWhite,  // film of the pure pigment over the white background; amount = thickness X > 0
};
// "tint", "over_black", "over_white" (the CSV header prefixes).
const char* SampleKindToString(SampleKind kind);
bool SampleKindFromString(std::string_view text, SampleKind* kind);

// Saunderson's surface correction applied to every predicted reflectance.
struct SaundersonOptions {
  double k1 = 0.03;  // external (first-surface) reflection, 0 <= k1 < 1
  double k2 = 0.65;  // internal reflection of diffuse light at the surface, 0 <= k2 < 1
  bool include_k1 =
      true;  // measurement contains the surface reflection (specular included or matte)
};

struct CharacterizationSample {
  std::string label;  // the column header, e.g. "tint:0.25"
  SampleKind kind = SampleKind::kTint;
  double amount = 1.0;              // mass fraction (tint) or relative thickness (drawdowns)
  color::Spectral36 reflectance{};  // measured, fraction 0-1
};

struct CharacterizationData {
  std::string source;  // names the input in errors (the CSV path)
  std::vector<CharacterizationSample> samples;
  std::optional<color::Spectral36>
      background_black;  // measured reflectance of the black background
  std::optional<color::Spectral36>
      background_white;  // measured reflectance of the white background
};

// Reads a characterisation CSV (already parsed as text). `scale` multiplies reflectances (0.01 for
// percent). Throws std::runtime_error naming the source, the column and what was expected.
CharacterizationData ParseCharacterizationCsv(const color::CsvTable& table, double scale = 1.0);

// Throws std::runtime_error naming data.source when K and S cannot both be determined: no samples,
// a drawdown without its background column, or tints alone with fewer than two distinct fractions.
void ValidateCharacterizationData(const CharacterizationData& data);

struct CharacterizeOptions {
  SaundersonOptions saunderson;
  double smoothness = 0.01;  // weight of the first-difference penalty on log K and log S across
                             // bands (residuals are in reflectance percent); 0 disables it
  int max_iterations = 300;  // Ceres Levenberg-Marquardt iterations
  // True when every field is usable; otherwise false with the reason in *message.
  bool IsValid(std::string* message) const;
};

// How the fit ended (after ceres::Solver::Summary).
struct CharacterizeSummary {
  bool converged = false;
  double initial_cost = 0.0;  // Ceres cost (1/2 sum of squared residuals) at the start
  double final_cost = 0.0;
  int iterations = 0;
  std::string message;  // the solver's termination message
  std::string BriefReport() const;
};

struct SampleFit {
  std::string label;
  color::Spectral36 predicted{};  // predicted measured reflectance
  color::Lab measured_lab{};  // L*a*b* D50 of the measured reflectance (color::D50Colorimeter())
  color::Lab predicted_lab{};
  double de00 = 0.0;
};

struct CharacterizeResult {
  PigmentKs pigment;
  CharacterizeSummary summary;
  std::vector<SampleFit> samples;  // in input order
  double mean_de00 = 0.0;
  double max_de00 = 0.0;
};

// Predicted measured reflectance of one sample made with `pigment`, the reference `white` and the
// data's backgrounds (asserts the needed background is present).
color::Spectral36 PredictSample(const CharacterizationSample& sample,
                                const CharacterizationData& data, const PigmentKs& pigment,
                                const PigmentKs& white, const SaundersonOptions& so);

// Fits K and S. `white` is the reference white's K and S (e.g. titanium_white of the default
// library). Throws std::runtime_error for unusable data (ValidateCharacterizationData) and
// std::invalid_argument for invalid options.
CharacterizeResult Characterize(const CharacterizationData& data, const PigmentKs& white,
                                const CharacterizeOptions& options = {});

// The model behind PredictSample for one band, templated for the solver. kw, sw: the white's K and
// S; rg: the background reflectance (drawdowns only).
template <typename T>
T PredictSampleBand(SampleKind kind, double amount, const T& kp, const T& sp, double kw, double sw,
                    double rg, const SaundersonOptions& so) {
  T ri;
  if (kind == SampleKind::kTint) {
    const T k = T(amount) * kp + T((1.0 - amount) * kw);
    const T s = T(amount) * sp + T((1.0 - amount) * sw);
    ri = KmRInfinity(k, s);
  } else {
    ri = KmLayerOverBackground(kp, sp, T(amount), T(rg));
  }
  return SaundersonForward(ri, so.k1, so.k2, so.include_k1);
}

}  // namespace shadecast::blend
