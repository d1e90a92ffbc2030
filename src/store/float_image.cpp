#include "store/float_image.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <vector>

#include "store/files.h"

namespace shadecast::store {

void WriteFloatTiffAtomic(const std::filesystem::path& path, const ImageF& image) {
  const std::string ext = path.extension().string();
  if (ext != ".tif" && ext != ".tiff")
    throw std::runtime_error(path.string() + ": a float image is written as TIFF (.tif or .tiff)");
  if (image.channels != 3) throw std::runtime_error("float TIFF: expected 3 channels");
  const cv::Mat m(image.height, image.width, CV_32FC3, const_cast<float*>(image.data.data()));
  // OpenCV writes its BGR order as RGB samples: hand it the channels reversed so the file's samples
  // are in the given order (L, a, b for a L*a*b* image).
  cv::Mat rev;
  cv::cvtColor(m, rev, cv::COLOR_RGB2BGR);
  std::vector<uchar> buf;
  if (!cv::imencode(".tiff", rev, buf)) throw std::runtime_error(path.string() + ": OpenCV could not encode a float TIFF");
  WriteFileAtomic(path, std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
}

}  // namespace shadecast::store
