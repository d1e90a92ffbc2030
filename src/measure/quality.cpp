#include "measure/quality.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace shadecast::measure {

double FlagPenalty(const std::string& flag) {
  static const std::map<std::string, double> kPenalty = {
      {"too_few_follicles", 0.5}, {"too_few_dots", 0.5},   {"no_look", 0.5},          {"blur", 0.3},
      {"blur_out_of_range", 0.3}, {"chart_fit", 0.3},      {"chart_drift", 0.3},      {"too_many_hairs", 0.3},
      {"clipping", 0.2},          {"uneven_light", 0.2},   {"jpeg_compression", 0.2}, {"low_contrast", 0.2}};
  const auto it = kPenalty.find(flag);
  return it == kPenalty.end() ? 0.2 : it->second;
}

void FinishQuality(const QualityInputs& in, const QualityOptions& o, pb::Quality* q) {
  char buf[400];
  auto flag = [&](const char* f, const char* msg) {
    q->add_flags(f);
    q->add_messages(msg);
  };
  const char* what = in.dots ? "dots" : "follicles";
  if (!in.has_look) {
    std::snprintf(buf, sizeof buf,
                  "no look could be computed: no %s in the skin beside the chart; frame more of the treated area", what);
    flag("no_look", buf);
  } else if (in.presmoothed_too_much || in.camera_sigma_mm > o.max_camera_sigma_mm) {
    std::snprintf(buf, sizeof buf,
                  "the photo is too blurred to judge the close-up look (blur about %.2f mm, more than %.2f): hold the "
                  "camera steady, focus on the skin and retake",
                  in.camera_sigma_mm, o.max_camera_sigma_mm);
    flag("blur_out_of_range", buf);
  }
  if (in.replaced_share > o.max_hair_share) {
    std::snprintf(buf, sizeof buf,
                  "long hairs lie over %.0f %% of the skin: the stubble cannot be measured reliably; shave or trim the "
                  "area, or choose a region between the hairs (--roi)",
                  100 * in.replaced_share);
    flag("too_many_hairs", buf);
  }
  if (!in.contrast_l.empty()) {
    std::vector<double> c = in.contrast_l;
    std::nth_element(c.begin(), c.begin() + c.size() / 2, c.end());
    const double med = c[c.size() / 2];
    if (med < o.low_contrast_ratio * in.min_contrast_l) {
      std::snprintf(buf, sizeof buf,
                    "the %s barely stand out from this skin (median %.1f L* darker): some are likely missed, so the "
                    "count and density may be low; use brighter, even light",
                    what, med);
      flag("low_contrast", buf);
    }
  }
  double conf = 1.0;
  for (const auto& f : q->flags()) conf -= FlagPenalty(f);
  q->set_confidence(std::max(0.0, conf));
}

}  // namespace shadecast::measure
