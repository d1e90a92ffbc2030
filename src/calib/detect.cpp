#include "calib/detect.h"
#include "calib/grid_fit.h"

#include <algorithm>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/mcc.hpp>
#include <stdexcept>

#include "color/adapt.h"
#include "calib/chart_match.h"
#include "color/lab.h"
#include "image/chart_layout.h"

namespace shadecast::calib {
namespace {

cv::Mat Wrap(const ImageF& img) {
  if (img.channels != 3 || img.empty()) throw std::invalid_argument("expected an RGB image");
  return cv::Mat(img.height, img.width, CV_32FC3, const_cast<float*>(img.data.data()));
}

std::vector<cv::Point2d> CardCornersMm(const ChartLayout& l) {
  return {{0, 0}, {l.width_mm, 0}, {l.width_mm, l.height_mm}, {0, l.height_mm}};
}

cv::Matx33d HomographyFromCorners(const ChartLayout& l, const Corners& c) {
  std::vector<cv::Point2f> src, dst;
  for (auto& p : CardCornersMm(l)) src.emplace_back(p.x, p.y);
  for (auto& p : c) dst.emplace_back(p.x, p.y);
  return cv::Matx33d(cv::getPerspectiveTransform(src, dst));
}

cv::Point2d Map(const cv::Matx33d& h, double x, double y) {
  const cv::Vec3d v = h * cv::Vec3d(x, y, 1);
  return {v[0] / v[2], v[1] / v[2]};
}

Corners CornersFrom(const cv::Matx33d& h, const ChartLayout& l) {
  Corners c;
  auto mm = CardCornersMm(l);
  for (int k = 0; k < 4; ++k) {
    const cv::Point2d p = Map(h, mm[k].x, mm[k].y);
    c[k] = {p.x, p.y};
  }
  return c;
}

// Median of the patch centre's neighbourhood (a quick look used to choose the orientation).
double QuickLuma(const cv::Mat& img8, const cv::Point2d& p, int half) {
  std::vector<double> v;
  for (int dy = -half; dy <= half; ++dy)
    for (int dx = -half; dx <= half; ++dx) {
      const int x = static_cast<int>(std::lround(p.x)) + dx, y = static_cast<int>(std::lround(p.y)) + dy;
      if (x < 0 || y < 0 || x >= img8.cols || y >= img8.rows) continue;
      const cv::Vec3b b = img8.at<cv::Vec3b>(y, x);
      v.push_back(b[0] + b[1] + b[2]);
    }
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

double Correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = a.size();
  double ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) ma += a[i] / n, mb += b[i] / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i)
    sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma), sbb += (b[i] - mb) * (b[i] - mb);
  return sab / std::sqrt(std::max(saa * sbb, 1e-30));
}

// Sub-pixel refinement of every patch corner at full resolution; returns the refined homography
// (chart mm -> px) or the input when too few corners refine.
cv::Matx33d Refine(const cv::Mat& full, const ChartLayout& l, const cv::Matx33d& h, ChartLocation* loc) {
  // Local scale from the mapped patch pitch.
  const cv::Point2d a = Map(h, l.centers_mm[0].x, l.centers_mm[0].y);
  const cv::Point2d b = Map(h, l.centers_mm[1].x, l.centers_mm[1].y);
  const double pitch_px = std::hypot(a.x - b.x, a.y - b.y);
  const double gap_px = pitch_px * (l.pitch_x_mm - l.patch_w_mm) / l.pitch_x_mm;
  const int win = std::clamp(static_cast<int>(gap_px * 0.45), 2, 12);
  std::vector<cv::Point2f> mm, px;
  const int margin = win + 3;
  for (const auto& c : l.centers_mm) {
    for (int k = 0; k < 4; ++k) {
      const double x = c.x + (k == 1 || k == 2 ? 0.5 : -0.5) * l.patch_w_mm;
      const double y = c.y + (k >= 2 ? 0.5 : -0.5) * l.patch_h_mm;
      const cv::Point2d p = Map(h, x, y);
      const int x0 = static_cast<int>(std::lround(p.x)) - margin, y0 = static_cast<int>(std::lround(p.y)) - margin;
      const int side = 2 * margin + 1;
      if (x0 < 0 || y0 < 0 || x0 + side > full.cols || y0 + side > full.rows) continue;
      cv::Mat roi;
      cv::cvtColor(full(cv::Rect(x0, y0, side, side)), roi, cv::COLOR_RGB2GRAY);
      std::vector<cv::Point2f> q{cv::Point2f(static_cast<float>(p.x - x0), static_cast<float>(p.y - y0))};
      cv::cornerSubPix(roi, q, cv::Size(win, win), cv::Size(-1, -1),
                       cv::TermCriteria(cv::TermCriteria::EPS + cv::TermCriteria::COUNT, 30, 0.01));
      const double dx = q[0].x + x0 - p.x, dy = q[0].y + y0 - p.y;
      if (std::hypot(dx, dy) > win) continue;
      mm.emplace_back(static_cast<float>(x), static_cast<float>(y));
      px.emplace_back(q[0].x + x0, q[0].y + y0);
    }
  }
  if (mm.size() < 12) return h;
  cv::Mat inliers;
  const cv::Mat hr = cv::findHomography(mm, px, cv::RANSAC, 2.0, inliers);
  if (hr.empty()) return h;
  const cv::Matx33d hn(hr);
  double ss = 0;
  int n = 0;
  for (size_t i = 0; i < mm.size(); ++i)
    if (inliers.at<uchar>(static_cast<int>(i))) {
      const cv::Point2d q = Map(hn, mm[i].x, mm[i].y);
      ss += std::pow(q.x - px[i].x, 2) + std::pow(q.y - px[i].y, 2);
      ++n;
    }
  if (n < 12) return h;
  loc->refined = true;
  loc->refined_corners = n;
  loc->refine_rms_px = std::sqrt(ss / n);
  return hn;
}


// Refinement repeated while it moves the card and does not lose corners.
cv::Matx33d RefineIterated(const cv::Mat& full, const ChartLayout& l, cv::Matx33d h, ChartLocation* loc) {
  for (int pass = 0; pass < 5; ++pass) {
    ChartLocation trial = *loc;
    const cv::Matx33d hn = Refine(full, l, h, &trial);
    if (!trial.refined || trial.refined_corners < loc->refined_corners) break;
    double moved = 0;
    const Corners before = CornersFrom(h, l), after = CornersFrom(hn, l);
    for (size_t k = 0; k < before.size(); ++k)
      moved = std::max(moved, std::hypot(after[k].x - before[k].x, after[k].y - before[k].y));
    h = hn;
    *loc = trial;
    if (moved < 0.05) break;
  }
  return h;
}

// How well the patch grid mapped by `h` lies on the photo's edges: the mean gradient magnitude at
// points along every patch's four edges.
struct EdgeScore {
  cv::Mat mag;  // gradient magnitude of the smoothed grey image, over `roi`
  cv::Rect roi;
  std::vector<cv::Point2d> pts_mm;
  EdgeScore(const cv::Mat& full, const ChartLayout& l, const cv::Matx33d& h) {
    std::vector<cv::Point2f> c;
    for (const auto& p : CornersFrom(h, l)) c.emplace_back(static_cast<float>(p.x), static_cast<float>(p.y));
    cv::Rect r = cv::boundingRect(c);
    const int grow = std::max(r.width, r.height) / 4;
    roi = (r + cv::Size(2 * grow, 2 * grow) - cv::Point(grow, grow)) & cv::Rect(0, 0, full.cols, full.rows);
    if (roi.area() <= 0) return;
    cv::Mat grey, gx, gy;
    cv::cvtColor(full(roi), grey, cv::COLOR_RGB2GRAY);
    cv::GaussianBlur(grey, grey, cv::Size(), 1.5);
    cv::Sobel(grey, gx, CV_32F, 1, 0);
    cv::Sobel(grey, gy, CV_32F, 0, 1);
    cv::magnitude(gx, gy, mag);
    for (const auto& ctr : l.centers_mm)
      for (int i = 1; i <= 8; ++i) {
        const double f = (i - 0.5) / 8 - 0.5;
        const double hw = l.patch_w_mm / 2, hh = l.patch_h_mm / 2;
        pts_mm.emplace_back(ctr.x + f * l.patch_w_mm, ctr.y - hh);
        pts_mm.emplace_back(ctr.x + f * l.patch_w_mm, ctr.y + hh);
        pts_mm.emplace_back(ctr.x - hw, ctr.y + f * l.patch_h_mm);
        pts_mm.emplace_back(ctr.x + hw, ctr.y + f * l.patch_h_mm);
      }
  }
  double operator()(const cv::Matx33d& h) const {
    if (mag.empty()) return 0;
    double s = 0;
    for (const auto& q : pts_mm) {
      const cv::Point2d p = Map(h, q.x, q.y);
      const int x = static_cast<int>(std::lround(p.x)) - roi.x, y = static_cast<int>(std::lround(p.y)) - roi.y;
      if (x >= 0 && y >= 0 && x < mag.cols && y < mag.rows) s += mag.at<float>(y, x);
    }
    return s / pts_mm.size();
  }
};

// mcc's box for the Nano can be off by more than the refinement's window (seen: 40-47 px, an 11 %
// short grid in y, on a 4000 x 3000 scalp frame; ~30 px at 2048 x 1536): the corners then lock onto
// the corners across the gaps, consistently (35 of 96, rms 0.2 px) but on the wrong grid, and px/mm
// came out 4.5 % low. So the grid is first aligned to the photo's edges: the box's mapping corrected
// by a scale about the grid's centre (0.8-1.2 per axis) and a shift (up to one gap), coarse to fine,
// for the most gradient along the patches' edges; refinement starts from there and from the box, and
// the start that refines more corners wins.
cv::Matx33d RefineFromBox(const cv::Mat& full, const ChartLayout& l, const cv::Matx33d& h0, ChartLocation* loc) {
  const EdgeScore score(full, l, h0);
  double cx = 0, cy = 0;
  for (const auto& c : l.centers_mm) cx += c.x / l.centers_mm.size(), cy += c.y / l.centers_mm.size();
  const double gx = l.pitch_x_mm - l.patch_w_mm, gy = l.pitch_y_mm - l.patch_h_mm;
  auto corrected = [&](double kx, double ky, double tx, double ty) {
    return h0 * cv::Matx33d(kx, 0, cx * (1 - kx) + tx, 0, ky, cy * (1 - ky) + ty, 0, 0, 1);
  };
  double kx = 1, ky = 1, tx = 0, ty = 0, best = score(h0);
  auto search = [&](double k_half, double k_step, double t_half_x, double t_half_y, int t_steps) {
    const double kx0 = kx, ky0 = ky;
    for (double a = kx0 - k_half; a <= kx0 + k_half + 1e-9; a += k_step)
      for (double b = ky0 - k_half; b <= ky0 + k_half + 1e-9; b += k_step) {
        const double v = score(corrected(a, b, tx, ty));
        if (v > best) best = v, kx = a, ky = b;
      }
    const double tx0 = tx, ty0 = ty;
    for (int i = -t_steps; i <= t_steps; ++i)
      for (int j = -t_steps; j <= t_steps; ++j) {
        const double a = tx0 + t_half_x * i / t_steps, b = ty0 + t_half_y * j / t_steps;
        const double v = score(corrected(kx, ky, a, b));
        if (v > best) best = v, tx = a, ty = b;
      }
  };
  search(0.2, 0.01, gx, gy, 8);
  search(0.01, 0.0025, gx / 8, gy / 8, 4);
  ChartLocation from_box = *loc, from_edges = *loc;
  const cv::Matx33d he = RefineIterated(full, l, corrected(kx, ky, tx, ty), &from_edges);
  if (kx == 1 && ky == 1 && tx == 0 && ty == 0) {  // the box itself aligned best: one refinement
    *loc = from_edges;
    return he;
  }
  const cv::Matx33d hb = RefineIterated(full, l, h0, &from_box);
  const bool edges = from_edges.refined && (!from_box.refined || from_edges.refined_corners > from_box.refined_corners ||
                                            (from_edges.refined_corners == from_box.refined_corners &&
                                             from_edges.refine_rms_px < from_box.refine_rms_px));
  *loc = edges ? from_edges : from_box;
  return edges ? he : hb;
}

}  // namespace

bool SampleOptions::IsValid(std::string* m) const {
  if (!(inner_fraction > 0 && inner_fraction <= 0.9)) return *m = "inner_fraction must be in (0, 0.9]", false;
  if (max_samples_per_side < 3) return *m = "max_samples_per_side must be >= 3", false;
  if (!(shadow_ratio > 0 && shadow_ratio <= 1)) return *m = "shadow_ratio must be in (0, 1]", false;
  if (!(glare_share > 0 && glare_share < 1)) return *m = "glare_share must be in (0, 1)", false;
  return true;
}

ChartLocation LocateWithCorners(const ImageF& rgb, const pb::ChartDefinition& chart, const Corners& corners,
                                const DetectOptions& o) {
  const ChartLayout l = LayoutOf(chart);
  ChartLocation loc;
  loc.found = true;
  loc.corners = corners;
  if (o.refine) {
    const cv::Mat full = Wrap(rgb);
    loc.corners = CornersFrom(Refine(full, l, HomographyFromCorners(l, corners), &loc), l);
  }
  loc.message = "corners given";
  return loc;
}

void WarmUpDetector() {
  const cv::Mat bgr(1, 1, CV_8UC3, cv::Scalar(64, 128, 192));
  cv::Mat lab;
  cv::cvtColor(bgr, lab, cv::COLOR_BGR2Lab);
}

namespace {

// One mcc run at `max_pixels` and the project's refinement: the refined location, and (in *box, when
// found) the location from mcc's box alone.
ChartLocation DetectAtScale(const ImageF& rgb, const pb::ChartDefinition& chart, const DetectOptions& o,
                            ChartLocation* from_box) {
  const ChartLayout l = LayoutOf(chart);
  const cv::Mat full = Wrap(rgb);
  ChartLocation loc;
  const double pixels = static_cast<double>(rgb.width) * rgb.height;
  loc.downscale = std::min(1.0, std::sqrt(o.max_detect_pixels / pixels));
  cv::Mat small;
  if (loc.downscale < 1.0)
    cv::resize(full, small, cv::Size(), loc.downscale, loc.downscale, cv::INTER_AREA);
  else
    small = full.clone();
  if (o.linear_input) {
    small.forEach<cv::Vec3f>([](cv::Vec3f& p, const int*) {
      for (int c = 0; c < 3; ++c) p[c] = static_cast<float>(color::SrgbEncode(std::clamp(p[c], 0.0f, 1.0f)));
    });
  }
  cv::Mat bgr8;
  small.convertTo(bgr8, CV_8UC3, 255.0);
  cv::cvtColor(bgr8, bgr8, cv::COLOR_RGB2BGR);

  if (chart.rows() * chart.cols() != 24 || chart.patches_size() != 24) {
    loc.message = "the detector knows 24-patch ColorCheckers only; chart '" + chart.id() + "' needs --corners";
    return loc;
  }
  auto detector = cv::mcc::CCheckerDetector::create();
  if (!detector->process(bgr8, cv::mcc::MCC24, 1)) {
    loc.message = "no ColorChecker found";
    return loc;
  }
  const auto checkers = detector->getListColorChecker();
  if (checkers.empty()) {
    loc.message = "no ColorChecker found";
    return loc;
  }
  std::vector<cv::Point2f> box = checkers.front()->getBox();
  if (box.size() != 4) {
    loc.message = "detector returned a malformed chart box";
    return loc;
  }
  // mcc's MCC24 box is the patch grid grown by one gap on every side (its model: cells 2.5 units,
  // pitch 2.75, box 16.75 x 11.25).
  const double gap_x = l.pitch_x_mm - l.patch_w_mm, gap_y = l.pitch_y_mm - l.patch_h_mm;
  double minx = 1e9, miny = 1e9, maxx = -1e9, maxy = -1e9;
  for (const auto& c : l.centers_mm) {
    minx = std::min(minx, c.x - l.patch_w_mm / 2 - gap_x), maxx = std::max(maxx, c.x + l.patch_w_mm / 2 + gap_x);
    miny = std::min(miny, c.y - l.patch_h_mm / 2 - gap_y), maxy = std::max(maxy, c.y + l.patch_h_mm / 2 + gap_y);
  }
  const std::vector<cv::Point2f> box_mm{cv::Point2f(minx, miny), cv::Point2f(maxx, miny), cv::Point2f(maxx, maxy),
                                        cv::Point2f(minx, maxy)};
  // The box's order is not tied to patch 1: try the four rotations (and their mirror images) and
  // keep the one whose patch brightness best follows the reference lightness.
  std::vector<double> ref_l;
  for (const auto& p : chart.patches()) ref_l.push_back(p.reference_lab().l());
  double best = -2;
  cv::Matx33d best_h;
  for (int mirror = 0; mirror < 2; ++mirror)
    for (int rot = 0; rot < 4; ++rot) {
      std::vector<cv::Point2f> dst(4);
      for (int k = 0; k < 4; ++k) {
        const int idx = mirror ? (rot + 4 - k) % 4 : (rot + k) % 4;
        dst[k] = box[idx];
      }
      const cv::Matx33d h(cv::getPerspectiveTransform(box_mm, dst));
      const cv::Point2d a = Map(h, l.centers_mm[0].x, l.centers_mm[0].y);
      const cv::Point2d b = Map(h, l.centers_mm[1].x, l.centers_mm[1].y);
      const int half = std::max(1, static_cast<int>(0.15 * std::hypot(a.x - b.x, a.y - b.y)));
      std::vector<double> luma;
      for (const auto& c : l.centers_mm) luma.push_back(QuickLuma(bgr8, Map(h, c.x, c.y), half));
      const double r = Correlation(luma, ref_l);
      if (r > best) best = r, best_h = h;
    }
  if (best < 0.5) {
    loc.message = "a chart-like object was found but its patches do not match the chart's lightness order";
    return loc;
  }
  // Scale the homography to full resolution.
  const double s = 1.0 / loc.downscale;
  const cv::Matx33d up(s, 0, (s - 1) * 0.5, 0, s, (s - 1) * 0.5, 0, 0, 1);  // pixel centres
  cv::Matx33d h = up * best_h;
  *from_box = loc;
  from_box->found = true;
  from_box->corners = CornersFrom(h, l);
  from_box->message = "found by mcc (its box, not refined)";
  if (o.refine) h = RefineFromBox(full, l, h, &loc);
  loc.found = true;
  loc.corners = CornersFrom(h, l);
  loc.message = "found by mcc";
  return loc;
}

// How well the patches sampled at `corners` are the chart: MatchChart's weaker agreement, less
// 0.02 per patch too uneven to be one flat patch, less the share of points near the patch edges
// that read something else (GridStraddle, weighted so that a grid a quarter patch off, ~0.2,
// costs far more than the preference margin). Label-free: it chooses among detections without
// knowing where the chart is.
// Weight 5: chosen on the real photos of calibration/photos (weight 1, 3, 5, 10: 16, 18, 19, 19 of
// 27 detected; docs/benchmarks.md).
constexpr double kStraddleWeight = 5.0;
double LocationScore(const ImageF& rgb, const pb::ChartDefinition& chart, const Corners& corners, bool linear) {
  SampleOptions so;
  so.max_samples_per_side = 16;
  CalibrationInput in;
  in.chart = chart;
  try {
    in.patches = SamplePatches(rgb, chart, corners, so);
  } catch (const std::exception&) {
    return -1;
  }
  int uneven = 0;
  for (auto& p : in.patches) {
    uneven += p.non_uniform;
    p.non_uniform = false;  // scored here, not left out
  }
  const ChartMatch m = MatchChart(in, linear ? Linearization::kNone : Linearization::kSrgb);
  return std::min(m.luminance, m.chroma) - 0.02 * uneven - kStraddleWeight * GridStraddle(rgb, chart, corners);
}

}  // namespace

ChartLocation DetectChart(const ImageF& rgb, const pb::ChartDefinition& chart, const DetectOptions& o) {
  // mcc at <= max_detect_pixels (refined, and its box alone); when neither scores as a clean chart
  // (LocationScore >= kCleanScore) and the photo is larger, again at up to 4x the pixels (small
  // charts in phone photos: issue 20). The best-scoring location wins.
  constexpr double kCleanScore = 0.9;
  constexpr double kPreferMargin = 0.05;
  std::vector<ChartLocation> cands;
  auto run = [&](const DetectOptions& opt) {
    ChartLocation box;
    ChartLocation refined = DetectAtScale(rgb, chart, opt, &box);
    if (refined.found) cands.push_back(refined);
    if (box.found && opt.refine) cands.push_back(box);
    if (cands.empty()) cands.push_back(refined);  // the "not found" message
  };
  std::vector<double> scores;
  auto best = [&] {
    scores.resize(cands.size(), -2);
    size_t b = 0;
    for (size_t i = 0; i < cands.size(); ++i) {
      if (cands[i].found && scores[i] == -2) scores[i] = LocationScore(rgb, chart, cands[i].corners, o.linear_input);
      // Earlier candidates (the refined location first) keep their place unless a later one is
      // clearly better: the score is noisy at the level of a small misplacement that still
      // samples inside every patch.
      if (cands[i].found && (!cands[b].found || scores[i] > scores[b] + kPreferMargin)) b = i;
    }
    return b;
  };
  run(o);
  size_t b = best();
  const double pixels = static_cast<double>(rgb.width) * rgb.height;
  if ((!cands[b].found || scores[b] < kCleanScore) && pixels > o.max_detect_pixels) {
    DetectOptions larger = o;
    larger.max_detect_pixels = static_cast<int>(std::min(pixels, 4.0 * o.max_detect_pixels));
    if (!cands[b].found) cands.clear(), scores.clear();
    run(larger);
    b = best();
  }
  return cands[b];
}

namespace {

struct Sample {
  float rgb[3];
  float u, v;  // position in the sampled square, -1 .. 1
};

double Median(std::vector<double> x) {
  if (x.empty()) return 0;
  std::nth_element(x.begin(), x.begin() + x.size() / 2, x.end());
  return x[x.size() / 2];
}

// The reasons of SampleOptions for one patch's samples ("" when none), and the robust statistics.
void Judge(const std::vector<Sample>& samples, const SampleOptions& o, PatchObservation* obs) {
  std::vector<std::string> why;
  for (int ch = 0; ch < 3; ++ch) {
    std::vector<double> a;
    for (const auto& p : samples) a.push_back(p.rgb[ch]);
    const double med = Median(a);
    for (double& x : a) x = std::abs(x - med);
    obs->rgb[ch] = med;
    obs->spread[ch] = 1.4826 * Median(a);
  }
  bool spread = false;
  for (int ch = 0; ch < 3; ++ch)
    spread |= obs->spread[ch] > o.non_uniform_relative * obs->rgb[ch] && obs->spread[ch] > o.non_uniform_absolute;
  const double med = (obs->rgb[0] + obs->rgb[1] + obs->rgb[2]) / 3.0;
  // Shadow: the darker of two halves, four ways.
  double worst = 1;
  for (int split = 0; split < 4; ++split) {
    std::vector<double> lo, hi;
    for (const auto& p : samples) {
      const double d = split == 0 ? p.u : split == 1 ? p.v : split == 2 ? p.u + p.v : p.u - p.v;
      if (d == 0) continue;
      (d < 0 ? lo : hi).push_back((p.rgb[0] + p.rgb[1] + p.rgb[2]) / 3.0);
    }
    if (lo.size() < 4 || hi.size() < 4) continue;
    const double a = Median(lo), b = Median(hi);
    const double dark = std::min(a, b), bright = std::max(a, b);
    if (bright - dark >= 0.02 && bright > 0) worst = std::min(worst, dark / bright);
  }
  if (worst < o.shadow_ratio) why.push_back("shadow");
  int bright = 0;
  for (const auto& p : samples) bright += (p.rgb[0] + p.rgb[1] + p.rgb[2]) / 3.0 > 1.3 * med + 0.03;
  if (bright > o.glare_share * samples.size()) why.push_back("glare");
  if (spread && why.empty()) why.push_back("spread");
  for (const auto& w : why) obs->reason += (obs->reason.empty() ? "" : ",") + w;
  obs->non_uniform = !why.empty();
}

}  // namespace

std::vector<PatchObservation> SamplePatches(const ImageF& rgb, const pb::ChartDefinition& chart,
                                            const Corners& corners, const SampleOptions& o) {
  std::string why;
  if (!o.IsValid(&why)) throw std::invalid_argument("sample options: " + why);
  const ChartLayout l = LayoutOf(chart);
  const cv::Matx33d h = HomographyFromCorners(l, corners);
  std::vector<PatchObservation> out;
  for (size_t k = 0; k < l.centers_mm.size(); ++k) {
    const auto& c = l.centers_mm[k];
    const double hw = 0.5 * o.inner_fraction * l.patch_w_mm, hh = 0.5 * o.inner_fraction * l.patch_h_mm;
    const cv::Point2d p0 = Map(h, c.x - hw, c.y - hh), p1 = Map(h, c.x + hw, c.y + hh);
    const int n = std::clamp(static_cast<int>(std::max(std::abs(p1.x - p0.x), std::abs(p1.y - p0.y))), 3,
                             o.max_samples_per_side);
    std::vector<Sample> samples;
    int clipped = 0;
    for (int iy = 0; iy < n; ++iy)
      for (int ix = 0; ix < n; ++ix) {
        const double fu = (ix + 0.5) / n, fv = (iy + 0.5) / n;
        const cv::Point2d p = Map(h, c.x - hw + 2 * hw * fu, c.y - hh + 2 * hh * fv);
        const int px = static_cast<int>(std::lround(p.x)), py = static_cast<int>(std::lround(p.y));
        if (px < 0 || py < 0 || px >= rgb.width || py >= rgb.height) continue;
        Sample s{{rgb.At(px, py, 0), rgb.At(px, py, 1), rgb.At(px, py, 2)},
                 static_cast<float>(2 * fu - 1), static_cast<float>(2 * fv - 1)};
        clipped += s.rgb[0] >= o.clip_level || s.rgb[1] >= o.clip_level || s.rgb[2] >= o.clip_level;
        samples.push_back(s);
      }
    PatchObservation obs;
    obs.pixels = static_cast<int>(samples.size());
    if (samples.size() < 4) {
      obs.non_uniform = true;
      obs.reason = "outside the frame";
      out.push_back(obs);
      continue;
    }
    Judge(samples, o, &obs);
    obs.clipped = clipped > o.clip_share * samples.size();
    out.push_back(obs);
  }
  return out;
}

void FlagClippedValues(std::vector<PatchObservation>* patches, double clip_level) {
  for (auto& p : *patches)
    for (double v : p.rgb)
      if (v >= clip_level) p.clipped = true;
}

}  // namespace shadecast::calib
