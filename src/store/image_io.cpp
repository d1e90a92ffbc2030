#include "store/image_io.h"
#include "store/image_header.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <vector>

#include "store/files.h"
#include "store/jpeg_float.h"

namespace shadecast::store {

ImageFormat ImageFormatFromPath(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".png") return ImageFormat::kPng;
  if (ext == ".tif" || ext == ".tiff") return ImageFormat::kTiff;
  if (ext == ".jpg" || ext == ".jpeg") return ImageFormat::kJpeg;
  throw std::runtime_error(path.string() + ": unknown image extension '" + ext +
                           "' (expected .png, .tif, .tiff, .jpg or .jpeg)");
}

std::string EncodeImage(const ImageF& rgb, ImageFormat format, const ImageWriteOptions& o) {
  if (rgb.channels != 3 || rgb.width <= 0 || rgb.height <= 0)
    throw std::runtime_error("EncodeImage: expected a non-empty RGB image");
  if (o.bits != 8 && o.bits != 16) throw std::runtime_error("image bit depth must be 8 or 16");
  if (format == ImageFormat::kJpeg && o.bits != 8)
    throw std::runtime_error("JPEG holds 8 bits only: use .png or .tif for 16-bit (linear16) images");
  if (format == ImageFormat::kJpeg && (o.jpeg_quality < 1 || o.jpeg_quality > 100))
    throw std::runtime_error("JPEG quality must be 1-100, got " + std::to_string(o.jpeg_quality));

  const double scale = o.bits == 8 ? 255.0 : 65535.0;
  const int type = o.bits == 8 ? CV_8UC3 : CV_16UC3;
  cv::Mat bgr(rgb.height, rgb.width, type);
  for (int y = 0; y < rgb.height; ++y) {
    const float* src = &rgb.data[static_cast<size_t>(y) * rgb.width * 3];
    for (int x = 0; x < rgb.width; ++x) {
      for (int c = 0; c < 3; ++c) {
        const double v = std::clamp(static_cast<double>(src[x * 3 + c]), 0.0, 1.0) * scale + 0.5;
        const int code = static_cast<int>(v);
        if (o.bits == 8)
          bgr.ptr<uint8_t>(y)[x * 3 + (2 - c)] = static_cast<uint8_t>(code);
        else
          bgr.ptr<uint16_t>(y)[x * 3 + (2 - c)] = static_cast<uint16_t>(code);
      }
    }
  }
  std::vector<int> params;
  std::string ext;
  switch (format) {
    case ImageFormat::kPng:
      ext = ".png";
      params = {cv::IMWRITE_PNG_COMPRESSION, 3};
      break;
    case ImageFormat::kTiff:
      ext = ".tif";
      break;
    case ImageFormat::kJpeg:
      ext = ".jpg";
      params = {cv::IMWRITE_JPEG_QUALITY, o.jpeg_quality};
      break;
  }
  std::vector<uint8_t> buf;
  if (!cv::imencode(ext, bgr, buf, params)) throw std::runtime_error("OpenCV could not encode the image as " + ext);
  return std::string(buf.begin(), buf.end());
}

void WriteImageAtomic(const std::filesystem::path& path, const ImageF& rgb, const ImageWriteOptions& o) {
  WriteFileAtomic(path, EncodeImage(rgb, ImageFormatFromPath(path), o));
}

ImageF DecodeImage(const std::string& bytes, const std::string& name, int* bits, JpegDecoding jpeg) {
  if (bytes.empty()) throw std::runtime_error(name + ": the file is empty (0 bytes); expected a JPEG, PNG or TIFF photo");
  // The pixel count from the header, before anything is decoded (a 30000 x 30000 PNG is refused in
  // microseconds instead of decoding until memory runs out).
  if (const auto h = ReadImageHeader(bytes); h && h->Pixels() > kMaxImagePixels)
    throw std::runtime_error(name + ": " + std::to_string(h->width) + " x " + std::to_string(h->height) +
                             " pixels is more than the " + std::to_string(kMaxImagePixels / 1'000'000) +
                             " megapixels shadecast decodes; resize the photo");
  // JPEG: decoded in floating point where it can be (store/jpeg_float.h says why).
  if (jpeg == JpegDecoding::kFloat) try {
    if (auto f = DecodeJpegFloat(bytes)) {
      if (bits) *bits = 8;
      return *std::move(f);
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(name + ": " + e.what());
  }
  const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
  cv::Mat img = cv::imdecode(raw, cv::IMREAD_UNCHANGED);
  if (img.empty()) throw std::runtime_error(name + ": not an image OpenCV can decode");
  if (img.depth() != CV_8U && img.depth() != CV_16U)
    throw std::runtime_error(name + ": expected an 8- or 16-bit image");
  if (img.channels() == 1) cv::cvtColor(img, img, cv::COLOR_GRAY2BGR);
  if (img.channels() == 4) cv::cvtColor(img, img, cv::COLOR_BGRA2BGR);
  const int b = img.depth() == CV_8U ? 8 : 16;
  if (bits) *bits = b;
  const double inv = b == 8 ? 1.0 / 255.0 : 1.0 / 65535.0;
  ImageF out(img.cols, img.rows, 3);
  for (int y = 0; y < img.rows; ++y)
    for (int x = 0; x < img.cols; ++x)
      for (int c = 0; c < 3; ++c) {
        const double v = b == 8 ? img.ptr<uint8_t>(y)[x * 3 + (2 - c)] : img.ptr<uint16_t>(y)[x * 3 + (2 - c)];
        out.At(x, y, c) = static_cast<float>(v * inv);
      }
  return out;
}

ImageF DecodeColourPhoto(const std::string& bytes, const std::string& name, int* bits) {
  if (const auto h = ReadImageHeader(bytes); h && h->format == "jpeg" && h->components == 4)
    throw std::runtime_error(name + ": a CMYK JPEG (a print separation, not a camera photo); shadecast measures "
                             "colour from RGB photos: export it as an RGB (sRGB) JPEG or use the camera's file");
  ImageF img = DecodeImage(bytes, name, bits);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x)
      if (img.At(x, y, 0) != img.At(x, y, 1) || img.At(x, y, 1) != img.At(x, y, 2)) return img;
  throw std::runtime_error(name + ": a black-and-white or blank photo (no pixel has any colour); shadecast measures "
                           "colour: use the camera's colour photo");
}

ImageF ReadColourPhoto(const std::filesystem::path& path, int* bits) { return DecodeColourPhoto(ReadFile(path), path.string(), bits); }

ImageF ReadImage(const std::filesystem::path& path, int* bits, JpegDecoding jpeg) {
  return DecodeImage(ReadFile(path), path.string(), bits, jpeg);
}

}  // namespace shadecast::store
