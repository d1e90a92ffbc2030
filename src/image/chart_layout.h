#pragma once
// Where a colour chart's patches lie on the card, in card millimetres: the geometry that chart
// detection, calibration, measurement with the chart in frame and the synthesiser all share.
#include <string>
#include <vector>

#include "color/spectrum.h"
#include "color/triple.h"
#include "shadecast/chart.pb.h"

namespace shadecast {

struct Point {
  double x = 0, y = 0;
};

// Patch k of the chart (0-based) in chart millimetres, origin at the card's top-left corner.
struct ChartLayout {
  double width_mm = 0, height_mm = 0;
  std::vector<Point> centers_mm;
  double patch_w_mm = 0, patch_h_mm = 0;
  double pitch_x_mm = 0, pitch_y_mm = 0;
  int rows = 0, cols = 0;
};
// Throws std::invalid_argument naming the chart when its geometry is inconsistent (patches do not
// fit the card, pitch smaller than the patch, rows * cols != number of patches).
ChartLayout LayoutOf(const pb::ChartDefinition& chart);

// What lies at chart point (u, v) mm (origin at the card's top-left corner): the patch index k
// (0-based) when inside patch k, the number of patches for the bare card, -1 off the card.
int PatchAtMm(const ChartLayout& layout, double u, double v);

// The 36-band reflectance of every patch (from ChartPatch.reflectance). Throws std::invalid_argument
// when a patch has none.
std::vector<color::Spectral36> PatchSpectra(const pb::ChartDefinition& chart);

// L*a*b* D50 of a reflectance (the colour core's colorimetry under the CIE D50 SPD).
color::Lab LabD50(const color::Spectral36& reflectance);

}  // namespace shadecast
