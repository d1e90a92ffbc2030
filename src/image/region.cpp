#include "image/region.h"

#include <algorithm>
#include <cmath>

namespace shadecast {

RectI LargestRectBeside(const RectI& frame, const RectI& obstacle) {
  const int fx1 = frame.x + frame.w, fy1 = frame.y + frame.h;
  const int ox0 = std::max(frame.x, obstacle.x), oy0 = std::max(frame.y, obstacle.y);
  const int ox1 = std::min(fx1, obstacle.x + obstacle.w), oy1 = std::min(fy1, obstacle.y + obstacle.h);
  if (obstacle.w <= 0 || obstacle.h <= 0 || ox0 >= ox1 || oy0 >= oy1) return frame;
  const std::array<RectI, 4> strips = {RectI{frame.x, frame.y, ox0 - frame.x, frame.h},
                                       RectI{ox1, frame.y, fx1 - ox1, frame.h},
                                       RectI{frame.x, frame.y, frame.w, oy0 - frame.y},
                                       RectI{frame.x, oy1, frame.w, fy1 - oy1}};
  RectI best{frame.x, frame.y, 0, 0};
  for (const RectI& r : strips)
    if (r.w > 0 && r.h > 0 && r.area() > best.area()) best = r;
  return best;
}

RectI CapCentred(const RectI& r, int max_side) {
  RectI out = r;
  if (out.w > max_side) {
    out.x += (out.w - max_side) / 2;
    out.w = max_side;
  }
  if (out.h > max_side) {
    out.y += (out.h - max_side) / 2;
    out.h = max_side;
  }
  return out;
}

RectI BoundingBox(const std::array<std::array<double, 2>, 4>& corners, double margin_px) {
  double x0 = corners[0][0], x1 = x0, y0 = corners[0][1], y1 = y0;
  for (const auto& c : corners) {
    x0 = std::min(x0, c[0]);
    x1 = std::max(x1, c[0]);
    y0 = std::min(y0, c[1]);
    y1 = std::max(y1, c[1]);
  }
  const int ix0 = static_cast<int>(std::floor(x0 - margin_px)), iy0 = static_cast<int>(std::floor(y0 - margin_px));
  const int ix1 = static_cast<int>(std::ceil(x1 + margin_px)), iy1 = static_cast<int>(std::ceil(y1 + margin_px));
  return {ix0, iy0, ix1 - ix0 + 1, iy1 - iy0 + 1};
}

}  // namespace shadecast
