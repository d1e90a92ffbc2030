#include "store/shipped_data.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "color/csv.h"
#include "color/spectrum.h"
#include "store/data_paths.h"
#include "store/files.h"
#include "store/message_io.h"

namespace shadecast::store {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> Stems(const fs::path& dir, const std::string& ext) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

std::vector<std::string> ShippedCameraNames() { return Stems(ShareDir() / "data" / "cameras", ".csv"); }

color::CameraSensitivity LoadCamera(const std::string& name_or_path) {
  fs::path path;
  std::string name = name_or_path;
  if (LooksLikePath(name_or_path)) {
    path = name_or_path;
  } else {
    const auto known = ShippedCameraNames();
    if (std::find(known.begin(), known.end(), name_or_path) == known.end())
      throw std::runtime_error("unknown camera '" + name_or_path + "' (known: " + Join(known) +
                               ", or a path to a CSV of wavelength,r,g,b)");
    path = ShareDir() / "data" / "cameras" / (name_or_path + ".csv");
  }
  const color::CsvTable table = color::ParseCsv(ReadFile(path), path.string());
  return color::CameraFromCsv(table, name);
}

std::vector<std::string> ShippedChartIds() { return Stems(ShareDir() / "calibration" / "charts", ".textproto"); }

pb::ChartDefinition LoadChart(const std::string& id_or_path) {
  fs::path path;
  if (LooksLikePath(id_or_path)) {
    path = id_or_path;
  } else {
    const auto known = ShippedChartIds();
    if (std::find(known.begin(), known.end(), id_or_path) == known.end())
      throw std::runtime_error("unknown chart '" + id_or_path + "' (known: " + Join(known) +
                               ", or a path to a ChartDefinition .textproto)");
    path = ShareDir() / "calibration" / "charts" / (id_or_path + ".textproto");
  }
  pb::ChartDefinition chart;
  ReadMessage(path, &chart);
  for (int k = 0; k < chart.patches_size(); ++k)
    if (chart.patches(k).index() != k + 1)
      throw std::runtime_error(path.string() + ": patches must be listed in index order 1, 2, ...; entry " +
                               std::to_string(k + 1) + " has index " + std::to_string(chart.patches(k).index()));
  if (!chart.spectra_csv().empty()) {
    const fs::path csv = path.parent_path() / chart.spectra_csv();
    const color::CsvTable table = color::ParseCsv(ReadFile(csv), csv.string());
    const auto spectra = color::SpectraFromCsv(table);
    if (static_cast<int>(spectra.size()) != chart.patches_size())
      throw std::runtime_error(csv.string() + ": " + std::to_string(spectra.size()) + " spectra for " +
                               std::to_string(chart.patches_size()) + " patches of " + path.string());
    for (int k = 0; k < chart.patches_size(); ++k) {
      pb::Spectrum* s = chart.mutable_patches(k)->mutable_reflectance();
      s->Clear();
      for (double nm : spectra[k].wavelengths_nm) s->add_wavelengths_nm(nm);
      for (double v : spectra[k].values) s->add_values(v);
    }
  }
  return chart;
}

}  // namespace shadecast::store
