#pragma once
// Inputs of `calibrate` and `profile check/apply`: photos located and sampled, patch and reference
// CSVs, weights, the spectral mode's training set.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "calib/calibration.h"
#include "cli/common.h"
#include "calib/detect.h"
#include "shadecast/chart.pb.h"
#include "image/image.h"

namespace shadecast::cli {

// "x1,y1,...,x4,y4" (--corners). Throws InputError.
calib::Corners ParseCorners(const std::string& text);

struct ChartPhoto {
  ImageF image;
  int bits = 8;
  calib::ChartLocation location;
  std::vector<calib::PatchObservation> patches;
};
// Reads, locates (mcc, or the given corners) and samples. Throws InputError for an unreadable
// image and ChartNotFoundError when no chart is found.
ChartPhoto LoadChartPhoto(const std::string& path, const pb::ChartDefinition& chart, const std::string& corners,
                          bool linear_input);

// Patches CSV: index,r,g,b, one row per chart patch in chart order, finite values >= 0.
std::vector<calib::PatchObservation> ReadPatchesCsv(const std::string& path, int n_patches);
// Reference L*a*b*: CSV index,L,a,b (one row per patch) or a synthesiser truth file (.textproto,
// .pb, .json with patches[].lab).
std::vector<color::Lab> ReadReference(const std::string& path, int n_patches);
// uniform | skin | FILE.csv (index,weight).
std::vector<double> ReadWeights(const std::string& spec, const pb::ChartDefinition& chart,
                                const std::vector<color::Lab>& reference);

// Skin and pigment-under-skin spectra from the optics model with the shipped defaults and library.
std::unique_ptr<calib::TrainingSet> DefaultTrainingSet();

nlohmann::json CornersJson(const calib::Corners& c);

}  // namespace shadecast::cli
