#include "cli/calib_inputs.h"

#include "store/training_set.h"

#include <cmath>
#include <filesystem>
#include <thread>

#include "calib/spectral.h"
#include "cli/common.h"
#include "cli/inputs.h"
#include "color/csv.h"
#include "optics/model.h"
#include "shadecast/synth.pb.h"
#include "store/files.h"
#include "store/image_io.h"
#include "store/message_io.h"

namespace shadecast::cli {

calib::Corners ParseCorners(const std::string& text) {
  const auto v = ParseNumberList(text, "--corners", 8);
  calib::Corners c;
  for (int k = 0; k < 4; ++k) c[k] = {v[2 * k], v[2 * k + 1]};
  return c;
}

nlohmann::json CornersJson(const calib::Corners& c) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& p : c) j.push_back({p.x, p.y});
  return j;
}

ChartPhoto LoadChartPhoto(const std::string& path, const pb::ChartDefinition& chart, const std::string& corners,
                          bool linear_input) {
  ChartPhoto photo;
  // Detection's one-time OpenCV set-up (calib::WarmUpDetector) runs on another core while the
  // photo decodes, and has finished before detection starts.
  std::thread warm_up;
  if (corners.empty()) warm_up = std::thread(calib::WarmUpDetector);
  struct Join {
    std::thread& t;
    ~Join() {
      if (t.joinable()) t.join();
    }
  } join{warm_up};
  try {
    photo.image = store::ReadColourPhoto(path, &photo.bits);
  } catch (const std::exception& e) {
    throw InputError(e.what());
  }
  if (warm_up.joinable()) warm_up.join();
  calib::DetectOptions d;
  d.linear_input = linear_input;
  if (!corners.empty()) {
    const calib::Corners c = ParseCorners(corners);
    for (const auto& p : c)
      if (p.x < 0 || p.y < 0 || p.x > photo.image.width || p.y > photo.image.height)
        throw InputError("--corners: a corner lies outside the " + std::to_string(photo.image.width) + "x" +
                         std::to_string(photo.image.height) + " image " + path);
    photo.location = calib::LocateWithCorners(photo.image, chart, c, d);
  } else {
    photo.location = calib::DetectChart(photo.image, chart, d);
    if (!photo.location.found)
      throw ChartNotFoundError(path + ": no " + chart.display_name() + " found (" + photo.location.message +
                               "); give the card's four corners with --corners x1,y1,x2,y2,x3,y3,x4,y4 "
                               "(pixels: top-left = the corner by patch 1, then clockwise)");
  }
  photo.patches = calib::SamplePatches(photo.image, chart, photo.location.corners, calib::SampleOptions{});
  return photo;
}

std::vector<calib::PatchObservation> ReadPatchesCsv(const std::string& path, int n) {
  color::CsvTable t;
  try {
    t = color::ParseCsv(store::ReadFile(path), path);
  } catch (const std::exception& e) {
    throw InputError(e.what());
  }
  if (t.cols() != 4) throw InputError(path + ": expected 4 columns index,r,g,b; found " + std::to_string(t.cols()));
  if (static_cast<int>(t.rows.size()) != n)
    throw InputError(path + ": expected " + std::to_string(n) + " rows (one per chart patch, in chart order), found " +
                     std::to_string(t.rows.size()));
  std::vector<calib::PatchObservation> out(n);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < 3; ++c) {
      double v = 0;
      const std::string& cell = t.rows[r][c + 1];
      if (!color::ParseDouble(cell, &v))
        throw InputError(path + " row " + std::to_string(r + 1) + ": '" + cell + "' is not a finite number");
      if (v < 0) throw InputError(path + " row " + std::to_string(r + 1) + ": negative value " + cell);
      out[r].rgb[c] = v;
    }
  calib::FlagClippedValues(&out);
  return out;
}

std::vector<color::Lab> ReadReference(const std::string& path, int n) {
  std::vector<color::Lab> out;
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".csv") {
    color::CsvTable t;
    try {
      t = color::ParseCsv(store::ReadFile(path), path);
    } catch (const std::exception& e) {
      throw InputError(e.what());
    }
    if (t.cols() != 4) throw InputError(path + ": expected 4 columns index,L,a,b; found " + std::to_string(t.cols()));
    for (size_t r = 0; r < t.rows.size(); ++r) {
      color::Lab lab;
      for (int c = 0; c < 3; ++c)
        if (!color::ParseDouble(t.rows[r][c + 1], &lab[c]))
          throw InputError(path + " row " + std::to_string(r + 1) + ": '" + t.rows[r][c + 1] + "' is not a number");
      out.push_back(lab);
    }
  } else {
    pb::Truth truth;
    try {
      store::ReadMessage(path, &truth);
    } catch (const std::exception& e) {
      throw InputError(e.what());
    }
    for (const auto& p : truth.patches()) {
      if (p.lab_size() != 3) throw InputError(path + ": patch " + std::to_string(p.index()) + " has no lab triple");
      out.push_back({p.lab(0), p.lab(1), p.lab(2)});
    }
  }
  if (static_cast<int>(out.size()) != n)
    throw InputError(path + ": expected " + std::to_string(n) + " reference colours (one per chart patch), found " +
                     std::to_string(out.size()));
  return out;
}

std::vector<double> ReadWeights(const std::string& spec, const pb::ChartDefinition& chart,
                                const std::vector<color::Lab>& reference) {
  if (spec == "uniform") return {};
  if (spec == "skin") return calib::SkinWeights(chart, reference);
  color::CsvTable t;
  try {
    t = color::ParseCsv(store::ReadFile(spec), spec);
  } catch (const std::exception& e) {
    throw InputError("--weights: expected uniform, skin or a CSV file index,weight: " + std::string(e.what()));
  }
  if (t.cols() != 2 || static_cast<int>(t.rows.size()) != chart.patches_size())
    throw InputError(spec + ": expected " + std::to_string(chart.patches_size()) + " rows index,weight");
  std::vector<double> w;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    double v = 0;
    if (!color::ParseDouble(t.rows[r][1], &v) || !(v > 0))
      throw InputError(spec + " row " + std::to_string(r + 1) + ": weight must be a positive number");
    w.push_back(v);
  }
  return w;
}

std::unique_ptr<calib::TrainingSet> DefaultTrainingSet() {
  return std::make_unique<calib::TrainingSet>(store::DefaultSkinTrainingSet());
}

}  // namespace shadecast::cli
