// The ROI and the clipped share (steps.h).
#include <algorithm>
#include <cstdio>

#include "measure/steps.h"

namespace shadecast::measure::internal {

ClipOptions ClipOptions::From(const MeasureOptions& o) {
  ClipOptions c;
  c.share_flag = o.clip_share_flag;
  c.share_fail = o.clip_share_fail;
  return c;
}

Roi FrameRoi(const ImageF& rgb, const Roi& requested) {
  char buf[512];
  Roi roi = requested;
  if (roi.empty()) roi = {0, 0, rgb.width, rgb.height};
  if (roi.x + roi.width > rgb.width || roi.y + roi.height > rgb.height) {
    std::snprintf(buf, sizeof buf, "the ROI %d,%d,%d,%d does not fit in the %dx%d photo", roi.x, roi.y, roi.width,
                  roi.height, rgb.width, rgb.height);
    throw MeasureError(buf);
  }
  if (roi.width < 16 || roi.height < 16) throw MeasureError("the ROI is smaller than 16x16 px");
  return roi;
}

ClipResult CheckClipping(const ImageF& rgb, const Roi& roi, const ClipOptions& o, pb::Quality* q) {
  char buf[512];
  size_t n_top = 0, n_bottom = 0;
  for (int y = roi.y; y < roi.y + roi.height; ++y) {
    const float* row = rgb.data.data() + (static_cast<size_t>(y) * rgb.width + roi.x) * 3;
    int top = 0, bottom = 0;  // branch-free: the loop vectorises
    for (int x = 0; x < roi.width; ++x) {
      const float r = row[3 * x], g = row[3 * x + 1], b = row[3 * x + 2];
      const float hi = std::max(r, std::max(g, b));
      top += hi >= 0.995f;
      bottom += hi <= 0.005f;
    }
    n_top += top;
    n_bottom += bottom;
  }
  const double n_roi = static_cast<double>(roi.width) * roi.height;
  q->set_clipped_share(n_top / n_roi);
  if (n_top / n_roi >= o.share_fail) {
    std::snprintf(buf, sizeof buf,
                  "the photo is clipped: %.0f %% of the ROI is at the top of the range, so no colour can be measured; "
                  "lower the exposure (or the light) and take it again",
                  100.0 * n_top / n_roi);
    throw MeasureError(buf);
  }
  if (n_bottom / n_roi >= o.share_fail) {
    std::snprintf(buf, sizeof buf,
                  "the photo is black: %.0f %% of the ROI is at the bottom of the range; raise the exposure and take it again",
                  100.0 * n_bottom / n_roi);
    throw MeasureError(buf);
  }
  if (n_top / n_roi >= o.share_flag) {
    std::snprintf(buf, sizeof buf, "%.1f %% of the ROI is clipped (glare or overexposure); colours near it are excluded",
                  100.0 * n_top / n_roi);
    AddFlag(q, "clipping", buf);
  }
  return {n_top, n_bottom, n_roi};
}

}  // namespace shadecast::measure::internal
