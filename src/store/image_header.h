#pragma once
// What an image file is and how many pixels it holds, read from its first bytes without decoding
// (issue 21: an upload's pixel count is checked before anything is decoded; a 30000 x 30000 PNG
// header must not reach the decoder). JPEG: the first start-of-frame marker (SOF0-SOF15 but DHT,
// JPG and DAC); PNG: the IHDR chunk; TIFF: the first image file directory's ImageWidth/ImageLength.
#include <cstdint>
#include <optional>
#include <string>

namespace shadecast::store {

struct ImageHeader {
  std::string format;  // "jpeg" | "png" | "tiff"
  int64_t width = 0, height = 0;
  int components = 0;  // JPEG: 1 grey, 3 YCbCr/RGB, 4 CMYK; PNG / TIFF: 0 (not read)
  int64_t Pixels() const { return width * height; }
};

// nullopt when the bytes start like none of the formats, or the header is cut short or malformed
// (the message says which when `why` is given).
std::optional<ImageHeader> ReadImageHeader(const std::string& bytes, std::string* why = nullptr);

// The largest photo the app and the CLI decode: 100 MP (a 24 MP camera's photo is a quarter of it;
// decoding 100 MP in floating point takes ~1.2 GB).
constexpr int64_t kMaxImagePixels = 100'000'000;

}  // namespace shadecast::store
