#include "store/image_header.h"

namespace shadecast::store {
namespace {

uint32_t Be(const std::string& b, size_t at, int n) {
  uint32_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}
uint32_t Le(const std::string& b, size_t at, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}

std::optional<ImageHeader> Fail(std::string* why, const std::string& message) {
  if (why) *why = message;
  return std::nullopt;
}

std::optional<ImageHeader> Png(const std::string& b, std::string* why) {
  // Signature (8), then IHDR: length (4) "IHDR" (4) width (4) height (4).
  if (b.size() < 24 || b.compare(12, 4, "IHDR") != 0) return Fail(why, "PNG without an IHDR header");
  ImageHeader h{"png", Be(b, 16, 4), Be(b, 20, 4), 0};
  if (h.width == 0 || h.height == 0) return Fail(why, "PNG of zero size");
  return h;
}

std::optional<ImageHeader> Jpeg(const std::string& b, std::string* why) {
  size_t i = 2;
  while (i + 4 <= b.size()) {
    if (static_cast<uint8_t>(b[i]) != 0xFF) return Fail(why, "JPEG with a broken marker sequence");
    const uint8_t m = static_cast<uint8_t>(b[i + 1]);
    if (m == 0xFF) { ++i; continue; }  // fill byte
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; }
    if (m == 0xD9 || m == 0xDA) break;  // end of image or start of scan before any frame
    const size_t len = Be(b, i + 2, 2);
    if (len < 2) return Fail(why, "JPEG with a zero-length segment");
    const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) {
      if (i + 10 > b.size()) break;
      ImageHeader h{"jpeg", Be(b, i + 7, 2), Be(b, i + 5, 2), static_cast<int>(static_cast<uint8_t>(b[i + 9]))};
      if (h.width == 0 || h.height == 0) return Fail(why, "JPEG of zero size (or a height given later, unsupported)");
      return h;
    }
    i += 2 + len;
  }
  return Fail(why, "JPEG without a frame header (cut short?)");
}

std::optional<ImageHeader> Tiff(const std::string& b, std::string* why) {
  const bool le = b[0] == 'I';
  auto u = [&](size_t at, int n) { return le ? Le(b, at, n) : Be(b, at, n); };
  if (b.size() < 8) return Fail(why, "TIFF cut short");
  const size_t ifd = u(4, 4);
  if (ifd + 2 > b.size()) return Fail(why, "TIFF whose first directory lies beyond the file");
  const size_t n = u(ifd, 2);
  ImageHeader h{"tiff", 0, 0, 0};
  for (size_t k = 0; k < n; ++k) {
    const size_t e = ifd + 2 + 12 * k;
    if (e + 12 > b.size()) return Fail(why, "TIFF directory cut short");
    const uint32_t tag = u(e, 2), type = u(e + 2, 2);
    const uint32_t value = type == 3 ? u(e + 8, 2) : u(e + 8, 4);
    if (tag == 256) h.width = value;
    if (tag == 257) h.height = value;
  }
  if (h.width == 0 || h.height == 0) return Fail(why, "TIFF without its width and height");
  return h;
}

}  // namespace

std::optional<ImageHeader> ReadImageHeader(const std::string& b, std::string* why) {
  if (b.size() >= 8 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) return Png(b, why);
  if (b.size() >= 3 && static_cast<uint8_t>(b[0]) == 0xFF && static_cast<uint8_t>(b[1]) == 0xD8) return Jpeg(b, why);
  if (b.size() >= 4 && (b.compare(0, 4, "II*\0", 4) == 0 || b.compare(0, 4, "MM\0*", 4) == 0)) return Tiff(b, why);
  return Fail(why, "not a JPEG, PNG or TIFF file");
}

}  // namespace shadecast::store
