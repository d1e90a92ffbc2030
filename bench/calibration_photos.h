#pragma once
// calibration_bench --photos DIR: real chart photos (DIR/labels.json, calibration/photos/SOURCES.md),
// side by side with OpenCV's own detector and cv::ccm (issue 20). Included by calibration_bench.cpp
// only (the bench folder builds one executable per *_bench.cpp).
//
// Per photo:
//   detection  shadecast's DetectChart and OpenCV's CCheckerDetector::process(MCC24, defaults) on the
//              photo as decoded; a detection counts only if every patch centre lies within 1/4 patch
//              of the centres given by the hand-labelled corners (labels.json "patch_grid_corners"
//              when present, else the card "corners" through the chart definition's layout).
//              OpenCV's patches are matched to the labelled centres as a set (its patch order is
//              its own).
//   accuracy   on the patches shadecast samples from the labelled corners (its exclusions applied
//              to both tools) with the chart's published reference: shadecast `auto` leave-one-out
//              mean and skin LOO, against cv::ccm (CCM_3x3, LINEARIZATION_GAMMA 2.2, DISTANCE_CIE2000,
//              initial LEAST_SQUARE) left out the same way; ratio shadecast / OpenCV.
//   time       shadecast detect + sample + calibrate; OpenCV detect.
// Only colorchecker_classic and colorchecker_passport photos are scored for accuracy (prints,
// screens and clones are not the chart's colours); every photo counts for detection.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/mcc.hpp>
#include <opencv2/mcc/ccm.hpp>
#include <string>
#include <vector>

#include "calib/calibration.h"
#include "calib/chart_match.h"
#include "calib/detect.h"
#include "color/adapt.h"
#include "color/ciede2000.h"
#include "image/chart_layout.h"
#include "store/image_io.h"

namespace photos_bench {

namespace cal = shadecast::calib;
using Pt = cv::Point2d;

inline std::vector<Pt> Centres(const cv::Matx33d& h, const std::vector<Pt>& mm) {
  std::vector<Pt> out;
  for (const auto& p : mm) {
    const cv::Vec3d v = h * cv::Vec3d(p.x, p.y, 1);
    out.emplace_back(v[0] / v[2], v[1] / v[2]);
  }
  return out;
}

inline cv::Matx33d Homography(const std::vector<Pt>& from, const std::vector<Pt>& to) {
  std::vector<cv::Point2f> a, b;
  for (const auto& p : from) a.emplace_back(float(p.x), float(p.y));
  for (const auto& p : to) b.emplace_back(float(p.x), float(p.y));
  return cv::Matx33d(cv::getPerspectiveTransform(a, b));
}

// Labelled patch centres (chart order) and the patch side in pixels (mean over the patches).
struct Truth {
  std::vector<Pt> centres;
  double patch_px = 0;
};

inline Truth LabelledCentres(const nlohmann::json& e, const shadecast::ChartLayout& l) {
  Truth t;
  std::vector<Pt> mm = {};
  for (const auto& c : l.centers_mm) mm.emplace_back(c.x, c.y);
  std::vector<Pt> src, dst;
  if (e.contains("patch_grid_corners")) {
    // The outer edges of the 6x4 patch block: map the block's mm box (first patch's top-left to the
    // last patch's bottom-right).
    const double x0 = l.centers_mm.front().x - l.patch_w_mm / 2, y0 = l.centers_mm.front().y - l.patch_h_mm / 2;
    const double x1 = l.centers_mm.back().x + l.patch_w_mm / 2, y1 = l.centers_mm.back().y + l.patch_h_mm / 2;
    src = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
    for (const auto& c : e["patch_grid_corners"]) dst.emplace_back(c[0].get<double>(), c[1].get<double>());
  } else {
    src = {{0, 0}, {l.width_mm, 0}, {l.width_mm, l.height_mm}, {0, l.height_mm}};
    for (const auto& c : e["corners"]) dst.emplace_back(c[0].get<double>(), c[1].get<double>());
  }
  const cv::Matx33d h = Homography(src, dst);
  t.centres = Centres(h, mm);
  // Patch side: the distance between horizontally neighbouring centres x patch / pitch.
  double acc = 0;
  int n = 0;
  for (int r = 0; r < l.rows; ++r)
    for (int c = 0; c + 1 < l.cols; ++c) {
      const Pt& a = t.centres[static_cast<size_t>(r * l.cols + c)];
      const Pt& b = t.centres[static_cast<size_t>(r * l.cols + c + 1)];
      acc += std::hypot(a.x - b.x, a.y - b.y) * l.patch_w_mm / l.pitch_x_mm;
      ++n;
    }
  t.patch_px = acc / n;
  return t;
}

// Largest distance from a labelled centre to the nearest found centre, in patch sides.
inline double WorstMiss(const Truth& t, const std::vector<Pt>& found) {
  if (found.size() != t.centres.size()) return INFINITY;
  double worst = 0;
  for (const auto& c : t.centres) {
    double best = INFINITY;
    for (const auto& f : found) best = std::min(best, std::hypot(c.x - f.x, c.y - f.y));
    worst = std::max(worst, best);
  }
  return worst / t.patch_px;
}

// OpenCV's detector on the photo as decoded (8-bit BGR), defaults; the patch centres it implies.
// OpenCV 4.6's CChecker gives the box only: mcc's MCC24 model is 6 x 4 cells of 2.5 units at a
// pitch of 2.75 inside a box one gap larger on every side (16.75 x 11.25), so patch (r, c) is at
// (1.5 + 2.75 c, 1.5 + 2.75 r). The box's corner order is tried in its four rotations and the one
// nearest the labels kept (identity of patches is not scored, only where they are).
inline std::vector<std::vector<Pt>> OpenCvDetect(const cv::Mat& bgr8, double* seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  auto det = cv::mcc::CCheckerDetector::create();
  std::vector<std::vector<Pt>> out;
  if (det->process(bgr8, cv::mcc::MCC24, 1)) {
    const auto list = det->getListColorChecker();
    if (!list.empty() && list.front()->getBox().size() == 4) {
      const std::vector<cv::Point2f> box = list.front()->getBox();
      std::vector<Pt> model;
      for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 6; ++c) model.emplace_back(1.5 + 2.75 * c, 1.5 + 2.75 * r);
      for (int rot = 0; rot < 4; ++rot) {
        std::vector<Pt> dst;
        for (int k = 0; k < 4; ++k) dst.emplace_back(box[static_cast<size_t>((k + rot) % 4)].x, box[static_cast<size_t>((k + rot) % 4)].y);
        out.push_back(Centres(Homography({{0, 0}, {16.75, 0}, {16.75, 11.25}, {0, 11.25}}, dst), model));
      }
    }
  }
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

// cv::ccm leave-one-out mean dE00 over the usable patches (8-bit sRGB device values 0-1): its
// gamma-2.2 linearisation, or (srgb_decoded) the exact sRGB decoding done first and no
// linearisation of its own (for renders known to be sRGB: the best cv::ccm can do with them).
inline double CcmLoo(const std::vector<cal::PatchObservation>& p, const std::vector<shadecast::color::Lab>& ref,
                     bool srgb_decoded = false) {
  auto dev = [&](const cal::PatchObservation& o) {
    cv::Vec3d v{o.rgb[0], o.rgb[1], o.rgb[2]};
    if (srgb_decoded)
      for (int c = 0; c < 3; ++c) v[c] = shadecast::color::SrgbDecode(v[c]);
    return v;
  };
  std::vector<int> use;
  for (size_t i = 0; i < p.size(); ++i)
    if (!p[i].clipped && !p[i].non_uniform) use.push_back(static_cast<int>(i));
  double acc = 0;
  int n = 0;
  for (int out : use) {
    std::vector<int> train;
    for (int i : use)
      if (i != out) train.push_back(i);
    cv::Mat src(static_cast<int>(train.size()), 1, CV_64FC3), lab(static_cast<int>(train.size()), 1, CV_64FC3);
    for (size_t k = 0; k < train.size(); ++k) {
      src.at<cv::Vec3d>(static_cast<int>(k)) = dev(p[static_cast<size_t>(train[k])]);
      const auto& r = ref[static_cast<size_t>(train[k])];
      lab.at<cv::Vec3d>(static_cast<int>(k)) = {r[0], r[1], r[2]};
    }
    try {
      cv::ccm::ColorCorrectionModel m(src, lab, cv::ccm::COLOR_SPACE_Lab_D50_2);
      m.setColorSpace(cv::ccm::COLOR_SPACE_sRGB);
      m.setCCM_TYPE(cv::ccm::CCM_3x3);
      m.setDistance(cv::ccm::DISTANCE_CIE2000);
      if (srgb_decoded) {
        m.setLinear(cv::ccm::LINEARIZATION_IDENTITY);
      } else {
        m.setLinear(cv::ccm::LINEARIZATION_GAMMA);
        m.setLinearGamma(2.2);
      }
      m.run();
      cv::Mat one(1, 1, CV_64FC3);
      one.at<cv::Vec3d>(0) = dev(p[static_cast<size_t>(out)]);
      cv::Mat lin = m.infer(one, true);  // linear sRGB D65 out; to Lab D50 below
      const cv::Vec3d v = lin.at<cv::Vec3d>(0);
      const shadecast::color::Xyz xyz = shadecast::color::LinearSrgbToXyzD50({v[0], v[1], v[2]});
      const shadecast::color::Lab l = shadecast::color::XyzToLab(xyz, shadecast::color::kIccD50White);
      acc += shadecast::color::DeltaE00(l, ref[static_cast<size_t>(out)]);
      ++n;
    } catch (const cv::Exception&) {
      return NAN;
    }
  }
  return n ? acc / n : NAN;
}

inline double Median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

inline int Run(const std::string& dir, const shadecast::pb::ChartDefinition& chart, const cal::TrainingSet* training) {
  namespace fs = std::filesystem;
  std::ifstream f(fs::path(dir) / "labels.json");
  if (!f) {
    std::fprintf(stderr, "calibration_bench --photos: no labels.json in %s\n", dir.c_str());
    return 2;
  }
  const nlohmann::json labels = nlohmann::json::parse(f);
  const shadecast::ChartLayout layout = shadecast::LayoutOf(chart);
  std::vector<shadecast::color::Lab> ref;
  for (const auto& p : chart.patches()) ref.push_back({p.reference_lab().l(), p.reference_lab().a(), p.reference_lab().b()});
  int n_photos = 0, found_sc = 0, found_cv = 0;
  std::vector<double> ratios;
  std::printf("%-36s %-22s %9s %9s %7s %7s %6s %6s %7s %8s %6s  %s\n", "photo", "card", "sc miss", "cv miss",
              "sc s", "cv s", "excl", "match", "sc LOO", "sc skin", "cv LOO", "ratio");
  for (const auto& e : labels) {
    const std::string file = e["file"], card = e["card"];
    if (card == "other_card") continue;
    const fs::path path = fs::path(dir) / file;
    if (!fs::exists(path)) {
      std::printf("%-36s missing (see SOURCES.md)\n", file.c_str());
      continue;
    }
    ++n_photos;
    const Truth truth = LabelledCentres(e, layout);
    int bits = 8;
    const auto img = shadecast::store::ReadImage(path, &bits);
    // shadecast: detect.
    auto t0 = std::chrono::steady_clock::now();
    cal::DetectOptions dopt;
    if (std::getenv("PB_NOREFINE")) dopt.refine = false;
    if (std::getenv("PB_MAXPX")) dopt.max_detect_pixels = std::atoi(std::getenv("PB_MAXPX"));
    // PB_NODETECT: accuracy only (the labelled corners), for quick comparisons of the fit.
    const cal::ChartLocation loc = std::getenv("PB_NODETECT") ? cal::ChartLocation{} : cal::DetectChart(img, chart, dopt);
    const double sc_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double sc_miss = INFINITY;
    if (loc.found) {
      const cv::Matx33d h = Homography({{0, 0}, {layout.width_mm, 0}, {layout.width_mm, layout.height_mm}, {0, layout.height_mm}},
                                       {{loc.corners[0].x, loc.corners[0].y}, {loc.corners[1].x, loc.corners[1].y},
                                        {loc.corners[2].x, loc.corners[2].y}, {loc.corners[3].x, loc.corners[3].y}});
      std::vector<Pt> mm;
      for (const auto& c : layout.centers_mm) mm.emplace_back(c.x, c.y);
      sc_miss = WorstMiss(truth, Centres(h, mm));
    }
    // OpenCV: detect on the decoded 8-bit photo.
    cv::Mat rgbf(img.height, img.width, CV_32FC3, const_cast<float*>(img.data.data())), bgr8;
    rgbf.convertTo(bgr8, CV_8UC3, 255.0);
    cv::cvtColor(bgr8, bgr8, cv::COLOR_RGB2BGR);
    double cv_s = 0;
    double cv_miss = INFINITY;
    if (!std::getenv("PB_NODETECT"))
      for (const auto& cand : OpenCvDetect(bgr8, &cv_s)) cv_miss = std::min(cv_miss, WorstMiss(truth, cand));
    found_sc += sc_miss <= 0.25;
    found_cv += cv_miss <= 0.25;
    // Accuracy on the labelled card's patches (Classic and Passport only).
    std::string acc = "-";
    if (card == "colorchecker_classic" || card == "colorchecker_passport") {
      cal::Corners corners;
      if (e.contains("patch_grid_corners")) {
        // The card corners implied by the patch block (the Passport's own card is larger).
        const double x0 = layout.centers_mm.front().x - layout.patch_w_mm / 2, y0 = layout.centers_mm.front().y - layout.patch_h_mm / 2;
        const double x1 = layout.centers_mm.back().x + layout.patch_w_mm / 2, y1 = layout.centers_mm.back().y + layout.patch_h_mm / 2;
        std::vector<Pt> dst;
        for (const auto& c : e["patch_grid_corners"]) dst.emplace_back(c[0].get<double>(), c[1].get<double>());
        const cv::Matx33d h = Homography({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}, dst);
        const auto cc = Centres(h, {{0, 0}, {layout.width_mm, 0}, {layout.width_mm, layout.height_mm}, {0, layout.height_mm}});
        for (int k = 0; k < 4; ++k) corners[static_cast<size_t>(k)] = {cc[static_cast<size_t>(k)].x, cc[static_cast<size_t>(k)].y};
      } else {
        for (int k = 0; k < 4; ++k) corners[static_cast<size_t>(k)] = {e["corners"][k][0].get<double>(), e["corners"][k][1].get<double>()};
      }
      cal::CalibrationInput in;
      in.chart = chart;
      in.patches = cal::SamplePatches(img, chart, corners, cal::SampleOptions{});
      in.training = training;
      int excluded = 0;
      for (const auto& p : in.patches) excluded += p.clipped || p.non_uniform;
      cal::CalibrationOptions o;
      o.linearization = bits == 16 ? cal::Linearization::kNone : cal::Linearization::kSrgb;
      if (std::getenv("PB_FIELD")) o.exposure_field = cal::ExposureFieldFromString(std::getenv("PB_FIELD"));
      if (std::getenv("PB_FIELD_SD")) o.field_prior_sd = std::atof(std::getenv("PB_FIELD_SD"));
      if (std::getenv("PB_ROBUST")) o.robust_scale_de00 = std::atof(std::getenv("PB_ROBUST"));
      if (std::getenv("PB_RIDGE")) o.ridge = std::atof(std::getenv("PB_RIDGE"));
      const cal::ChartMatch match = cal::MatchChart(in, o.linearization);
      char buf[200];
      try {
        const auto r = cal::Calibrate(in, o);
        const double cvl = CcmLoo(in.patches, ref);
        const double ratio = r.profile.loo().mean_de00() / cvl;
        if (std::isfinite(ratio)) ratios.push_back(ratio);
        std::snprintf(buf, sizeof buf, "%6d %6.2f %7.2f %8s %6.2f  %.2f", excluded, std::min(match.luminance, match.chroma),
                      r.profile.loo().mean_de00(),
                      r.profile.loo_skin().count() ? std::to_string(r.profile.loo_skin().mean_de00()).substr(0, 5).c_str() : "n/a",
                      cvl, ratio);
      } catch (const std::exception& ex) {
        std::snprintf(buf, sizeof buf, "%6d %6.2f  failed: %.60s", excluded, std::min(match.luminance, match.chroma), ex.what());
      }
      acc = buf;
    }
    auto found = [](double miss) {
      char b[24];
      if (!std::isfinite(miss)) return std::string("no");
      std::snprintf(b, sizeof b, "%s %.2f", miss <= 0.25 ? "yes" : "off", miss);
      return std::string(b);
    };
    std::printf("%-36s %-22s %9s %9s %7.2f %7.2f %s\n", file.c_str(), card.c_str(), found(sc_miss).c_str(), found(cv_miss).c_str(),
                sc_s, cv_s, acc.c_str());
    std::fflush(stdout);
  }
  std::printf("detection: shadecast %d / %d, OpenCV %d / %d (every patch centre within 1/4 patch of the labels)\n", found_sc,
              n_photos, found_cv, n_photos);
  std::printf("LOO mean ratio shadecast / OpenCV cv::ccm (3x3, gamma 2.2, CIE2000): median %.2f over %zu photos\n",
              Median(ratios), ratios.size());
  return 0;
}

}  // namespace photos_bench
