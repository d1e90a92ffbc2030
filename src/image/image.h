#pragma once
// A plain float image buffer shared by every stage (calibration, measurement, the store's decoders,
// the synthesiser): no OpenCV in this header, so callers see only a vector. Pixels are interleaved
// (RGB for colour), row-major.
#include <cassert>
#include <cstddef>
#include <vector>

namespace shadecast {

struct ImageF {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<float> data;  // width * height * channels values, row-major, channels interleaved

  ImageF() = default;
  ImageF(int w, int h, int c, float fill = 0.0f)
      : width(w), height(h), channels(c), data(static_cast<size_t>(w) * h * c, fill) {}

  size_t Index(int x, int y, int c = 0) const {
    assert(x >= 0 && x < width && y >= 0 && y < height && c >= 0 && c < channels);
    return (static_cast<size_t>(y) * width + x) * channels + c;
  }
  float& At(int x, int y, int c = 0) { return data[Index(x, y, c)]; }
  float At(int x, int y, int c = 0) const { return data[Index(x, y, c)]; }
  bool empty() const { return data.empty(); }
};

}  // namespace shadecast
