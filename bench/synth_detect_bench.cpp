// Detection rate of OpenCV's mcc ColorChecker detector on synthetic chart photos (issue 4: >= 95 %
// of 40 seeded renders with the default perspective, realistic noise and 1.5 px blur):
//   build-synth/bin/synth_detect_bench [renders=40] [WIDTHxHEIGHT=2048x1536]
// Cameras and lights rotate over a real sensor and synthetic ones; each render is encoded as an
// 8-bit PNG and decoded again, as a file on disk would be.
//
// bench/CMakeLists.txt links core, imgproc and imgcodecs but not opencv_mcc, so the two factory
// functions this driver needs from libopencv_mcc are looked up at run time (dlopen); everything
// else in the mcc API is virtual and needs no link-time symbol. (Adding opencv_mcc to the bench
// link would make this unnecessary.)
#include <dlfcn.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/mcc.hpp>
#include <string>

#include "color/colorimetry.h"
#include "store/image_io.h"
#include "store/shipped_data.h"
#include "synth/chart.h"

namespace ss = shadecast::synth;
namespace st = shadecast::store;

namespace {

using CreateDetector = cv::Ptr<cv::mcc::CCheckerDetector> (*)();
using CreateParams = cv::Ptr<cv::mcc::DetectorParameters> (*)();

struct Mcc {
  CreateDetector detector = nullptr;
  CreateParams params = nullptr;
};

Mcc LoadMcc() {
  void* lib = nullptr;
  for (const char* name : {"libopencv_mcc.so." CV_VERSION, "libopencv_mcc.so.406", "libopencv_mcc.so"}) {
    lib = dlopen(name, RTLD_NOW | RTLD_GLOBAL);
    if (lib) break;
  }
  if (!lib) {
    std::fprintf(stderr, "cannot load libopencv_mcc: %s\n", dlerror());
    std::exit(1);
  }
  Mcc m;
  m.detector = reinterpret_cast<CreateDetector>(dlsym(lib, "_ZN2cv3mcc16CCheckerDetector6createEv"));
  m.params = reinterpret_cast<CreateParams>(dlsym(lib, "_ZN2cv3mcc18DetectorParameters6createEv"));
  if (!m.detector || !m.params) {
    std::fprintf(stderr, "libopencv_mcc lacks the expected factory functions\n");
    std::exit(1);
  }
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 40;
  int w = 2048, h = 1536;
  if (argc > 2 && std::sscanf(argv[2], "%dx%d", &w, &h) != 2) {
    std::fprintf(stderr, "usage: %s [renders] [WIDTHxHEIGHT]\n", argv[0]);
    return 2;
  }
  const Mcc mcc = LoadMcc();
  const auto chart = st::LoadChart("colorchecker24");
  const char* cameras[] = {"canon_eos_5d_mark_ii", "gauss_broad", "gauss_narrow", "gauss_shifted"};
  const char* lights[] = {"D65", "A", "D50", "LED-B4", "FL11"};
  int found = 0;
  for (int i = 0; i < n; ++i) {
    const char* cam = cameras[i % 4];
    const char* light = lights[i % 5];
    const ss::CameraResponse response(st::LoadCamera(cam), shadecast::color::CieIlluminant(light));
    ss::ChartRenderOptions o;  // default perspective 0.10
    o.width = w;
    o.height = h;
    o.seed = 1000 + i;
    ss::CaptureOptions cap;  // realistic noise, sRGB 8-bit
    cap.blur_px = 1.5;
    const ss::ChartRender r = ss::RenderChart(chart, response, o, cap);
    const std::string png = st::EncodeImage(r.image, st::ImageFormat::kPng, {});
    const cv::Mat bgr = cv::imdecode(cv::Mat(1, static_cast<int>(png.size()), CV_8U, const_cast<char*>(png.data())),
                                     cv::IMREAD_COLOR);
    auto detector = mcc.detector();
    bool ok = detector->process(bgr, cv::mcc::MCC24, 1, false, mcc.params());
    if (ok) {
      const auto list = detector->getListColorChecker();
      double tx = 0, ty = 0;
      for (const auto& p : r.patch_centers) {
        tx += p.x / r.patch_centers.size();
        ty += p.y / r.patch_centers.size();
      }
      const double pitch =
          std::hypot(r.patch_centers[1].x - r.patch_centers[0].x, r.patch_centers[1].y - r.patch_centers[0].y);
      ok = !list.empty() && std::hypot(list.front()->getCenter().x - tx, list.front()->getCenter().y - ty) < pitch;
    }
    found += ok;
    std::printf("render %2d seed %d %-22s %-7s %s\n", i + 1, static_cast<int>(o.seed), cam, light,
                ok ? "found" : "MISSED");
    std::fflush(stdout);
  }
  std::printf("mcc detection rate: %d / %d = %.1f %%\n", found, n, 100.0 * found / n);
  return 0;
}
