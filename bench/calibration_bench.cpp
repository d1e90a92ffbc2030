// Camera calibration bench (issue 5): on identical synthesised patch data, the leave-one-out mean
// and max dE00 of OpenCV's cv::ccm::ColorCorrectionModel (3x3, identity linearisation on linear
// data, reference = the synthesiser's truth) beside each shadecast model; skin figures; the
// spectral experiment on held-out skin; 8-bit JPEG photos; time per calibration at 24 MP.
//
// Usage: calibration_bench --photos DIR   (real chart photos with DIR/labels.json: calibration_photos.h)
//        calibration_bench [--quick] [--patches-only] [--timing [--image IMG] [--reps N]] [--skin-ceiling]
//                          [--ridge R] [--robust S] [--max-iterations N] [--training-share W]
//   --quick: Canon only, no 24 MP timing; --ridge/--robust/--max-iterations: override the fit settings
//   of the patch-data table (sweeps)
//   --timing: only the 24 MP timing part (--image: time that photo, chart published reference,
//             instead of the bench's own render; --reps: repetitions, default 3)
//   --skin-ceiling: only the skin-ceiling experiment (mappings trained on the true camera RGB of skins)
// Figures and the exact command are recorded in docs/benchmarks.md.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/mcc/ccm.hpp>
#include <string>
#include <thread>
#include <vector>

#include "blend/pigment_ks.h"
#include "calib/calibration.h"
#include "calib/detect.h"
#include "calib/fit.h"
#include "calib/icc_profile.h"
#include "calib/mapping.h"
#include "calib/spectral.h"
#include "color/adapt.h"
#include "color/ciede2000.h"
#include "color/colorimetry.h"
#include "color/lab.h"
#include "optics/model.h"
#include "store/files.h"
#include "store/image_io.h"
#include "store/pigment_library.h"
#include "store/training_set.h"
#include "store/shipped_data.h"
#include "synth/chart.h"
#include "calibration_photos.h"
#include "synth/truth.h"

namespace sc = shadecast::color;
namespace ss = shadecast::synth;
namespace st = shadecast::store;
namespace cal = shadecast::calib;
namespace op = shadecast::optics;

namespace {

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// OpenCV ccm 3x3 with leave-one-out: fit on the other patches, infer the left-out one (linear
// sRGB), convert to L*a*b* D50 (Bradford), dE00 against the truth.
std::pair<double, double> CcmLoo(const std::vector<ss::Rgb>& rgb, const std::vector<sc::Lab>& lab) {
  const int n = static_cast<int>(rgb.size());
  double sum = 0, worst = 0;
  for (int i = 0; i < n; ++i) {
    cv::Mat src(n - 1, 1, CV_64FC3), ref(n - 1, 1, CV_64FC3);
    int r = 0;
    for (int k = 0; k < n; ++k) {
      if (k == i) continue;
      src.at<cv::Vec3d>(r) = cv::Vec3d(rgb[k][0], rgb[k][1], rgb[k][2]);
      ref.at<cv::Vec3d>(r) = cv::Vec3d(lab[k][0], lab[k][1], lab[k][2]);
      ++r;
    }
    cv::ccm::ColorCorrectionModel m(src, ref, cv::ccm::COLOR_SPACE_Lab_D50_2);
    m.setColorSpace(cv::ccm::COLOR_SPACE_sRGB);
    m.setCCM_TYPE(cv::ccm::CCM_3x3);
    m.setDistance(cv::ccm::DISTANCE_CIE2000);
    m.setLinear(cv::ccm::LINEARIZATION_IDENTITY);
    m.run();
    cv::Mat one(1, 1, CV_64FC3, cv::Scalar(rgb[i][0], rgb[i][1], rgb[i][2]));
    const cv::Mat out = m.infer(one, true);
    const cv::Vec3d v = out.at<cv::Vec3d>(0);
    const sc::Xyz xyz = sc::LinearSrgbToXyzD50({v[0], v[1], v[2]});
    const double de = sc::DeltaE00(sc::XyzToLab(xyz, sc::kIccD50White), lab[i]);
    sum += de;
    worst = std::max(worst, de);
  }
  return {sum / n, worst};
}

const cal::ModelReport& Find(const cal::CalibrationResult& r, cal::Model m) {
  for (const auto& c : r.candidates)
    if (c.model == m) return c;
  return r.candidates.front();
}

// Skin spectra the spectral mode never trained on: other optics parameters, off-grid skins.
std::vector<sc::Spectral36> HeldOutSkins() {
  op::ModelParams p;
  p.pheomelanin_fraction = 0.5;
  p.saunderson_k2 = 0.5;
  p.scattering_b = 1.2;
  p.epidermis_mm = 0.06;
  std::vector<sc::Spectral36> out;
  for (double mel : {0.015, 0.03, 0.055, 0.09, 0.14, 0.2, 0.28, 0.37})
    for (double blood : {0.007, 0.018, 0.035})
      for (double s : {0.85, 1.2}) out.push_back(op::SkinReflectance({mel, blood, s}, p));
  return out;
}

double MeanDe(const shadecast::pb::CameraProfile& prof, const std::vector<ss::Rgb>& rgb, const std::vector<sc::Lab>& lab) {
  const cal::ProfileTransform t(prof);
  double s = 0;
  for (size_t i = 0; i < rgb.size(); ++i) s += sc::DeltaE00(t.ToLab(rgb[i]), lab[i]);
  return s / rgb.size();
}


// The skin ceiling (issue 5, gauss_shifted): how close can a linear or root-polynomial-2 mapping get
// to the chart's two skin patches when it knows the camera exactly? Trained on the TRUE camera RGB
// (noise-free) of the 108 optics-model training skins + the 48 held-out skins, (a) alone, (b) with
// the 22 other chart patches (equal total weights: the spectral mode with perfect sensitivities),
// and (c) the 22 other chart patches alone (both skin patches left out together). Printed: mean
// dE00 on the chart's skin patches, and in brackets on the 156 optics skins.
void SkinCeiling(const shadecast::pb::ChartDefinition& chart, const std::vector<sc::Spectral36>& spectra,
                 const cal::TrainingSet& training, const std::vector<std::string>& cameras) {
  std::vector<sc::Spectral36> skins(training.reflectance.begin(), training.reflectance.begin() + 108);
  for (const auto& s : HeldOutSkins()) skins.push_back(s);
  std::printf("\n== Skin ceiling: mapping trained on true camera RGB, mean dE00 on the chart's 2 skin patches "
              "[on the %zu optics skins] ==\n", skins.size());
  std::printf("%-22s %-6s | %-9s | %-15s %-15s %-15s\n", "camera", "light", "model", "skins only",
              "chart-2 + skins", "chart-2 only");
  for (const auto& cam : cameras)
    for (const char* light : {"D65", "LED-B3", "FL11", "A"}) {
      const ss::CameraResponse resp(st::LoadCamera(cam), sc::CieIlluminant(light));
      ss::CaptureOptions cap;
      cap.encoding = ss::Encoding::kLinear;
      cap.noise = ss::NoiseModel::FromString("none");
      const ss::PatchesResult pr = ss::RenderPatches(spectra, resp, cap, 7);
      const ss::PatchesResult sk = ss::RenderPatches(skins, resp, cap, 1);
      double num = 0, den = 0;  // exposure on the neutrals, as the calibration does
      for (int i = 0; i < chart.patches_size(); ++i)
        if (chart.patches(i).neutral()) {
          const double m = (pr.rgb[i][0] + pr.rgb[i][1] + pr.rgb[i][2]) / 3;
          num += sc::LabToXyz(pr.lab[i], sc::kIccD50White)[1] * m;
          den += m * m;
        }
      const double k = num / den;
      auto norm = [k](const ss::Rgb& v) { return cal::Rgb{k * v[0], k * v[1], k * v[2]}; };
      for (int n : {3, 6}) {
        std::printf("%-22s %-6s | %-9s |", cam.c_str(), light, n == 3 ? "linear" : "rootpoly2");
        for (int variant = 0; variant < 3; ++variant) {
          cal::FitSamples s;
          double chart_w = 0;
          if (variant >= 1)
            for (int i = 0; i < chart.patches_size(); ++i)
              if (!chart.patches(i).skin_like()) {
                s.rgb.push_back(norm(pr.rgb[i]));
                s.lab.push_back(pr.lab[i]);
                s.weight.push_back(1.0);
                chart_w += 1.0;
              }
          if (variant <= 1)
            for (size_t j = 0; j < sk.rgb.size(); ++j) {
              s.rgb.push_back(norm(sk.rgb[j]));
              s.lab.push_back(sk.lab[j]);
              s.weight.push_back(variant == 0 ? 1.0 : chart_w / sk.rgb.size());
            }
          cal::FitSettings fs;
          fs.n_terms = n;
          fs.ridge = cal::CalibrationOptions{}.ridge;
          const cal::FitOutcome out = cal::FitMapping(s, fs);
          auto de = [&](const ss::Rgb& rgb, const sc::Lab& lab) {
            return sc::DeltaE00(sc::XyzToLab(cal::ApplyMapping(out.coef, n, norm(rgb)), sc::kIccD50White), lab);
          };
          double e_chart = 0, e_skins = 0;
          int n_chart = 0;
          for (int i = 0; i < chart.patches_size(); ++i)
            if (chart.patches(i).skin_like()) e_chart += de(pr.rgb[i], pr.lab[i]), ++n_chart;
          for (size_t j = 0; j < sk.rgb.size(); ++j) e_skins += de(sk.rgb[j], sk.lab[j]);
          std::printf(" %5.2f [%4.2f]    ", e_chart / n_chart, e_skins / sk.rgb.size());
        }
        std::printf("\n");
      }
    }
}

// Time per calibration at 24 MP: decode apart, detect (mcc on a downscale + refinement), sample,
// fit + leave-one-out of all models (`auto`), ICC. `image` empty: the bench's own 6000x4000 render
// (Canon, D65, JPEG q 90, reference = its truth); otherwise that photo with the chart's published
// reference (as `shadecast calibrate --image IMG` does).
int Timing(const shadecast::pb::ChartDefinition& chart, const cal::TrainingSet& training, double t_training,
           const std::string& image, int reps) {
  std::string bytes, name = "24mp.jpg";
  std::vector<sc::Lab> reference;
  if (image.empty()) {
    std::printf("\n== Time per calibration at 24 MP (6000x4000 JPEG q 90, Canon, D65) ==\n");
    const ss::CameraResponse resp(st::LoadCamera("canon_eos_5d_mark_ii"), sc::CieIlluminant("D65"));
    ss::ChartRenderOptions ro;
    ro.width = 6000;
    ro.height = 4000;
    ro.supersample = 1;
    ro.seed = 5;
    ss::CaptureOptions cap;
    const ss::ChartRender render = ss::RenderChart(chart, resp, ro, cap);
    st::ImageWriteOptions wo;
    wo.jpeg_quality = 90;
    bytes = st::EncodeImage(render.image, st::ImageFormat::kJpeg, wo);
    reference = render.patch_lab;
  } else {
    std::printf("\n== Time per calibration of %s (chart's published reference) ==\n", image.c_str());
    bytes = st::ReadFile(image);
    name = image;
  }
  std::printf("training set (once per process, as in the CLI): %.3f s\n", t_training);
  for (int rep = 0; rep < reps; ++rep) {
    // As `shadecast calibrate` does: OpenCV's one-time set-up for the detector on another core
    // while the photo decodes (a no-op after the first repetition).
    std::thread warm_up(cal::WarmUpDetector);
    auto t0 = std::chrono::steady_clock::now();
    const ss::ImageF img = st::DecodeImage(bytes, name);
    const double t_decode = Seconds(t0);
    warm_up.join();
    t0 = std::chrono::steady_clock::now();
    const cal::ChartLocation loc = cal::DetectChart(img, chart, {});
    const double t_detect = Seconds(t0);
    if (!loc.found) {
      std::printf("chart not found at 24 MP: %s\n", loc.message.c_str());
      return 1;
    }
    auto t1 = std::chrono::steady_clock::now();
    cal::CalibrationInput in;
    in.chart = chart;
    in.reference = reference;
    in.patches = cal::SamplePatches(img, chart, loc.corners, {});
    const double t_sample = Seconds(t1);
    t1 = std::chrono::steady_clock::now();
    in.training = &training;
    const cal::CalibrationResult r = cal::Calibrate(in, {});
    const double t_fit = Seconds(t1);
    t1 = std::chrono::steady_clock::now();
    const std::string icc = cal::IccProfileBytes(r.profile, {});
    const double t_icc = Seconds(t1);
    std::printf("decode %.3f s | detect %.3f s (downscale %.3f, refined %d corners, rms %.2f px) + sample %.3f s + "
                "fit/LOO all models %.3f s + ICC %.3f s = %.3f s (decode apart); auto %s LOO mean %.2f",
                t_decode, t_detect, loc.downscale, loc.refined_corners, loc.refine_rms_px, t_sample, t_fit, t_icc,
                t_detect + t_sample + t_fit + t_icc, cal::ModelToString(r.chosen).c_str(), r.profile.loo().mean_de00());
    for (const auto& c : r.candidates) std::printf(" | %s %.2f", cal::ModelToString(c.model).c_str(), c.loo.mean_de00());
    std::printf("\n");
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false, patches_only = false, timing_only = false, skin_ceiling = false;
  std::string timing_image;
  int reps = 3;
  double ridge = cal::CalibrationOptions{}.ridge, robust = cal::CalibrationOptions{}.robust_scale_de00;
  double training_share = cal::CalibrationOptions{}.training_share;
  int max_iterations = cal::CalibrationOptions{}.max_iterations;
  std::string photos_dir;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--photos") == 0 && i + 1 < argc) photos_dir = argv[++i];
    else if (std::strcmp(argv[i], "--quick") == 0) quick = true;
    else if (std::strcmp(argv[i], "--patches-only") == 0) patches_only = true;
    else if (std::strcmp(argv[i], "--timing") == 0) timing_only = true;
    else if (std::strcmp(argv[i], "--skin-ceiling") == 0) skin_ceiling = true;
    else if (std::strcmp(argv[i], "--image") == 0 && i + 1 < argc) timing_image = argv[++i];
    else if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else if (std::strcmp(argv[i], "--ridge") == 0 && i + 1 < argc) ridge = std::atof(argv[++i]);
    else if (std::strcmp(argv[i], "--training-share") == 0 && i + 1 < argc) training_share = std::atof(argv[++i]);
    else if (std::strcmp(argv[i], "--robust") == 0 && i + 1 < argc) robust = std::atof(argv[++i]);
    else if (std::strcmp(argv[i], "--max-iterations") == 0 && i + 1 < argc) max_iterations = std::atoi(argv[++i]);
    else {
      std::printf("usage: %s [--quick] [--patches-only] [--timing [--image IMG] [--reps N]] [--skin-ceiling] [--ridge R] [--robust S] [--max-iterations N] [--training-share W]\n"
                  "  --quick         Canon only, no 24 MP timing\n"
                  "  --patches-only  only the patch-data table\n"
                  "  --timing        only the 24 MP timing (the bench's own 6000x4000 render, or --image IMG)\n"
                  "  --skin-ceiling  only the skin-ceiling experiment (mappings trained on true camera RGB)\n",
                  argv[0]);
      return std::strcmp(argv[i], "--help") == 0 ? 0 : 2;
    }
  }
  const auto chart = st::LoadChart("colorchecker24");
  const auto spectra = ss::PatchSpectra(chart);
  // Training set of the spectral mode: the optics model's defaults and the shipped library.
  auto t_training0 = std::chrono::steady_clock::now();
  const cal::TrainingSet training = st::DefaultSkinTrainingSet();
  const double t_training = Seconds(t_training0);
  if (timing_only) return Timing(chart, training, t_training, timing_image, reps);
  if (!photos_dir.empty()) return photos_bench::Run(photos_dir, chart, &training);
  const std::vector<std::string> all_cameras = {"canon_eos_5d_mark_ii", "gauss_broad", "gauss_narrow", "gauss_shifted"};
  if (skin_ceiling) {
    SkinCeiling(chart, spectra, training, all_cameras);
    return 0;
  }
  const auto heldout = HeldOutSkins();
  std::printf("training set: %s; held-out skins: %zu (other optics parameters)\n\n", training.description.c_str(),
              heldout.size());

  const std::vector<std::string> cameras =
      quick ? std::vector<std::string>{"canon_eos_5d_mark_ii"}
            : std::vector<std::string>{"canon_eos_5d_mark_ii", "gauss_broad", "gauss_narrow", "gauss_shifted"};
  const char* lights[] = {"D65", "LED-B3", "FL11", "A"};

  std::printf("== Patch data (synth patches, linear), leave-one-out dE00 over the 24 patches, reference = truth ==\n");
  std::printf("%-22s %-6s %-9s | %-11s | %-11s %-11s %-11s | %-20s | rp2/cv auto/cv | skinLOO rp2 auto(skin w) | "
              "held-out skin rp2 spec\n",
              "camera", "light", "noise", "OpenCV 3x3", "linear", "rootpoly2", "spectral", "auto (choice)");
  for (const auto& cam : cameras) {
    const ss::CameraSensitivity sens = st::LoadCamera(cam);
    for (const char* light : lights) {
      const ss::CameraResponse resp(sens, sc::CieIlluminant(light));
      for (const char* noise : {"none", "realistic"}) {
        ss::CaptureOptions cap;
        cap.encoding = ss::Encoding::kLinear;
        cap.noise = ss::NoiseModel::FromString(noise);
        const ss::PatchesResult pr = ss::RenderPatches(spectra, resp, cap, 7);
        cal::CalibrationInput in;
        in.chart = chart;
        in.reference = pr.lab;
        for (const auto& v : pr.rgb) {
          cal::PatchObservation o;
          o.rgb = v;
          for (double& c : o.rgb) c = std::max(c, 0.0);
          in.patches.push_back(o);
        }
        cal::FlagClippedValues(&in.patches);
        in.training = &training;
        cal::CalibrationOptions opt;
        opt.linearization = cal::Linearization::kNone;
        opt.ridge = ridge;
        opt.training_share = training_share;
        opt.robust_scale_de00 = robust;
        opt.max_iterations = max_iterations;
        const cal::CalibrationResult r = cal::Calibrate(in, opt);
        std::vector<ss::Rgb> rgb;
        for (const auto& p : in.patches) rgb.push_back(p.rgb);
        const auto [cv_mean, cv_max] = CcmLoo(rgb, pr.lab);
        // Skin weights (auto, which may pick any model).
        in.weights = cal::SkinWeights(chart, in.reference);
        const cal::CalibrationResult rs = cal::Calibrate(in, opt);
        in.weights.clear();
        // Held-out skin through the rootpoly2 and spectral profiles (noise-free camera RGB).
        ss::CaptureOptions cap0 = cap;
        cap0.noise = ss::NoiseModel::FromString("none");
        const ss::PatchesResult hs = ss::RenderPatches(heldout, resp, cap0, 1);
        cal::CalibrationOptions one = opt;
        one.leave_one_out = false;
        one.model = cal::Model::kRootPoly2;
        const double held_rp2 = MeanDe(cal::Calibrate(in, one).profile, hs.rgb, hs.lab);
        one.model = cal::Model::kSpectral;
        const double held_sp = MeanDe(cal::Calibrate(in, one).profile, hs.rgb, hs.lab);
        const auto& lin = Find(r, cal::Model::kLinear);
        const auto& rp = Find(r, cal::Model::kRootPoly2);
        const auto& sp = Find(r, cal::Model::kSpectral);
        std::printf(
            "%-22s %-6s %-9s | %4.2f / %4.2f | %4.2f / %4.2f %4.2f / %4.2f %4.2f / %4.2f | %4.2f / %4.2f %-9s | %5.2f  "
            "%5.2f   | %4.2f  %4.2f %-9s | %4.2f %4.2f\n",
            cam.c_str(), light, noise, cv_mean, cv_max, lin.loo.mean_de00(), lin.loo.max_de00(), rp.loo.mean_de00(),
            rp.loo.max_de00(), sp.loo.mean_de00(), sp.loo.max_de00(), r.profile.loo().mean_de00(),
            r.profile.loo().max_de00(), cal::ModelToString(r.chosen).c_str(), rp.loo.mean_de00() / cv_mean,
            r.profile.loo().mean_de00() / cv_mean, Find(rs, cal::Model::kRootPoly2).loo_skin.mean_de00(),
            rs.profile.loo_skin().mean_de00(), cal::ModelToString(rs.chosen).c_str(), held_rp2, held_sp);
        std::fflush(stdout);
      }
    }
  }

  if (patches_only) return 0;
  std::printf("\n== 8-bit sRGB JPEG (q 90), realistic noise, 2048x1536 render: detect + sample + auto (srgb) ==\n"
              "   beside OpenCV cv::ccm (3x3, CIE2000; the better of gamma 2.2 and exact sRGB decoding) on the same kept\n"
              "   patches and reference;\n"
              "   vignetting 0.5: the frame's light falls as 1 - 0.5 (r / r_corner)^2 (uneven light across the chart)\n");
  std::vector<double> ratios;
  for (const auto& cam : cameras) {
    const ss::CameraSensitivity sens = st::LoadCamera(cam);
    for (const char* light : {"D65", "LED-B3", "FL11", "A"})
      for (double vignetting : {0.0, 0.5}) {
        const ss::CameraResponse resp(sens, sc::CieIlluminant(light));
        ss::ChartRenderOptions ro;
        ro.seed = 11;
        ss::CaptureOptions cap;
        cap.vignetting = vignetting;
        const ss::ChartRender render = ss::RenderChart(chart, resp, ro, cap);
        st::ImageWriteOptions wo;
        wo.jpeg_quality = 90;
        const ss::ImageF img = st::DecodeImage(st::EncodeImage(render.image, st::ImageFormat::kJpeg, wo), "jpeg");
        const cal::ChartLocation loc = cal::DetectChart(img, chart, {});
        if (!loc.found) {
          std::printf("%-22s %-6s v %.1f  chart not found (%s)\n", cam.c_str(), light, vignetting, loc.message.c_str());
          continue;
        }
        cal::CalibrationInput in;
        in.chart = chart;
        in.reference = render.patch_lab;
        in.patches = cal::SamplePatches(img, chart, loc.corners, {});
        in.training = &training;
        const cal::CalibrationResult r = cal::Calibrate(in, {});
        // OpenCV's better of its gamma 2.2 and the exact sRGB decoding.
        const double cv_loo = std::min(photos_bench::CcmLoo(in.patches, render.patch_lab),
                                       photos_bench::CcmLoo(in.patches, render.patch_lab, true));
        const double ratio = r.profile.loo().mean_de00() / cv_loo;
        if (std::isfinite(ratio)) ratios.push_back(ratio);
        std::printf("%-22s %-6s v %.1f  auto %-9s field %-9s LOO mean %.2f max %.2f (linear %.2f, rootpoly2 %.2f, "
                    "spectral %.2f)  OpenCV %.2f  ratio %.2f  light %.2f-%.2f\n",
                    cam.c_str(), light, vignetting, cal::ModelToString(r.chosen).c_str(),
                    r.profile.exposure_field().basis().c_str(), r.profile.loo().mean_de00(), r.profile.loo().max_de00(),
                    Find(r, cal::Model::kLinear).loo.mean_de00(), Find(r, cal::Model::kRootPoly2).loo.mean_de00(),
                    Find(r, cal::Model::kSpectral).loo.mean_de00(), cv_loo, ratio, r.profile.exposure_field().min(),
                    r.profile.exposure_field().max());
        std::fflush(stdout);
      }
  }
  if (!ratios.empty()) {
    std::sort(ratios.begin(), ratios.end());
    std::printf("JPEG renders: LOO mean ratio auto / OpenCV median %.2f, max %.2f over %zu renders\n",
                photos_bench::Median(ratios), ratios.back(), ratios.size());
  }
  if (quick) return 0;
  return Timing(chart, training, t_training, "", reps);
}
