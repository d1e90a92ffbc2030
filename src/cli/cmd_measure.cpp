// shadecast measure: follicle (or dot) shade, skin colour and undertone of a scalp photo.
// Engine: src/measure/measure.h. Single photo (--image, --json, --overlay) or a folder (--images,
// --csv) measured on several threads with a progress bar on stderr.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "cli/calib_inputs.h"
#include "cli/commands.h"
#include "cli/measure_inputs.h"
#include "measure/measure.h"
#include "store/data_paths.h"
#include "store/files.h"
#include "store/image_io.h"
#include "store/message_io.h"
#include "store/shipped_data.h"

namespace shadecast::cli {
namespace {

namespace fs = std::filesystem;

nlohmann::json LabJson(const pb::Lab& l) { return {l.l(), l.a(), l.b()}; }

nlohmann::json ListOrNull(const google::protobuf::RepeatedField<double>& v) {
  return v.size() == 3 ? nlohmann::json(std::vector<double>(v.begin(), v.end())) : nlohmann::json(nullptr);
}

// `lab` is the blobs' core colour (a diagnostic since issue 18); `near` and `regional` are the look
// at viewing distance that the recipe matches (color/appearance.h).
nlohmann::json BlobJson(const pb::BlobSet& b) {
  const auto& n = b.near();
  const auto& g = b.regional();
  return {{"lab", b.count() > 0 ? LabJson(b.lab()) : nlohmann::json(nullptr)},
          {"count", b.count()},
          {"spread_de00", b.spread_de00()},
          {"blur_sigma_px", b.blur_sigma_px()},
          {"blur_correction_de00", b.blur_correction_de00()},
          {"rejected_elongated", b.rejected_elongated()},
          {"rejected_glare", b.rejected_glare()},
          {"density_per_cm2", b.density_per_cm2()},
          {"diameter_mm_quantiles", std::vector<double>(b.diameter_mm_quantiles().begin(), b.diameter_mm_quantiles().end())},
          {"near",
           {{"lab", ListOrNull(n.lab())}, {"delta_l", n.delta_l()}, {"delta_c", n.delta_c()},
            {"delta_h_deg", n.delta_h_deg()}, {"diameter_mm", n.diameter_mm()}, {"spread_de00", n.spread_de00()},
            {"features", n.features()}, {"distance_m", n.distance_m()}, {"uncertainty_de00", n.uncertainty_de00()}}},
          {"regional",
           {{"lab", ListOrNull(g.lab())}, {"de00_to_skin", g.de00_to_skin()}, {"texture_l", g.texture_l()},
            {"distance_m", g.distance_m()}, {"uncertainty_de00", g.uncertainty_de00()}}},
          {"look_region", std::vector<int>(b.look_region().begin(), b.look_region().end())}};
}

nlohmann::json ResultJson(const measure::MeasureResult& r, const std::string& image, bool dots) {
  const auto& m = r.measurement;
  const auto& u = m.undertone();
  const auto& q = m.quality();
  nlohmann::json j = {
      {"image", image},
      {"skin", {{"lab", LabJson(m.skin())}, {"lab_d65", LabJson(m.skin_d65())}, {"spread_de00", m.skin_spread_de00()},
                {"samples", m.skin_samples()}}},
      {"undertone", {{"class", u.class_()}, {"hue_deg", u.hue_deg()}, {"chroma", u.chroma()}, {"ita_deg", u.ita_deg()},
                     {"ita_category", u.ita_category()}, {"ita_from", "D65-adapted L*a*b* (Bradford)"}, {"monk", u.monk()}}},
      {"quality", {{"flags", std::vector<std::string>(q.flags().begin(), q.flags().end())},
                   {"messages", std::vector<std::string>(q.messages().begin(), q.messages().end())},
                   {"clipped_share", q.clipped_share()}, {"uneven_light_l", q.uneven_light_l()},
                   {"light_falloff_l", q.light_falloff_l()},
                   {"chart_drift_de00", q.chart_drift_de00()}, {"chart_fit_de00", q.chart_fit_de00()},
                   {"confidence", q.confidence()}, {"camera_blur_px", q.camera_blur_px()}}},
      {"px_per_mm", m.px_per_mm()},
      {"px_per_mm_source", m.px_per_mm_source()},
      {"color_source", m.color_source()},
      {"skin_color_model", m.skin_color_model()},
      {"color_model", m.color_model()}};
  if (dots) j["dots"] = BlobJson(m.dots());
  else j["follicle"] = BlobJson(m.follicle());
  return j;
}

void PrintText(const measure::MeasureResult& r, bool dots) {
  const auto& m = r.measurement;
  const auto& b = dots ? m.dots() : m.follicle();
  if (b.count() > 0)
    std::printf("%-10s L* %5.1f  a* %5.1f  b* %5.1f   %d found, spread %.2f dE00\n", dots ? "Dots" : "Follicles",
                b.lab().l(), b.lab().a(), b.lab().b(), b.count(), b.spread_de00());
  else
    std::printf("%-10s none found\n", dots ? "Dots" : "Follicles");
  std::printf("%-10s L* %5.1f  a* %5.1f  b* %5.1f\n", "Skin", m.skin().l(), m.skin().a(), m.skin().b());
  const auto& u = m.undertone();
  std::printf("Undertone  %s (hue %.1f deg, chroma %.1f); ITA %.1f deg (%s, from D65-adapted values); Monk %d\n",
              u.class_().c_str(), u.hue_deg(), u.chroma(), u.ita_deg(), u.ita_category().c_str(), u.monk());
  std::string from = m.color_source();
  if (!m.color_model().empty()) from += " (" + m.color_model() + " model)";
  if (!m.skin_color_model().empty()) from += ", skin through the " + m.skin_color_model() + " model";
  std::printf("Scale      %.2f px/mm (%s); colour from %s\n", m.px_per_mm(), m.px_per_mm_source().c_str(), from.c_str());
  for (const auto& msg : m.quality().messages()) std::printf("WARNING: %s\n", msg.c_str());
}

void WriteOverlay(const std::string& path, const ImageF& img, const measure::MeasureResult& r) {
  try {
    store::WriteImageAtomic(path, DrawOverlay(img, r), {});
  } catch (const std::exception& e) {
    throw InputError(std::string("--overlay: ") + e.what());
  }
}

int RunSingle(const MeasureCliOptions& o) {
  RefuseOverwritingInput(o.overlay, "--overlay", {o.image, o.profile, o.reference, o.thresholds});
  const MeasureSetup s = LoadMeasureSetup(o);
  const Photo photo = ReadPhoto(o.image);
  const ImageF& img = photo.image;
  const measure::MeasureResult r = MeasureOne(s, photo);
  const bool dots = s.options.target == measure::Target::kDots;
  if (!o.overlay.empty()) WriteOverlay(o.overlay, img, r);
  if (o.json) PrintJson(ResultJson(r, o.image, dots));
  else PrintText(r, dots);
  for (const auto& msg : r.measurement.quality().messages())
    if (o.json) std::fprintf(stderr, "warning: %s\n", msg.c_str());
  return kExitOk;
}

std::string CsvField(std::string s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

int RunBatch(const MeasureCliOptions& o) {
  if (o.csv.empty()) throw InputError("--images needs --csv OUT.csv");
  if (!o.overlay.empty() || o.json) throw InputError("--overlay and --json are for a single --image");
  if (o.jobs < 1) throw InputError("--jobs must be >= 1");
  const MeasureSetup s = LoadMeasureSetup(o);
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(o.images, ec)) throw InputError("--images " + o.images + ": not a folder");
  for (const auto& e : fs::directory_iterator(o.images)) {
    if (!e.is_regular_file()) continue;
    try {
      store::ImageFormatFromPath(e.path());
      files.push_back(e.path());
    } catch (const std::exception&) {
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw InputError("--images " + o.images + ": no PNG, TIFF or JPEG files");
  const bool dots = s.options.target == measure::Target::kDots;
  std::vector<std::string> rows(files.size());
  std::atomic<size_t> next{0}, done{0};
  std::mutex io;
  const size_t n = files.size();
  auto progress = [&] {
    const size_t d = done.load();
    const int width = 30, fill = static_cast<int>(width * d / n);
    std::fprintf(stderr, "\rmeasuring [%s%s] %zu/%zu", std::string(fill, '#').c_str(), std::string(width - fill, '.').c_str(),
                 d, n);
    if (d == n) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  };
  auto work = [&] {
    for (size_t i; (i = next++) < n;) {
      std::string row = CsvField(files[i].filename().string());
      char buf[512];
      try {
        const auto r = MeasureOne(s, ReadPhoto(files[i].string()));
        const auto& m = r.measurement;
        const auto& b = dots ? m.dots() : m.follicle();
        const auto& u = m.undertone();
        std::string flags;
        for (const auto& f : m.quality().flags()) flags += (flags.empty() ? "" : ";") + f;
        if (b.count() > 0)
          std::snprintf(buf, sizeof buf, ",%.3f,%.3f,%.3f,%d,%.3f", b.lab().l(), b.lab().a(), b.lab().b(), b.count(),
                        b.spread_de00());
        else
          std::snprintf(buf, sizeof buf, ",,,,0,");
        row += buf;
        std::snprintf(buf, sizeof buf, ",%.3f,%.3f,%.3f,%s,%.2f,%.2f,%.2f,%s,%d,%.3f,", m.skin().l(), m.skin().a(),
                      m.skin().b(), u.class_().c_str(), u.hue_deg(), u.chroma(), u.ita_deg(), u.ita_category().c_str(),
                      u.monk(), m.px_per_mm());
        row += buf + flags + ",";
      } catch (const std::exception& e) {
        row += ",,,,,,,,,,,,,,,,," + CsvField(e.what());
      }
      rows[i] = row;
      ++done;
      std::lock_guard<std::mutex> lock(io);
      progress();
    }
  };
  progress();
  std::vector<std::thread> pool;
  const int jobs = std::min<int>(o.jobs, static_cast<int>(n));
  for (int k = 1; k < jobs; ++k) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  const std::string what = dots ? "dots" : "follicle";
  std::string out = "image," + what + "_L," + what + "_a," + what + "_b," + what + "_count," + what +
                    "_spread_de00,skin_L,skin_a,skin_b,undertone_class,hue_deg,chroma,ita_deg,ita_category,monk,"
                    "px_per_mm,flags,error\n";
  int failed = 0;
  for (const auto& r : rows) {
    out += r + "\n";
    failed += r.back() != ',';
  }
  try {
    store::WriteFileAtomic(o.csv, out);
  } catch (const std::exception& e) {
    throw InputError(std::string("--csv: ") + e.what());
  }
  std::fprintf(stderr, "wrote %s: %zu photos, %d could not be measured (see the error column)\n", o.csv.c_str(), n, failed);
  return kExitOk;
}

int RunMeasure(const MeasureCliOptions& o) {
  if (o.image.empty() == o.images.empty()) throw InputError("give exactly one of --image IMG or --images DIR");
  if (!o.profile.empty() && o.chart_in_frame) throw InputError("give --profile or --chart-in-frame, not both");
  return o.image.empty() ? RunBatch(o) : RunSingle(o);
}

void RegisterMeasure(CLI::App& app, Action& action) {
  auto o = std::make_shared<MeasureCliOptions>();
  CLI::App* c = app.add_subcommand("measure", "Follicle (or dot) shade, skin colour and undertone of a scalp photo");
  c->add_option("--image", o->image, "scalp photo (PNG, TIFF, JPEG)");
  c->add_option("--images", o->images, "folder of photos (batch; needs --csv)");
  c->add_option("--profile", o->profile, "CameraProfile (.pb, .textproto, .json); a chart in the frame is then checked for drift");
  c->add_flag("--chart-in-frame", o->chart_in_frame, "colour and scale from the chart in the photo");
  c->add_option("--skin-model", o->skin_model, kSkinModelHelp)
      ->capture_default_str();
  c->add_option("--chart-model", o->chart_model, kChartModelHelp)
      ->capture_default_str();
  c->add_option("--chart", o->chart, "chart in the frame (id or path)")->capture_default_str();
  c->add_option("--corners", o->corners, "card corners x1,y1,...,x4,y4 when detection fails");
  c->add_option("--reference", o->reference, "measured L*a*b* of your chart (CSV index,L,a,b or a truth file)");
  c->add_option("--target", o->target, "follicles | dots")->capture_default_str();
  c->add_option("--roi", o->roi, "region x,y,w,h in pixels (default: the whole photo)");
  c->add_option("--px-per-mm", o->px_per_mm, "scale when there is no chart in the frame");
  c->add_flag("--no-blur-correction", o->no_blur_correction, "report blob cores as seen, without undoing the optical blur");
  c->add_option("--overlay", o->overlay, "write the photo with the detected blobs and the skin sample marked (PNG)");
  c->add_option("--thresholds", o->thresholds, "undertone rules (default data/undertone/thresholds.textproto)");
  c->add_option("--csv", o->csv, "batch output CSV");
  c->add_option("--jobs", o->jobs, "batch threads")->capture_default_str();
  c->add_flag("--json", o->json, "print JSON");
  c->callback([o, &action] { action = [o] { return RunMeasure(*o); }; });
}

}  // namespace

SHADECAST_REGISTER_COMMAND(40, "measure", RegisterMeasure);

}  // namespace shadecast::cli
