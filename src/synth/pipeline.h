#pragma once
// From light on the sensor to pixel values: exposure, vignetting, optical blur, shot and read noise,
// clipping, white balance and the output transfer curve. Works on ImageF buffers; file formats
// (PNG, TIFF, JPEG) live in store/image_io.h.
//
// Exposure rule (one rule for every command, so `synth patches` and `synth chart` agree): the
// perfect white diffuser under the scene light puts the sensor's brightest channel at
// `white_level` (default 0.8) of full scale, so nothing on a reflective chart clips before noise.
// Sensor value = exposure * CameraResponse::Raw36(reflectance). White balance then multiplies
// r, g, b by green/channel of that same white, so a spectrally flat surface comes out neutral; the
// developed perfect white is 0.8 * green/brightest in every channel (0.8 when green is brightest).
#include <cstdint>
#include <string>

#include "synth/camera.h"
#include "synth/image.h"

namespace shadecast::synth {

// The pixel encoding of an output image.
enum class Encoding {
  kSrgb8,     // sRGB transfer curve (IEC 61966-2-1), 8 bits
  kLinear16,  // linear, 16 bits
  kLinear,    // linear floats (CSV output of `synth patches`)
};
std::string EncodingToString(Encoding e);
// Throws std::invalid_argument listing the names when `s` is not one.
Encoding EncodingFromString(const std::string& s);

// Sensor noise. `realistic`: shot noise with full scale = `full_well_e` electrons (20,000 e-,
// a mid-size pixel) plus `read_noise_e` (3 e-) Gaussian read noise. `gaussian`: additive noise of
// `sigma` in full-scale units. Noise is drawn on the sensor values, before white balance.
struct NoiseModel {
  enum class Kind { kNone, kRealistic, kGaussian };
  Kind kind = Kind::kRealistic;
  double sigma = 0.0;           // kGaussian only, fraction of full scale
  double full_well_e = 20000;   // electrons at full scale
  double read_noise_e = 3.0;    // electrons, standard deviation

  std::string ToString() const;  // "realistic" | "none" | the sigma
  // "realistic" | "none" | a sigma >= 0 (fraction of full scale). Throws std::invalid_argument.
  static NoiseModel FromString(const std::string& s);
};

struct CaptureOptions {
  double white_level = 0.8;  // brightest sensor channel of the perfect white (exposure rule), (0, 1]
  bool white_balance = true; // scale channels so the perfect white is neutral
  NoiseModel noise;          // default: realistic
  double blur_px = 1.0;      // Gaussian optical blur sigma in pixels (0: none)
  double vignetting = 0.0;   // light loss at the frame corners, 0-0.9: gain = 1 - v * (r / r_corner)^2
  Encoding encoding = Encoding::kSrgb8;

  // False with a message naming the bad field.
  bool IsValid(std::string* message) const;
};

// Exposure scale and white-balance gains for one camera x light, by the rule above.
struct Exposure {
  double scale = 1.0;      // sensor = scale * raw
  Rgb wb_gains{1, 1, 1};   // developed linear = wb_gains * sensor
};
Exposure ComputeExposure(const CameraResponse& response, const CaptureOptions& options);

// The noiseless developed linear value of a surface (what the truth files report as camera_rgb):
// wb_gains * scale * raw, not clipped.
Rgb DevelopedLinear(const Rgb& raw, const Exposure& exposure);

// Develops a sensor image (RGB, already multiplied by the exposure scale) in place: vignetting,
// blur, noise (seeded: the same seed gives the same values), clipping to full scale, white balance,
// clipping, transfer curve. The result holds 0-1 values in `options.encoding`'s curve; quantising
// to 8 or 16 bits happens when it is written.
void Develop(ImageF* sensor, const Exposure& exposure, const CaptureOptions& options, uint64_t seed);

// sRGB encoding of a whole buffer of linear 0-1 values (a table with linear interpolation, within
// 1e-5 of color::SrgbEncode).
void EncodeSrgbInPlace(std::vector<float>* values);

}  // namespace shadecast::synth
