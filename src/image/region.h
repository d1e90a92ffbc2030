#pragma once
// Rectangles of a frame: the part of a scalp photo that is skin when a chart lies in it.
#include <array>

namespace shadecast {

struct RectI {
  int x = 0, y = 0, w = 0, h = 0;
  long long area() const { return static_cast<long long>(w) * h; }
  bool Contains(double px, double py) const { return px >= x && py >= y && px < x + w && py < y + h; }
};

// The largest of the four strips of `frame` left, right, above and below `obstacle` (clipped to the
// frame); `frame` itself when the obstacle is empty or outside it. Ties go in that order.
RectI LargestRectBeside(const RectI& frame, const RectI& obstacle);

// `r` shrunk about its centre to at most `max_side` pixels a side.
RectI CapCentred(const RectI& r, int max_side);

// The axis-aligned box (whole pixels, grown by `margin_px`) around four corner points.
RectI BoundingBox(const std::array<std::array<double, 2>, 4>& corners, double margin_px);

}  // namespace shadecast
