// shadecast profile apply | check: use a camera profile on new pixels, or re-check it with a new
// photo of the chart. Engine: src/calib/calibration.h.
#include <cstdio>
#include <filesystem>

#include "calib/calibration.h"
#include "cli/calib_inputs.h"
#include "cli/calibrate.h"
#include "cli/commands.h"
#include "color/csv.h"
#include "store/files.h"
#include "store/float_image.h"
#include "store/image_io.h"
#include "store/message_io.h"
#include "store/shipped_data.h"

namespace shadecast::cli {
namespace {

pb::CameraProfile LoadProfile(const std::string& path) {
  pb::CameraProfile p;
  try {
    store::ReadMessage(path, &p);
    calib::ProfileTransform check(p);
  } catch (const std::exception& e) {
    throw InputError("--profile " + path + ": " + e.what());
  }
  return p;
}

// ---- apply ---------------------------------------------------------------------------------------
struct ApplyOptions {
  std::string profile, rgb, image, out;
  bool json = false;
};

int RunApply(const ApplyOptions& o) {
  if (o.rgb.empty() == o.image.empty()) throw InputError("give exactly one of --rgb or --image");
  if (!o.image.empty() && o.out.empty()) throw InputError("--image needs --out LAB.tiff");
  const pb::CameraProfile profile = LoadProfile(o.profile);
  const calib::ProfileTransform t(profile);
  if (!o.rgb.empty()) {
    color::CsvTable tab;
    try {
      tab = color::ParseCsv(store::ReadFile(o.rgb), o.rgb);
    } catch (const std::exception& e) {
      throw InputError(e.what());
    }
    if (tab.cols() != 4) throw InputError(o.rgb + ": expected 4 columns index,r,g,b");
    nlohmann::json labs = nlohmann::json::array();
    std::vector<color::Lab> out;
    for (size_t r = 0; r < tab.rows.size(); ++r) {
      calib::Rgb v;
      for (int c = 0; c < 3; ++c) {
        if (!color::ParseDouble(tab.rows[r][c + 1], &v[c]))
          throw InputError(o.rgb + " row " + std::to_string(r + 1) + ": '" + tab.rows[r][c + 1] + "' is not a number");
        if (v[c] < 0) throw InputError(o.rgb + " row " + std::to_string(r + 1) + ": negative value");
      }
      out.push_back(t.ToLab(v));
      labs.push_back({out.back()[0], out.back()[1], out.back()[2]});
    }
    if (o.json) {
      PrintJson({{"lab", labs}});
    } else {
      std::printf("index,L,a,b\n");
      for (size_t r = 0; r < out.size(); ++r)
        std::printf("%s,%.4f,%.4f,%.4f\n", tab.rows[r][0].c_str(), out[r][0], out[r][1], out[r][2]);
    }
    return kExitOk;
  }
  ImageF img;
  try {
    img = store::ReadColourPhoto(o.image);
  } catch (const std::exception& e) {
    throw InputError(e.what());
  }
  ImageF lab(img.width, img.height, 3);
  double mean[3] = {0, 0, 0};
  for (size_t i = 0; i < img.data.size(); i += 3) {
    const color::Lab l = t.ToLab({img.data[i], img.data[i + 1], img.data[i + 2]});
    for (int c = 0; c < 3; ++c) {
      lab.data[i + c] = static_cast<float>(l[c]);
      mean[c] += l[c];
    }
  }
  try {
    store::WriteFloatTiffAtomic(o.out, lab);
  } catch (const std::runtime_error& e) {
    throw InputError(std::string("--out: ") + e.what());
  }
  const double n = static_cast<double>(img.width) * img.height;
  if (o.json) {
    PrintJson({{"out", o.out}, {"width", img.width}, {"height", img.height},
               {"mean_lab", {mean[0] / n, mean[1] / n, mean[2] / n}}});
  } else {
    std::printf("wrote %dx%d float L*a*b* D50 image %s\n", img.width, img.height, o.out.c_str());
  }
  return kExitOk;
}

// ---- check ---------------------------------------------------------------------------------------
using CheckOptions = ProfileCheckOptions;

nlohmann::json Stats2(const pb::ErrorStats& s) { return {{"mean_de00", s.mean_de00()}, {"max_de00", s.max_de00()}}; }

struct Checked {
  pb::CameraProfile profile;
  calib::DriftReport report;
  calib::Corners corners{};
};

Checked DoCheck(const CheckOptions& o) {
  Checked c;
  c.profile = LoadProfile(o.profile);
  const pb::CameraProfile& profile = c.profile;
  pb::ChartDefinition chart;
  try {
    chart = store::LoadChart(profile.chart_id());
  } catch (const std::exception& e) {
    throw InputError("--profile: its chart '" + profile.chart_id() + "': " + e.what());
  }
  if (chart.patches_size() != profile.patches_size())
    throw InputError("--profile: chart '" + chart.id() + "' has " + std::to_string(chart.patches_size()) +
                     " patches, the profile " + std::to_string(profile.patches_size()));
  if (!(o.max_mean > 0 && o.max_patch > 0)) throw InputError("--max-mean-drift/--max-patch-drift must be > 0");
  const bool linear = profile.linearization() == pb::NONE;
  const ChartPhoto photo = LoadChartPhoto(o.image, chart, o.corners, linear);
  calib::DriftOptions d;
  d.max_mean_drift_de00 = o.max_mean;
  d.max_patch_drift_de00 = o.max_patch;
  c.report = calib::CheckDrift(profile, photo.patches, d);
  c.corners = photo.location.corners;
  return c;
}

nlohmann::json BuildCheckJson(const Checked& c) {
  const pb::CameraProfile& profile = c.profile;
  const calib::DriftReport& r = c.report;
  {
    nlohmann::json patches = nlohmann::json::array();
    for (int i = 0; i < profile.patches_size(); ++i)
      patches.push_back({{"index", profile.patches(i).index()},
                         {"name", profile.patches(i).name()},
                         {"drift_de00", r.drift_de00[i] >= 0 ? nlohmann::json(r.drift_de00[i]) : nlohmann::json(nullptr)},
                         {"de00", r.accuracy_de00[i] >= 0 ? nlohmann::json(r.accuracy_de00[i]) : nlohmann::json(nullptr)},
                         {"excluded", r.drift_de00[i] < 0}});
    return nlohmann::json{{"drift", Stats2(r.drift)},
               {"accuracy", Stats2(r.accuracy)},
               {"calibration_loo", Stats2(profile.loo())},
               {"recalibrate", r.recalibrate},
               {"reason", r.reason},
               {"patches", patches},
               {"corners", CornersJson(c.corners)}};
  }
}

int RunCheck(const CheckOptions& o) {
  const Checked c = DoCheck(o);
  const calib::DriftReport& r = c.report;
  if (o.json) {
    PrintJson(BuildCheckJson(c));
  } else {
    std::printf("drift since calibration: mean %.2f, max %.2f dE00; against the reference: mean %.2f, max %.2f dE00\n",
                r.drift.mean_de00(), r.drift.max_de00(), r.accuracy.mean_de00(), r.accuracy.max_de00());
    std::printf("%s%s\n", r.recalibrate ? "RECALIBRATE: " : "ok: ", r.reason.c_str());
  }
  return kExitOk;
}

void RegisterProfile(CLI::App& app, Action& action) {
  CLI::App* p = app.add_subcommand("profile", "Use or re-check a camera profile");
  p->require_subcommand(1);
  auto a = std::make_shared<ApplyOptions>();
  CLI::App* ap = p->add_subcommand("apply", "Camera RGB -> L*a*b* D50 with a profile (CSV rows or a whole image)");
  ap->add_option("--profile", a->profile, "CameraProfile (.pb, .textproto, .json)")->required();
  ap->add_option("--rgb", a->rgb, "CSV index,r,g,b in the profile's encoding (as calibrated)");
  ap->add_option("--image", a->image, "photo taken at the calibration's exposure");
  ap->add_option("--out", a->out, "with --image: float L*a*b* TIFF (.tif)");
  ap->add_flag("--json", a->json, "print JSON ({\"lab\": [[L,a,b], ...]} for --rgb)");
  ap->callback([a, &action] { action = [a] { return RunApply(*a); }; });

  auto c = std::make_shared<CheckOptions>();
  CLI::App* cp = p->add_subcommand("check", "Photograph the chart again: drift against the profile, recalibrate or not");
  cp->add_option("--profile", c->profile, "CameraProfile (.pb, .textproto, .json)")->required();
  cp->add_option("--image", c->image, "new photo of the same chart under the same light and exposure")->required();
  cp->add_option("--corners", c->corners, "card corners x1,y1,...,x4,y4 when detection fails");
  cp->add_option("--max-mean-drift", c->max_mean, "recalibrate above this mean drift (dE00)")->capture_default_str();
  cp->add_option("--max-patch-drift", c->max_patch, "recalibrate when a patch drifts more (dE00)")->capture_default_str();
  cp->add_flag("--json", c->json, "print a JSON report");
  cp->callback([c, &action] { action = [c] { return RunCheck(*c); }; });
}

}  // namespace

nlohmann::json ProfileCheckJson(const ProfileCheckOptions& o) { return BuildCheckJson(DoCheck(o)); }

SHADECAST_REGISTER_COMMAND(26, "profile", RegisterProfile);

}  // namespace shadecast::cli
