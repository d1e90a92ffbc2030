// shadecast synth chart | patches | scalp: spectral renders with ground truth (src/synth).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>

#include "cli/commands.h"
#include "cli/inputs.h"
#include "color/csv.h"
#include "color/spectrum.h"
#include "store/files.h"
#include "store/image_io.h"
#include "store/message_io.h"
#include "store/shipped_data.h"
#include "synth/camera.h"
#include "synth/chart.h"
#include "synth/pipeline.h"
#include "synth/scalp.h"
#include "synth/truth.h"

namespace shadecast::cli {
namespace {

// Flags shared by both subcommands.
struct CommonOptions {
  std::string camera;
  std::string illuminant;
  std::string noise;  // default differs per subcommand
  int64_t seed = 1;
  std::string out, truth;
};

// Parses --noise into the capture options (InputError on a bad value).
synth::NoiseModel ParseNoise(const std::string& s) {
  try {
    return synth::NoiseModel::FromString(s);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--noise: ") + e.what());
  }
}

void CheckTruthPath(const std::string& truth) {
  try {
    store::MessageFormatFromPath(truth);
  } catch (const std::runtime_error& e) {
    throw InputError(std::string("--truth: ") + e.what());
  }
}

void CheckSeed(int64_t seed) {
  if (seed < 0) throw InputError("--seed: expected a non-negative integer, got " + std::to_string(seed));
}

// --size WIDTHxHEIGHT (64-20000 px per side).
void ParseSize(const std::string& size, int* width, int* height) {
  static const std::regex kSize(R"(^\s*(-?\d+)\s*[xX]\s*(-?\d+)\s*$)");
  std::smatch m;
  if (!std::regex_match(size, m, kSize))
    throw InputError("--size: expected WIDTHxHEIGHT in pixels (e.g. 2048x1536), got '" + size + "'");
  long w = 0, h = 0;
  try {
    w = std::stol(m[1]);
    h = std::stol(m[2]);
  } catch (const std::out_of_range&) {
    throw InputError("--size: each side must be 64-20000 pixels, got '" + size + "'");
  }
  if (w <= 0 || h <= 0) throw InputError("--size: width and height must be positive, got '" + size + "'");
  if (w < 64 || h < 64 || w > 20000 || h > 20000)
    throw InputError("--size: each side must be 64-20000 pixels, got '" + size + "'");
  *width = static_cast<int>(w);
  *height = static_cast<int>(h);
}

// --encoding of an image: srgb8 or linear16.
synth::Encoding ParseImageEncoding(const std::string& s) {
  synth::Encoding e;
  try {
    e = synth::EncodingFromString(s);
  } catch (const std::invalid_argument& err) {
    throw InputError(std::string("--encoding: ") + err.what());
  }
  if (e == synth::Encoding::kLinear) throw InputError("--encoding: an image is srgb8 or linear16, not 'linear'");
  return e;
}

// --out's format from its extension, with --jpeg (-1: not given) and the bit depth checked against it.
store::ImageFormat ParseImageOutput(const std::string& out, synth::Encoding encoding, int jpeg,
                                    store::ImageWriteOptions* write) {
  store::ImageFormat format;
  try {
    format = store::ImageFormatFromPath(out);
  } catch (const std::runtime_error& e) {
    throw InputError(std::string("--out: ") + e.what());
  }
  write->bits = encoding == synth::Encoding::kLinear16 ? 16 : 8;
  if (jpeg != -1) {
    if (format != store::ImageFormat::kJpeg)
      throw InputError("--jpeg: needs an --out ending in .jpg or .jpeg, got '" + out + "'");
    if (jpeg < 1 || jpeg > 100) throw InputError("--jpeg: quality must be 1-100, got " + std::to_string(jpeg));
    write->jpeg_quality = jpeg;
  }
  if (format == store::ImageFormat::kJpeg && write->bits == 16)
    throw InputError("--encoding linear16 needs a 16-bit format: --out must end in .png or .tif, not '" + out + "'");
  return format;
}

struct ChartOptions {
  CommonOptions common;
  std::string chart = "colorchecker24";
  std::string size = "2048x1536";
  std::string encoding = "srgb8";
  int jpeg = -1;  // -1: not given
  double blur = 1.0;
  double perspective = 0.10;
  double vignetting = 0.0;
  bool json = false;
};

int RunChart(const ChartOptions& o) {
  const CommonOptions& c = o.common;
  CheckSeed(c.seed);
  CheckTruthPath(c.truth);
  synth::ChartRenderOptions render;
  ParseSize(o.size, &render.width, &render.height);
  render.perspective = o.perspective;
  render.seed = static_cast<uint64_t>(c.seed);

  synth::CaptureOptions capture;
  capture.encoding = ParseImageEncoding(o.encoding);
  capture.noise = ParseNoise(c.noise);
  capture.blur_px = o.blur;
  capture.vignetting = o.vignetting;
  std::string why;
  if (!capture.IsValid(&why)) throw InputError("synth chart: " + why);
  if (!render.IsValid(&why)) throw InputError("synth chart: " + why);

  store::ImageWriteOptions write;
  const store::ImageFormat format = ParseImageOutput(c.out, capture.encoding, o.jpeg, &write);

  const synth::CameraSensitivity camera = store::LoadCamera(c.camera);
  const color::SampledSpectrum light = LoadIlluminant(c.illuminant);
  const pb::ChartDefinition chart = store::LoadChart(o.chart);
  const synth::CameraResponse response(camera, light);

  const synth::ChartRender r = synth::RenderChart(chart, response, render, capture);
  pb::Truth truth = synth::ChartTruth(chart, r, render, capture, response);
  truth.set_image(std::filesystem::path(c.out).filename().string());

  // Both files are encoded in memory first and written atomically, so bad input leaves neither.
  const std::string image_bytes = store::EncodeImage(r.image, format, write);
  const std::string truth_bytes = store::SerializeMessage(truth, store::MessageFormatFromPath(c.truth));
  store::WriteFileAtomic(c.out, image_bytes);
  store::WriteFileAtomic(c.truth, truth_bytes);
  if (o.json) {
    PrintJson({{"out", c.out}, {"truth", c.truth}, {"px_per_mm", r.px_per_mm},
               {"width", render.width}, {"height", render.height}});
  } else {
    std::printf("wrote %s (%dx%d, %s) and %s; chart %s at %.2f px/mm\n", c.out.c_str(), render.width, render.height,
                o.encoding.c_str(), c.truth.c_str(), chart.id().c_str(), r.px_per_mm);
  }
  return kExitOk;
}

struct PatchesOptions {
  CommonOptions common;
  std::string spectra;
  std::string encoding = "linear";
  double scale = 1.0;
  bool json = false;
};

int RunPatches(const PatchesOptions& o) {
  const CommonOptions& c = o.common;
  CheckSeed(c.seed);
  CheckTruthPath(c.truth);
  synth::CaptureOptions capture;
  if (o.encoding == "linear") {
    capture.encoding = synth::Encoding::kLinear;
  } else if (o.encoding == "srgb8" || o.encoding == "srgb") {
    capture.encoding = synth::Encoding::kSrgb8;
  } else {
    throw InputError("--encoding: expected linear or srgb8, got '" + o.encoding + "'");
  }
  capture.noise = ParseNoise(c.noise);

  const color::CsvTable table = color::ParseCsv(store::ReadFile(o.spectra), o.spectra);
  std::vector<color::SampledSpectrum> spectra;
  try {
    spectra = color::SpectraFromCsv(table, o.scale);
  } catch (const std::runtime_error& e) {
    throw InputError(e.what());
  }
  if (spectra.empty()) throw InputError(o.spectra + ": no reflectance columns after the wavelength column");
  std::vector<color::Spectral36> r36;
  for (const auto& s : spectra) {
    for (double v : s.values)
      if (v < -0.01 || v > 1.5)
        throw InputError(o.spectra + ": column '" + s.name + "' has reflectance " + std::to_string(v) +
                         ", expected a fraction 0-1 (use --percent for percent)");
    r36.push_back(color::ResampleTo36(s));
  }

  const synth::CameraSensitivity camera = store::LoadCamera(c.camera);
  const color::SampledSpectrum light = LoadIlluminant(c.illuminant);
  const synth::CameraResponse response(camera, light);
  const synth::PatchesResult res = synth::RenderPatches(r36, response, capture, static_cast<uint64_t>(c.seed));

  pb::Truth truth;
  truth.set_camera(response.camera_name());
  truth.set_illuminant(response.light_name());
  truth.set_seed(c.seed);
  truth.set_scene("patches");
  truth.set_encoding(synth::EncodingToString(capture.encoding));
  truth.set_noise(capture.noise.ToString());
  truth.set_exposure(res.exposure.scale);
  for (double g : res.exposure.wb_gains) truth.add_wb_gains(g);
  truth.set_image(std::filesystem::path(c.out).filename().string());
  std::ostringstream csv;
  csv << "# synth patches: camera " << camera.name << ", illuminant " << light.name << ", encoding " << o.encoding
      << ", noise " << capture.noise.ToString() << ", seed " << c.seed << " (spectra " << o.spectra << ")\n";
  csv << "index,r,g,b\n";
  char buf[128];
  for (size_t i = 0; i < spectra.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%zu,%.7g,%.7g,%.7g\n", i + 1, res.rgb[i][0], res.rgb[i][1], res.rgb[i][2]);
    csv << buf;
    pb::TruthPatch* p = truth.add_patches();
    p->set_index(static_cast<int>(i + 1));
    p->set_name(spectra[i].name);
    for (double v : res.lab[i]) p->add_lab(v);
    for (double v : res.camera_rgb[i]) p->add_camera_rgb(v);
  }
  const std::string truth_bytes = store::SerializeMessage(truth, store::MessageFormatFromPath(c.truth));
  store::WriteFileAtomic(c.out, csv.str());
  store::WriteFileAtomic(c.truth, truth_bytes);
  if (o.json) {
    PrintJson({{"out", c.out}, {"truth", c.truth}, {"count", spectra.size()}});
  } else {
    std::printf("wrote %zu camera RGB rows to %s and their truth to %s\n", spectra.size(), c.out.c_str(),
                c.truth.c_str());
  }
  return kExitOk;
}

// ---- scalp --------------------------------------------------------------------------------------
struct ScalpCliOptions {
  CommonOptions common;
  double melanin = optics::SkinParams{}.melanin;
  double blood = optics::SkinParams{}.blood;
  double skin_variation = synth::ScalpOptions{}.skin_variation;
  int follicles = synth::ScalpOptions{}.follicles;
  double follicle_diameter_mm = synth::ScalpOptions{}.follicle_diameter_mm;
  int dots = 0;
  std::string dots_recipe;
  std::optional<double> dots_load;        // absent: the parameters' load
  std::optional<double> dot_depth_mm;     // absent: the parameters' depth
  std::optional<double> dot_diameter_mm;  // absent: the parameters' diameter
  std::string library;
  int hairs = synth::ScalpOptions{}.hairs;
  std::string hair_color;
  bool with_chart = false;
  std::string chart = "colorchecker24_nano";
  double px_per_mm = synth::ScalpOptions{}.px_per_mm;
  std::string size = "2048x1536";
  std::string encoding = "srgb8";
  double blur = 1.0;
  double vignetting = 0.0;
  int jpeg = -1;
  std::string params;
  bool json = false;
};

int RunScalp(const ScalpCliOptions& o) {
  const CommonOptions& c = o.common;
  CheckSeed(c.seed);
  CheckTruthPath(c.truth);
  synth::ScalpOptions scalp;
  ParseSize(o.size, &scalp.width, &scalp.height);
  scalp.seed = static_cast<uint64_t>(c.seed);
  if (!(o.px_per_mm >= 2 && o.px_per_mm <= 500))
    throw InputError("--px-per-mm: expected 2-500, got " + std::to_string(o.px_per_mm));
  scalp.px_per_mm = o.px_per_mm;
  if (!(o.melanin > 0 && o.melanin < 1)) throw InputError("--melanin: expected a fraction in (0, 1)");
  if (!(o.blood > 0 && o.blood < 1)) throw InputError("--blood: expected a fraction in (0, 1)");
  scalp.skin.melanin = o.melanin;
  scalp.skin.blood = o.blood;
  if (!(o.skin_variation >= 0 && o.skin_variation <= 0.5))
    throw InputError("--skin-variation: expected a relative amplitude 0-0.5");
  scalp.skin_variation = o.skin_variation;
  if (o.follicles < 0) throw InputError("--follicles: expected a count >= 0, got " + std::to_string(o.follicles));
  scalp.follicles = o.follicles;
  if (!(o.follicle_diameter_mm >= 0.02 && o.follicle_diameter_mm <= 2))
    throw InputError("--follicle-diameter-mm: expected 0.02-2 mm");
  scalp.follicle_diameter_mm = o.follicle_diameter_mm;
  if (o.hairs < 0) throw InputError("--hairs: expected a count >= 0, got " + std::to_string(o.hairs));
  scalp.hairs = o.hairs;
  if (o.dots < 0) throw InputError("--dots: expected a count >= 0, got " + std::to_string(o.dots));
  scalp.dots = o.dots;

  scalp.params = LoadModelParams(o.params);
  if (!o.hair_color.empty()) {
    try {
      scalp.hair = synth::HairOpticsFor(synth::HairColorFromString(o.hair_color), scalp.params,
                                        &scalp.hair_color_residual_de00);
    } catch (const std::invalid_argument& e) {
      throw InputError(std::string("--hair-color: ") + e.what());
    }
    scalp.hair_color = o.hair_color;
  }
  if (o.dot_depth_mm) {
    if (!(*o.dot_depth_mm > 0)) throw InputError("--dot-depth-mm: expected a depth > 0 mm");
    scalp.params.depth_mm = *o.dot_depth_mm;
  }
  if (o.dot_diameter_mm) {
    if (!(*o.dot_diameter_mm > 0 && *o.dot_diameter_mm <= 5)) throw InputError("--dot-diameter-mm: expected 0-5 mm");
    scalp.params.dot_diameter_mm = *o.dot_diameter_mm;
  }
  std::string why;
  if (!scalp.params.IsValid(&why)) throw InputError("--dot-depth-mm/--dot-diameter-mm: " + why);
  scalp.dot_load = scalp.params.load;
  if (o.dots_load) {
    if (!(*o.dots_load > 0 && *o.dots_load <= 10)) throw InputError("--dots-load: expected a load in (0, 10]");
    scalp.dot_load = *o.dots_load;
  }
  std::unique_ptr<Library> library;
  if (o.dots > 0 && o.dots_recipe.empty())
    throw InputError("--dots " + std::to_string(o.dots) + " needs --dots-recipe PIGMENT:SHARE,... (e.g. carbon_black:1)");
  if (!o.dots_recipe.empty()) {
    library = LoadLibrary(o.library);
    scalp.dot_blend = ParseBlend(o.dots_recipe, *library, "--dots-recipe");
    scalp.dot_recipe = o.dots_recipe;
  }

  synth::CaptureOptions capture;
  capture.encoding = ParseImageEncoding(o.encoding);
  capture.noise = ParseNoise(c.noise);
  if (!(o.blur >= 0 && o.blur <= 50)) throw InputError("--blur-px: expected 0-50 px");
  capture.blur_px = o.blur;
  if (!(o.vignetting >= 0 && o.vignetting <= 0.9)) throw InputError("--vignetting: expected 0-0.9");
  capture.vignetting = o.vignetting;
  if (!capture.IsValid(&why)) throw InputError("synth scalp: " + why);
  store::ImageWriteOptions write;
  const store::ImageFormat format = ParseImageOutput(c.out, capture.encoding, o.jpeg, &write);

  pb::ChartDefinition chart;
  if (o.with_chart) {
    chart = store::LoadChart(o.chart);
    scalp.chart = &chart;
  }
  if (!scalp.IsValid(&why)) throw InputError("synth scalp: " + why);

  const synth::CameraSensitivity camera = store::LoadCamera(c.camera);
  const color::SampledSpectrum light = LoadIlluminant(c.illuminant);
  const synth::CameraResponse response(camera, light);

  const synth::ScalpRender r = synth::RenderScalp(scalp, response, capture);
  pb::Truth truth = synth::ScalpTruth(r, scalp, capture, response);
  truth.set_image(std::filesystem::path(c.out).filename().string());

  // Both files are encoded in memory first and written atomically, so bad input leaves neither.
  const std::string image_bytes = store::EncodeImage(r.image, format, write);
  const std::string truth_bytes = store::SerializeMessage(truth, store::MessageFormatFromPath(c.truth));
  store::WriteFileAtomic(c.out, image_bytes);
  store::WriteFileAtomic(c.truth, truth_bytes);
  if (o.json) {
    PrintJson({{"out", c.out},
               {"truth", c.truth},
               {"px_per_mm", scalp.px_per_mm},
               {"width", scalp.width},
               {"height", scalp.height},
               {"follicles", r.follicles.size()},
               {"dots", r.dots.size()},
               {"hairs", r.hairs.size()},
               {"chart", r.has_chart}});
  } else {
    std::printf("wrote %s (%dx%d, %s, %.1f px/mm) and %s: %zu follicles, %zu dots, %zu hairs%s\n", c.out.c_str(),
                scalp.width, scalp.height, o.encoding.c_str(), scalp.px_per_mm, c.truth.c_str(), r.follicles.size(),
                r.dots.size(), r.hairs.size(), r.has_chart ? (", chart " + chart.id()).c_str() : "");
  }
  return kExitOk;
}

void AddCommon(CLI::App* cmd, CommonOptions* c, const std::string& noise_default) {
  c->noise = noise_default;
  cmd->add_option("--camera", c->camera,
                  "shipped camera name (data/cameras, e.g. canon_eos_5d_mark_ii, gauss_broad, cie1931_cmf) or a CSV "
                  "of wavelength,r,g,b")
      ->required();
  cmd->add_option("--illuminant", c->illuminant,
                  "CIE name (A, D50, D65, FL2, FL11, LED-B1...LED-V2) or a CSV of wavelength,power")
      ->required();
  cmd->add_option("--noise", c->noise,
                  "realistic (shot noise, 20000 e- full scale, + 3 e- read noise), none, or a Gaussian sigma "
                  "(fraction of full scale)")
      ->capture_default_str();
  cmd->add_option("--seed", c->seed, "random seed: placement and noise (same flags, same bytes)")->capture_default_str();
  cmd->add_option("--truth", c->truth, "truth file: .textproto, .json or .pb (shadecast.pb.Truth)")->required();
}

void RegisterSynth(CLI::App& app, Action& action) {
  CLI::App* synth = app.add_subcommand("synth", "Spectral synthetic photos with ground truth");
  synth->require_subcommand(1);

  auto ch = std::make_shared<ChartOptions>();
  CLI::App* cc = synth->add_subcommand(
      "chart", "Render a colour chart in perspective: reflectance x light x camera -> image, plus truth");
  AddCommon(cc, &ch->common, "realistic");
  cc->add_option("--chart", ch->chart,
                 "shipped chart id (colorchecker24, colorchecker24_mini, colorchecker24_nano) or a ChartDefinition "
                 ".textproto")
      ->capture_default_str();
  cc->add_option("--size", ch->size, "frame WIDTHxHEIGHT in pixels")->capture_default_str();
  cc->add_option("--encoding", ch->encoding, "srgb8 or linear16 (16-bit PNG/TIFF)")->capture_default_str();
  cc->add_option("--jpeg", ch->jpeg, "JPEG quality 1-100 (--out must end in .jpg; default 95 for .jpg)");
  cc->add_option("--blur", ch->blur, "Gaussian optical blur sigma in pixels")->capture_default_str();
  cc->add_option("--perspective", ch->perspective, "maximal corner displacement, fraction of the chart width (0-0.3)")
      ->capture_default_str();
  cc->add_option("--vignetting", ch->vignetting, "light loss at the frame corners (0-0.9)")->capture_default_str();
  cc->add_option("--out", ch->common.out, "image: .png, .tif, .jpg")->required();
  cc->add_flag("--json", ch->json, "print a JSON summary");
  cc->callback([&action, ch] { action = [ch] { return RunChart(*ch); }; });

  auto pa = std::make_shared<PatchesOptions>();
  CLI::App* cp = synth->add_subcommand(
      "patches", "Camera RGB and true L*a*b* D50 of reflectance spectra, at the same exposure as synth chart");
  AddCommon(cp, &pa->common, "none");
  cp->add_option("--spectra", pa->spectra, "CSV: wavelength_nm then one reflectance column (0-1) per surface")
      ->required();
  cp->add_option("--encoding", pa->encoding, "linear (default) or srgb8 (sRGB-encoded 0-1 values)")
      ->capture_default_str();
  cp->add_flag_function(
      "--percent", [pa](int64_t) { pa->scale = 0.01; }, "reflectance columns are in percent");
  cp->add_option("--out", pa->common.out, "camera RGB CSV: index,r,g,b")->required();
  cp->add_flag("--json", pa->json, "print a JSON summary");
  cp->callback([&action, pa] { action = [pa] { return RunPatches(*pa); }; });

  auto sc = std::make_shared<ScalpCliOptions>();
  CLI::App* cs = synth->add_subcommand(
      "scalp", "Render a scalp close-up (skin, follicles, pigment dots, hairs; optionally a Nano chart), plus truth");
  AddCommon(cs, &sc->common, "realistic");
  cs->add_option("--melanin", sc->melanin, "epidermal melanin volume fraction (optics model)")->capture_default_str();
  cs->add_option("--blood", sc->blood, "dermal blood volume fraction (optics model)")->capture_default_str();
  cs->add_option("--skin-variation", sc->skin_variation,
                 "relative amplitude of the low-frequency melanin and blood fields (0-0.5)")
      ->capture_default_str();
  cs->add_option("--follicles", sc->follicles, "number of natural follicles (hair-filled openings)")
      ->capture_default_str();
  cs->add_option("--follicle-diameter-mm", sc->follicle_diameter_mm,
                 "mean follicle diameter; each is uniform in [2/3, 4/3] of it")
      ->capture_default_str();
  cs->add_option("--dots", sc->dots, "number of healed pigment dots (needs --dots-recipe)")->capture_default_str();
  cs->add_option("--dots-recipe", sc->dots_recipe, "dot pigments PIGMENT:SHARE,... (e.g. carbon_black:9,iron_oxide_red:1)");
  cs->add_option("--dots-load", sc->dots_load, "pigment load relative to undiluted ink (default: the parameters')");
  cs->add_option("--dot-depth-mm", sc->dot_depth_mm, "effective pigment depth (default: the parameters')");
  cs->add_option("--dot-diameter-mm", sc->dot_diameter_mm, "healed dot diameter (default: the parameters')");
  cs->add_option("--library", sc->library, "pigment library (default: the shipped one)");
  cs->add_option("--hairs", sc->hairs, "number of hair shafts lying on the skin")->capture_default_str();
  cs->add_option("--hair-color", sc->hair_color,
                 "hair colour from a published fibre measurement: black or dark_brown (brown, blond, grey and "
                 "white have none yet and are refused); default: the effective dark-brown shaft");
  cs->add_flag("--with-chart", sc->with_chart, "put a ColorChecker Nano in the frame at the same px/mm");
  cs->add_option("--chart", sc->chart, "chart for --with-chart (shipped id or ChartDefinition .textproto)")
      ->capture_default_str();
  cs->add_option("--px-per-mm", sc->px_per_mm, "image scale")->capture_default_str();
  cs->add_option("--size", sc->size, "frame WIDTHxHEIGHT in pixels")->capture_default_str();
  cs->add_option("--encoding", sc->encoding, "srgb8 or linear16 (16-bit PNG/TIFF)")->capture_default_str();
  cs->add_option("--blur-px", sc->blur, "Gaussian optical blur sigma in pixels")->capture_default_str();
  cs->add_option("--vignetting", sc->vignetting, "light loss at the frame corners (0-0.9)")->capture_default_str();
  cs->add_option("--jpeg", sc->jpeg, "JPEG quality 1-100 (--out must end in .jpg; default 95 for .jpg)");
  cs->add_option("--params", sc->params, "optics parameters (OpticsParams .textproto; default: shipped defaults)");
  cs->add_option("--out", sc->common.out, "image: .png, .tif, .jpg")->required();
  cs->add_flag("--json", sc->json, "print a JSON summary");
  cs->callback([&action, sc] { action = [sc] { return RunScalp(*sc); }; });
}

}  // namespace

SHADECAST_REGISTER_COMMAND(20, "synth", RegisterSynth);

}  // namespace shadecast::cli
