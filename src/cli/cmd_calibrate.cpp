// shadecast calibrate: a chart photo (or its patches) -> CameraProfile (+ ICC v4), with held-out
// accuracy. Engine: src/calib/calibration.h.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <memory>
#include <string>

#include "calib/calibration.h"
#include "calib/chart_match.h"
#include "calib/icc_profile.h"
#include "cli/calib_inputs.h"
#include "cli/calibrate.h"
#include "cli/commands.h"
#include "store/files.h"
#include "store/message_io.h"
#include "store/shipped_data.h"

namespace shadecast::cli {
namespace {

// A leave-one-out mean, or null / "n/a" when no patch of the kind was left (pb::ErrorStats::count).
nlohmann::json MeanOrNull(const pb::ErrorStats& s) { return s.count() > 0 ? nlohmann::json(s.mean_de00()) : nlohmann::json(nullptr); }
std::string MeanText(const pb::ErrorStats& s, int decimals) {
  if (s.count() == 0) return "n/a (none left)";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, s.mean_de00());
  return buf;
}

// What a clinic manager should do about a photo that cannot make a profile (docs/calibration.md).
constexpr const char* kReshoot =
    "re-shoot the chart: even light with no shadow across it, no glare (light from the side, not behind the "
    "camera), the chart flat and filling at least a quarter of the frame";

// The "poor" verdict's threshold: leave-one-out mean dE00 above it is refused unless --force.
constexpr double kPoorLooDe00 = 2.5;

struct Calibrated {
  calib::CalibrationResult res;
  std::optional<calib::Corners> corners;
};

calib::CalibrationOptions ParseCalibrationOptions(const CalibrateOptions& o) {
  if (o.image.empty() == o.patches.empty()) throw InputError("give exactly one of --image or --patches");
  calib::CalibrationOptions opt;
  try {
    opt.model = calib::ModelFromString(o.model);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--model: ") + e.what());
  }
  try {
    if (!o.linearization.empty()) opt.linearization = calib::LinearizationFromString(o.linearization);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--linearization: ") + e.what());
  }
  try {
    opt.exposure_field = calib::ExposureFieldFromString(o.exposure_field);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--exposure-field: ") + e.what());
  }
  try {
    store::MessageFormatFromPath(o.out);  // fails early on an unknown extension
  } catch (const std::exception& e) {
    throw InputError(std::string("--out: ") + e.what());
  }
  if (!o.icc.empty()) {
    const std::string e = std::filesystem::path(o.icc).extension().string();
    if (e != ".icc" && e != ".icm") throw InputError("--icc: expected a .icc or .icm file name, got " + o.icc);
    if (o.icc_version != "4.3" && o.icc_version != "2.4")
      throw InputError("--icc-version: expected 4.3 or 2.4, got " + o.icc_version);
  }

  return opt;
}

// Reads, checks the chart, fits, refuses a poor profile, writes the profile (and ICC): everything
// computed before anything is written, so a failure leaves no output.
Calibrated CalibrateAndWrite(const CalibrateOptions& o) {
  for (const auto& [out, flag] : {std::pair{o.out, "--out"}, std::pair{o.icc, "--icc"}})
    RefuseOverwritingInput(out, flag, {o.image, o.patches, o.reference, o.corners, o.weights});
  calib::CalibrationOptions opt = ParseCalibrationOptions(o);
  calib::CalibrationInput in;
  try {
    in.chart = store::LoadChart(o.chart);
  } catch (const std::exception& e) {
    throw InputError(std::string("--chart: ") + e.what());
  }
  const int n = in.chart.patches_size();
  if (!o.reference.empty()) in.reference = ReadReference(o.reference, n);

  std::optional<calib::Corners> corners;
  if (!o.image.empty()) {
    const bool linear_hint = o.linearization == "none";
    ChartPhoto photo = LoadChartPhoto(o.image, in.chart, o.corners, linear_hint);
    if (o.linearization.empty())
      opt.linearization = photo.bits == 16 ? calib::Linearization::kNone : calib::Linearization::kSrgb;
    in.patches = std::move(photo.patches);
    corners = photo.location.corners;
  } else {
    if (!o.corners.empty()) throw InputError("--corners goes with --image, not --patches");
    if (o.encoding != "linear" && o.encoding != "srgb")
      throw InputError("--encoding: expected linear or srgb, got '" + o.encoding + "'");
    in.patches = ReadPatchesCsv(o.patches, n);
    if (o.linearization.empty())
      opt.linearization = o.encoding == "srgb" ? calib::Linearization::kSrgb : calib::Linearization::kNone;
  }
  in.weights = ReadWeights(o.weights, in.chart, in.reference);
  std::unique_ptr<calib::TrainingSet> training;
  const bool has_spectra = n > 0 && in.chart.patches(0).reflectance().values_size() > 1;
  if ((opt.model == calib::Model::kAuto || opt.model == calib::Model::kSpectral) && has_spectra) {
    training = DefaultTrainingSet();
    in.training = training.get();
  }
  in.camera = o.camera;
  in.illuminant = o.illuminant;
  in.created = Today(o.as_of);
  in.software_version = SHADECAST_VERSION;

  const std::string input_name = o.image.empty() ? o.patches : o.image;
  const calib::ChartMatch match = calib::MatchChart(in, opt.linearization);
  if (!match.matches)
    throw NotThisChartError(input_name + ": " + match.reason + ". Check that it is a " + in.chart.display_name() +
                            " (--chart names another definition); " + kReshoot +
                            "; or give the card's corners with --corners. Nothing was written.");
  Calibrated out;
  out.corners = corners;
  calib::CalibrationResult& res = out.res;
  try {
    res = calib::Calibrate(in, opt);
  } catch (const std::invalid_argument& e) {
    throw InputError(input_name + ": " + e.what());
  }
  if (res.profile.loo().mean_de00() > kPoorLooDe00 && !o.force) {
    char buf[200];
    std::snprintf(buf, sizeof buf, ": the profile would be poor (%.1f dE00 average on patches it was not fitted to; ",
                  res.profile.loo().mean_de00());
    throw PoorCalibrationError(input_name + buf + "good is <= 1.5, poor above " + std::to_string(kPoorLooDe00).substr(0, 3) +
                               "). " + kReshoot + ". Nothing was written; --force writes it anyway.");
  }
  if (corners)
    for (const auto& c : *corners) {
      auto* p = res.profile.add_corners();
      p->set_x(c.x);
      p->set_y(c.y);
    }
  res.profile.set_weights(o.weights);
  // Everything is computed before anything is written: a failure leaves no output.
  std::string icc;
  if (!o.icc.empty()) {
    calib::IccOptions io;
    io.version = o.icc_version == "2.4" ? 2.4 : 4.3;
    icc = calib::IccProfileBytes(res.profile, io);
  }
  store::WriteMessageAtomic(o.out, res.profile);
  if (!o.icc.empty()) store::WriteFileAtomic(o.icc, icc);
  return out;
}

nlohmann::json BuildCalibrateJson(const CalibrateOptions& o, const Calibrated& c) {
  const calib::CalibrationResult& res = c.res;
  const std::optional<calib::Corners>& corners = c.corners;
  const pb::CameraProfile& p = res.profile;
  const std::string verdict = CalibrationVerdict(p.loo().mean_de00());
  {
    nlohmann::json patches = nlohmann::json::array();
    for (const auto& r : p.patches())
      patches.push_back({{"index", r.index()},
                         {"name", r.name()},
                         {"de00", r.de00()},
                         {"loo_de00", r.loo_de00() >= 0 ? nlohmann::json(r.loo_de00()) : nlohmann::json(nullptr)},
                         {"excluded", r.excluded()},
                         {"reason", r.flags()},
                         {"light", r.exposure()}});
    nlohmann::json candidates = nlohmann::json::array();
    for (const auto& c : res.candidates)
      candidates.push_back({{"model", calib::ModelToString(c.model)},
                            {"available", c.available},
                            {"note", c.note},
                            {"fit_mean_de00", c.fit.mean_de00()},
                            {"loo_mean_de00", c.loo.mean_de00()},
                            {"loo_max_de00", c.loo.max_de00()},
                            {"loo_skin_mean_de00", MeanOrNull(c.loo_skin)},
                            {"loo_dark_mean_de00", MeanOrNull(c.loo_dark)},
                            {"loo_weighted_mean_de00", c.loo_weighted_mean},
                            {"exposure_field", calib::ExposureFieldToString(c.exposure_field)}});
    return nlohmann::json{{"model", calib::ModelToString(res.chosen)},
               {"linearization", calib::LinearizationToString(calib::LinearizationFromProto(p.linearization()))},
               {"exposure_scale", p.exposure_scale()},
               {"exposure_field",
                {{"basis", p.exposure_field().basis()},
                 {"coefficients", std::vector<double>(p.exposure_field().coefficients().begin(),
                                                      p.exposure_field().coefficients().end())},
                 {"min", p.exposure_field().min()},
                 {"max", p.exposure_field().max()}}},
               {"fit", {{"mean_de00", p.fit().mean_de00()}, {"max_de00", p.fit().max_de00()}}},
               {"loo",
                {{"mean_de00", p.loo().mean_de00()},
                 {"max_de00", p.loo().max_de00()},
                 {"skin_mean_de00", MeanOrNull(p.loo_skin())},
                 {"skin_patches", p.loo_skin().count()},
                 {"dark_mean_de00", MeanOrNull(p.loo_dark())}}},
               {"patches", patches},
               {"excluded", res.excluded},
               {"corners", corners ? CornersJson(*corners) : nlohmann::json(nullptr)},
               {"candidates", candidates},
               {"converged", p.summary().converged() && p.summary().loo_not_converged() == 0},
               {"termination", p.summary().termination()},
               {"iterations", p.summary().iterations()},
               {"loo_fits", p.summary().loo_fits()},
               {"loo_fits_not_converged", p.summary().loo_not_converged()},
               {"verdict", verdict},
               {"out", o.out},
               {"icc", o.icc.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.icc)}};
  }
}

int RunCalibrate(const CalibrateOptions& o) {
  const Calibrated c = CalibrateAndWrite(o);
  if (o.json) {
    PrintJson(BuildCalibrateJson(o, c));
    return kExitOk;
  }
  const calib::CalibrationResult& res = c.res;
  const pb::CameraProfile& p = res.profile;
  const double loo_mean = p.loo().mean_de00();
  const std::string verdict = CalibrationVerdict(loo_mean);
  std::printf("Profile %s: %.1f dE00 average on patches it was not fitted to (skin patches %s)%s\n",
              verdict == "good" ? "good" : verdict == "usable" ? "usable" : "POOR", loo_mean,
              MeanText(p.loo_skin(), 1).c_str(),
              verdict == "good" ? "" : verdict == "usable" ? "; check the light and exposure" : "; retake the chart photo");
  std::printf("%s\n", res.BriefReport().c_str());
  std::printf("leave-one-out: skin-like patches mean %s dE00, dark patches mean %s dE00\n",
              MeanText(p.loo_skin(), 2).c_str(), MeanText(p.loo_dark(), 2).c_str());
  if (!p.summary().converged() || p.summary().loo_not_converged() > 0)
    std::printf("warning: the fit did not converge (%s; %d of %d leave-one-out refits did not): the figures may be "
                "worse than the camera can do\n",
                p.summary().termination().c_str(), p.summary().loo_not_converged(), p.summary().loo_fits());
  for (const auto& c : res.candidates) {
    if (!c.available) {
      std::printf("  %-9s  not available: %s\n", calib::ModelToString(c.model).c_str(), c.note.c_str());
      continue;
    }
    std::printf("  %-9s  fit %.2f  LOO mean %.2f max %.2f  skin %s  dark %s  light field %s%s\n",
                calib::ModelToString(c.model).c_str(), c.fit.mean_de00(), c.loo.mean_de00(), c.loo.max_de00(),
                MeanText(c.loo_skin, 2).c_str(), MeanText(c.loo_dark, 2).c_str(),
                calib::ExposureFieldToString(c.exposure_field).c_str(), c.model == res.chosen ? "  <- chosen" : "");
  }
  if (p.exposure_field().basis() != "none")
    std::printf("light across the chart: %.0f%% to %.0f%% of the centre's (%s field, removed from the fit)%s\n",
                100 * p.exposure_field().min(), 100 * p.exposure_field().max(), p.exposure_field().basis().c_str(),
                p.exposure_field().min() < 0.8 ? "; light this uneven is best avoided: light the chart evenly" : "");
  else
    std::printf("light across the chart: even enough (no field fitted)\n");
  for (const auto& e : res.excluded) std::printf("excluded: %s\n", e.c_str());
  std::printf("wrote %s%s%s\n", o.out.c_str(), o.icc.empty() ? "" : " and ", o.icc.c_str());
  return kExitOk;
}

void RegisterCalibrate(CLI::App& app, Action& action) {
  auto o = std::make_shared<CalibrateOptions>();
  CLI::App* c = app.add_subcommand("calibrate", "Camera profile from a photo of a colour chart (or its patch values)");
  c->add_option("--image", o->image, "chart photo: PNG/JPEG (sRGB) or 16-bit TIFF/PNG (linear)");
  c->add_option("--patches", o->patches, "patch values instead of a photo: CSV index,r,g,b (0-1), chart order");
  c->add_option("--encoding", o->encoding, "encoding of --patches values: linear or srgb")->capture_default_str();
  c->add_option("--chart", o->chart, "chart id (calibration/charts) or a ChartDefinition .textproto")
      ->capture_default_str();
  c->add_option("--reference", o->reference,
                "reference L*a*b* D50 replacing the chart's published values: CSV index,L,a,b or a synth truth file");
  c->add_option("--model", o->model, "auto, linear, rootpoly2 or spectral (auto: lowest leave-one-out mean dE00)")
      ->capture_default_str();
  c->add_option("--linearization", o->linearization,
                "srgb, gamma, curve or none (default: srgb for 8-bit photos and --encoding srgb, none otherwise)");
  c->add_option("--exposure-field", o->exposure_field,
                "light falling off across the chart, fitted with the mapping and removed: auto (with and without "
                "a quadratic field, the lower leave-one-out error kept), none, linear or quadratic")
      ->capture_default_str();
  c->add_option("--weights", o->weights, "uniform, skin (favour skin-like and dark patches) or CSV index,weight")
      ->capture_default_str();
  c->add_option("--corners", o->corners,
                "card corners x1,y1,...,x4,y4 in pixels (top-left = by patch 1, clockwise) when detection fails");
  c->add_option("--out", o->out, "profile: .pb (binary), .textproto or .json")->required();
  c->add_option("--icc", o->icc, "also write an ICC v4 input profile (.icc)");
  c->add_option("--icc-version", o->icc_version,
                "ICC version of --icc: 4.3, or 2.4 for tools that read only v2 (Debian's ArgyllCMS 2.3)")
      ->capture_default_str();
  c->add_option("--camera", o->camera, "camera name recorded in the profile");
  c->add_option("--illuminant", o->illuminant, "light recorded in the profile (informative)");
  c->add_option("--as-of", o->as_of, "creation date YYYY-MM-DD (default $SHADECAST_TODAY or today)");
  c->add_flag("--force", o->force,
              "write the profile even when it is poor (leave-one-out mean above 2.5 dE00; otherwise exit 5)");
  c->add_flag("--json", o->json, "print a JSON report");
  c->callback([o, &action] { action = [o] { return RunCalibrate(*o); }; });
}

}  // namespace

// <= 1.5 dE00 good (about the noise of a visit-to-visit re-measurement), <= 2.5 usable (kPoorLooDe00),
// else poor.
std::string CalibrationVerdict(double loo_mean) { return loo_mean <= 1.5 ? "good" : loo_mean <= kPoorLooDe00 ? "usable" : "poor"; }

nlohmann::json CalibrateJson(const CalibrateOptions& o) { return BuildCalibrateJson(o, CalibrateAndWrite(o)); }

SHADECAST_REGISTER_COMMAND(25, "calibrate", RegisterCalibrate);

}  // namespace shadecast::cli
