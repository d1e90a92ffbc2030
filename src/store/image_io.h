#pragma once
// Image files for the synthesiser and the stages that read its output: PNG (8/16 bit), TIFF (8/16
// bit) and JPEG (8 bit), chosen by the file extension. Encoding happens in memory and the bytes are
// written atomically (store::WriteFileAtomic), so a failure leaves no partial file.
#include <filesystem>
#include <string>

#include "image/image.h"

namespace shadecast::store {

enum class ImageFormat { kPng, kTiff, kJpeg };
// From the extension (.png, .tif/.tiff, .jpg/.jpeg, any case). Throws std::runtime_error naming
// the path and the known extensions.
ImageFormat ImageFormatFromPath(const std::filesystem::path& path);

struct ImageWriteOptions {
  int bits = 8;            // 8 or 16 (16: PNG and TIFF only)
  int jpeg_quality = 95;   // 1-100, JPEG only
};

// RGB values 0-1 (already in the wanted transfer curve) -> file bytes; values are rounded to the
// nearest code. Throws std::runtime_error for a combination the format cannot hold.
std::string EncodeImage(const ImageF& rgb, ImageFormat format, const ImageWriteOptions& options);
void WriteImageAtomic(const std::filesystem::path& path, const ImageF& rgb, const ImageWriteOptions& options);

// How a JPEG's pixels are reconstructed. kFloat (the default): from the stored coefficients without
// rounding to 8-bit codes (store/jpeg_float.h: a standard decoder's rounding leaves a colour-dependent
// offset of up to half a code on areas the JPEG smoothed flat, which biased follicle cores); files it
// does not handle fall back to OpenCV. kLibjpeg: OpenCV's (libjpeg's) 8-bit decoding, for comparison.
enum class JpegDecoding { kFloat, kLibjpeg };

// File -> RGB values 0-1 (code / 255 or code / 65535; JPEG: see JpegDecoding); `bits` receives 8 or
// 16 when given. Throws std::runtime_error "cannot read <path>: ..." / "<path>: not an image OpenCV
// can decode" / "<path>: corrupt JPEG: ...".
ImageF ReadImage(const std::filesystem::path& path, int* bits = nullptr, JpegDecoding jpeg = JpegDecoding::kFloat);
ImageF DecodeImage(const std::string& bytes, const std::string& name, int* bits = nullptr,
                          JpegDecoding jpeg = JpegDecoding::kFloat);

// A photo to measure colour from (measure, consult, visit add, calibrate, profile check): as
// DecodeImage, but a CMYK JPEG (a print separation) and a black-and-white photo (one channel, or
// R = G = B at every pixel) are refused with what to do, instead of being measured as colour
// (issue 23: a greyscale scalp read as skin a* 0.5 "cool" with no flag).
ImageF DecodeColourPhoto(const std::string& bytes, const std::string& name, int* bits = nullptr);
ImageF ReadColourPhoto(const std::filesystem::path& path, int* bits = nullptr);

}  // namespace shadecast::store
