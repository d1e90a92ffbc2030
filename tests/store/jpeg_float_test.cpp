// Float JPEG decoding (store/jpeg_float.h) against OpenCV's 8-bit decoding of the same bytes.
#include <catch2/catch.hpp>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <random>
#include <stdexcept>

#include "store/image_io.h"
#include "store/jpeg_float.h"

namespace st = shadecast::store;
using shadecast::ImageF;

namespace {

// A flat colour (8-bit codes) with Gaussian noise of `sd` codes, rounded to codes as a camera's file is.
ImageF NoisyFlat(int w, int h, const double rgb[3], double sd, unsigned seed) {
  ImageF im(w, h, 3);
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0.0, sd);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) im.At(x, y, c) = static_cast<float>(std::round(std::clamp(rgb[c] + n(rng), 0.0, 255.0)) / 255.0);
  return im;
}

// Mean JPEG Cr (in codes) of an image with values 0-1.
double MeanCr(const ImageF& im) {
  double s = 0;
  for (int y = 0; y < im.height; ++y)
    for (int x = 0; x < im.width; ++x)
      s += 255.0 * (0.5 * im.At(x, y, 0) - 0.418688 * im.At(x, y, 1) - 0.081312 * im.At(x, y, 2));
  return s / (static_cast<double>(im.width) * im.height);
}

}  // namespace

TEST_CASE("Float JPEG decoding agrees with libjpeg's to its rounding", "[store][jpeg]") {
  // A gradient with detail and noise, JPEG q95 4:2:0 (OpenCV's default subsampling).
  ImageF im(96, 80, 3);
  std::mt19937 rng(3);
  std::normal_distribution<double> n(0.0, 2.0);
  for (int y = 0; y < im.height; ++y)
    for (int x = 0; x < im.width; ++x) {
      const double v[3] = {40 + 1.8 * x + n(rng), 60 + 1.5 * y + n(rng), 30 + x + y + 10 * ((x / 7 + y / 5) % 2) + n(rng)};
      for (int c = 0; c < 3; ++c) im.At(x, y, c) = static_cast<float>(std::round(std::clamp(v[c], 0.0, 255.0)) / 255.0);
    }
  const std::string bytes = st::EncodeImage(im, st::ImageFormat::kJpeg, {8, 95});
  const auto fl = st::DecodeJpegFloat(bytes);
  REQUIRE(fl);
  const ImageF lj = st::DecodeImage(bytes, "t.jpg", nullptr, st::JpegDecoding::kLibjpeg);
  REQUIRE(fl->width == lj.width);
  REQUIRE(fl->height == lj.height);
  double mx = 0, sum = 0;
  for (size_t i = 0; i < lj.data.size(); ++i) {
    const double d = std::abs(255.0 * (fl->data[i] - lj.data[i]));
    mx = std::max(mx, d);
    sum += d;
  }
  // libjpeg rounds the IDCT's Y'CbCr (+-0.5), the upsampled chroma (+-0.5) and R'G'B' (+-0.5): B takes
  // 1.772 x the chroma's, so up to 0.5 + 1.772 + 0.5 = 2.8 codes apart (2.3 seen); 0.5 in the mean
  // (a decoder bug, e.g. a wrong upsampling phase or coefficient order, is tens of codes).
  CHECK(mx <= 2.8);
  CHECK(sum / lj.data.size() <= 0.5);
  // The default DecodeImage is the float decoding.
  const ImageF def = st::DecodeImage(bytes, "t.jpg");
  CHECK(def.data == fl->data);
}

TEST_CASE("Float JPEG decoding keeps the colour of areas JPEG smoothed flat", "[store][jpeg]") {
  // A skin-like flat colour with 1 code of noise: at q95 4:2:0 the chroma's noise quantises away and
  // libjpeg's rounding of the flat result to whole codes shifts Cr by ~+0.34 code for this colour
  // (measured; the reason for the float decoder). The float decoding keeps the mean within the DC
  // coefficient's quantisation (step 2 -> 0.25 code in the mean: at most 0.125) plus noise (~0.01).
  const double rgb[3] = {120, 70, 50};
  const ImageF im = NoisyFlat(256, 256, rgb, 1.0, 11);
  const std::string bytes = st::EncodeImage(im, st::ImageFormat::kJpeg, {8, 95});
  const double truth = MeanCr(im);
  const double lj = MeanCr(st::DecodeImage(bytes, "flat.jpg", nullptr, st::JpegDecoding::kLibjpeg)) - truth;
  const double fl = MeanCr(st::DecodeImage(bytes, "flat.jpg")) - truth;
  INFO("Cr offset: libjpeg " << lj << ", float " << fl);
  CHECK(std::abs(lj) > 0.2);  // the effect this decoder removes is there
  CHECK(std::abs(fl) <= 0.15);
}

TEST_CASE("Float JPEG decoding leaves other files to OpenCV and rejects corrupt ones", "[store][jpeg]") {
  SECTION("greyscale JPEG: not handled here, decoded by OpenCV as grey RGB") {
    cv::Mat g(32, 48, CV_8UC1);
    for (int y = 0; y < g.rows; ++y)
      for (int x = 0; x < g.cols; ++x) g.at<uint8_t>(y, x) = static_cast<uint8_t>(4 * x + y);
    std::vector<uint8_t> buf;
    REQUIRE(cv::imencode(".jpg", g, buf, {cv::IMWRITE_JPEG_QUALITY, 95}));
    const std::string bytes(buf.begin(), buf.end());
    CHECK_FALSE(st::DecodeJpegFloat(bytes));
    const ImageF im = st::DecodeImage(bytes, "grey.jpg");
    REQUIRE(im.width == 48);
    CHECK(im.At(10, 5, 0) == im.At(10, 5, 2));
  }
  SECTION("not a JPEG at all") { CHECK_FALSE(st::DecodeJpegFloat("\x89PNG\r\n\x1a\n")); }
  SECTION("truncated JPEG: a clear error, not a grey-filled image") {
    const double rgb[3] = {120, 70, 50};
    const std::string bytes = st::EncodeImage(NoisyFlat(64, 64, rgb, 3.0, 2), st::ImageFormat::kJpeg, {8, 95});
    const std::string cut = bytes.substr(0, bytes.size() / 2);
    CHECK_THROWS_WITH(st::DecodeImage(cut, "cut.jpg"), Catch::Contains("cut.jpg") && Catch::Contains("corrupt JPEG"));
    CHECK_THROWS_AS(st::DecodeJpegFloat("\xFF\xD8\xFF\xE0garbage"), std::runtime_error);
  }
}

TEST_CASE("A JPEG's chroma quality is read from its tables", "[store][jpeg]") {
  // Reference: libjpeg (behind OpenCV) scales the standard chroma table by the quality it is given,
  // so the estimate is exact for its files.
  const double rgb[3] = {120, 70, 50};
  const ImageF im = NoisyFlat(32, 32, rgb, 2.0, 5);
  for (int q : {50, 85, 90, 92, 95, 98}) {
    INFO("quality " << q);
    CHECK(st::JpegChromaQuality(st::EncodeImage(im, st::ImageFormat::kJpeg, {8, q})) == q);
  }
  CHECK_FALSE(st::JpegChromaQuality(st::EncodeImage(im, st::ImageFormat::kPng, {})));
}
