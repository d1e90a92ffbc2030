// libFuzzer target (issue 23): the image bytes before and in decoding — the header reader that
// guards the pixel count (store/image_header.h), the float JPEG decoder (store/jpeg_float.h) and
// its quality estimate. Inputs whose header declares more than 4 MP are left to the header check
// (the real limit, 100 MP, is a size check, not a parser).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "store/image_header.h"
#include "store/jpeg_float.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::string why;
  const auto h = shadecast::store::ReadImageHeader(bytes, &why);
  if (h && h->Pixels() > 4'000'000) return 0;
  try {
    (void)shadecast::store::DecodeJpegFloat(bytes);
  } catch (const std::exception&) {
  }
  (void)shadecast::store::JpegChromaQuality(bytes);
  return 0;
}
