#pragma once
// A scalp close-up photographed spectrally: skin from the optics model with a mild low-frequency
// melanin/blood field, natural follicles (hair-filled openings), healed pigment dots (the optics
// model's sheet reflectance spread by its DotProfile), hair shafts lying on the skin, and
// optionally a ColorChecker Nano in the same frame at the same scale. See docs/synth.md.
//
// Pixel coordinates follow OpenCV (the centre of pixel (0, 0) is (0, 0)), as in chart.h.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "color/spectrum.h"
#include "color/triple.h"
#include "optics/model.h"
#include "optics/params.h"
#include "synth/dot_mc.h"
#include "shadecast/chart.pb.h"
#include "synth/camera.h"
#include "synth/chart.h"
#include "synth/image.h"
#include "synth/pipeline.h"

namespace shadecast::synth {

// Hair-shaft reflectance (eumelanin-pigmented keratin): an opaque Kubelka-Munk body,
// K = 2 [f mu_eu + (1 - f) mu_base], S = 0.75 mu_s' of keratin, with the optics model's
// chromophores and Saunderson surface terms (docs/synth.md gives the choice and its source).
struct HairOptics {
  // Eumelanin volume fraction of the cortex. Effective: with the scattering below it puts the shaft
  // at L*a*b* D50 about (20, 5, 12), dark-brown hair (docs/synth.md). Only the ratio
  // melanin / scattering matters for an opaque body.
  double melanin = 0.15;
  // Reduced scattering of the keratin cortex, mm^-1 (effective: a hair fibre is translucent).
  double scattering_per_mm = 2.0;
  // Share of pheomelanin in the cortex's melanin (0 = eumelanin only).
  double pheomelanin_share = 0.0;
  // Diffuse light returned by the cuticle before the cortex, flat in wavelength (0-0.1): what keeps
  // black hair neutral at L* ~18 rather than a darker brown.
  double surface_reflectance = 0.0;
};
color::Spectral36 HairShaftReflectance(const HairOptics& hair, const optics::ModelParams& params);

// Natural hair colours. Only black and dark brown have published fibre colours (docs/synth.md).
enum class HairColor { kBlack, kDarkBrown, kBrown, kBlond, kGrey, kWhite };
std::string HairColorToString(HairColor c);
// Throws std::invalid_argument listing the spellings (black, dark_brown, brown, blond, grey, white).
HairColor HairColorFromString(const std::string& s);
// L*a*b* of natural hair fibres from a published measurement, or nullopt where none is published:
// black (18.00, 0.02, -0.91) and dark brown (22.72, 3.35, 3.85), J. Cosmet. Sci. 51(5) (2000),
// "Measurement of hair luster", D65/10 deg, specular excluded.
std::optional<color::Lab> PublishedHairLab(HairColor c);
// Hair optics whose shaft reflectance matches the published colour (melanin, pheomelanin share fitted
// on a grid, the residual in `residual_de00`). Throws std::invalid_argument naming the colour when no
// published colour exists.
HairOptics HairOpticsFor(HairColor c, const optics::ModelParams& params, double* residual_de00 = nullptr);

struct ScalpOptions {
  int width = 2048;              // frame in pixels
  int height = 1536;
  double px_per_mm = 30.0;       // image scale (a close-up: 30 px/mm)

  optics::SkinParams skin;       // nominal skin of the optics model (melanin, blood, scattering)
  double skin_variation = 0.1;   // relative amplitude (0-0.5) of the low-frequency melanin and blood fields
  double variation_scale_mm = 4.0;  // correlation length of that field (coarsest lattice), mm
  double skin_node_mm = 0.5;     // spacing of the skin-spectrum nodes (bilinear in between), mm

  int follicles = 300;               // natural follicles (hair-filled openings)
  double follicle_diameter_mm = 0.15;  // mean; each follicle is uniform in [2/3, 4/3] of it
  double follicle_core_coverage = 0.9;  // hair share of the follicle core (the rest is skin), 0-1
  double follicle_edge = 0.35;       // soft edge: width of the fall-off as a fraction of the radius

  int dots = 0;                  // healed pigment dots
  optics::Blend dot_blend;       // borrows the pigment library (needed when dots > 0)
  std::string dot_recipe;        // as given, for the truth
  double dot_load = 1.0;         // pigment load relative to undiluted ink
  // Dot depth and diameter are params.depth_mm and params.dot_diameter_mm.
  optics::ModelParams params;
  DotMcOptions dot_mc;           // the Monte Carlo that renders the dot (synth/dot_mc.h)

  int hairs = 20;                // hair shafts lying on the skin
  double hair_length_min_mm = 3.0, hair_length_max_mm = 10.0;
  double hair_width_min_mm = 0.06, hair_width_max_mm = 0.10;
  HairOptics hair;
  std::string hair_color;        // for the truth: the published colour `hair` was fitted to ("" = default)
  double hair_color_residual_de00 = 0;

  const pb::ChartDefinition* chart = nullptr;  // borrowed; non-null: put this chart in the frame
  double chart_max_rotation_deg = 8.0;         // the chart lies flat, turned by up to this

  uint64_t seed = 1;

  // False with a message naming the bad field.
  bool IsValid(std::string* message) const;
};

struct ScalpBlob {
  Point center;             // pixels
  double diameter_mm = 0;
  color::Lab lab{};         // core L*a*b* D50 over the skin at its centre
  bool occluded = false;    // a hair crosses the core
};

struct ScalpHair {
  std::vector<Point> points;  // centre line, pixels
  double width_mm = 0;
};

struct ScalpRender {
  ImageF image;             // developed, 0-1 in the capture's encoding
  Exposure exposure;

  color::Spectral36 skin_mean{};   // mean skin reflectance over the frame (before features)
  color::Lab skin_lab{};
  Rgb skin_camera_rgb{};           // noiseless developed linear RGB of skin_mean

  color::Spectral36 follicle_core{};  // over the mean skin
  color::Lab follicle_lab{};
  Rgb follicle_camera_rgb{};
  std::vector<ScalpBlob> follicles;

  optics::RenderResult dot_model{};   // the optics model's skin and dot core at the nominal skin
  Rgb dot_camera_rgb{};
  std::vector<ScalpBlob> dots;

  color::Spectral36 hair_reflectance{};
  color::Lab hair_lab{};
  std::vector<ScalpHair> hairs;

  bool has_chart = false;
  ChartRender chart;                // corners, patch centres, px_per_mm, patch truth (no image)
};

// Throws std::invalid_argument for invalid options or when the features cannot be placed without
// overlap (too many for the frame).
ScalpRender RenderScalp(const ScalpOptions& options, const CameraResponse& response, const CaptureOptions& capture);

}  // namespace shadecast::synth
