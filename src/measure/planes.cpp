// The ROI's L* plane and the memory the measurement's planes live in (steps.h).
#include <cstdlib>
#include <new>
#include <sys/mman.h>

#include "measure/steps.h"

namespace shadecast::measure::internal {

std::shared_ptr<float> HugePlane(size_t n) {
  constexpr size_t kAlign = size_t{2} << 20;
  const size_t bytes = (n * sizeof(float) + kAlign - 1) / kAlign * kAlign;
  void* p = std::aligned_alloc(kAlign, bytes);
  if (!p) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  madvise(p, bytes, MADV_HUGEPAGE);
#endif
#ifdef MADV_POPULATE_WRITE
  // Fault the plane in with one call (where the kernel has no huge pages to give, page by page
  // faults cost ~0.1 s per 48 MB plane on the bench's VM).
  madvise(p, bytes, MADV_POPULATE_WRITE);
#endif
  return std::shared_ptr<float>(static_cast<float*>(p), [](float* q) { std::free(q); });
}

cv::Mat HugeMat(int rows, int cols, std::vector<std::shared_ptr<float>>* owner) {
  owner->push_back(HugePlane(static_cast<size_t>(rows) * cols));
  return cv::Mat(rows, cols, CV_32F, owner->back().get());
}

Planes MakePlanes(const ImageF& rgb, const Roi& roi, const LabConverter& conv) {
  Planes P;
  P.w = roi.width;
  P.h = roi.height;
  P.rgb = &rgb;
  P.x0 = roi.x;
  P.y0 = roi.y;
  P.conv = &conv;
  P.memory = HugePlane(static_cast<size_t>(P.w) * P.h);
  P.l = P.memory.get();
  conv.ConvertL(rgb, roi.x, roi.y, roi.width, roi.height, P.l);
  return P;
}

}  // namespace shadecast::measure::internal
