#pragma once
// Shipped data: the synthesiser's cameras (data/cameras/<name>.csv) and chart definitions
// (calibration/charts/<id>.textproto with their spectra CSV), by name or by path.
#include <string>
#include <vector>

#include "shadecast/chart.pb.h"
#include "color/camera.h"

namespace shadecast::store {

// Names of the cameras shipped in data/cameras (file stems), sorted.
std::vector<std::string> ShippedCameraNames();
// A shipped camera by name, or any CSV of wavelength, r, g, b (store::LooksLikePath decides).
// Throws std::runtime_error naming the input: unknown name (listing the known ones), unreadable or
// malformed file, grid not covering 400-700 nm.
color::CameraSensitivity LoadCamera(const std::string& name_or_path);

// Ids of the chart definitions shipped in calibration/charts, sorted.
std::vector<std::string> ShippedChartIds();
// A chart by shipped id or path to a ChartDefinition .textproto. When the definition names a
// spectra_csv (relative to its own folder), every patch's reflectance is filled from it (column
// k+1 = patch k+1). Throws std::runtime_error naming the file and what is wrong.
pb::ChartDefinition LoadChart(const std::string& id_or_path);

}  // namespace shadecast::store
