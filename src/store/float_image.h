#pragma once
// Float images (L*a*b* from `profile apply`): 32-bit float, 3-channel TIFF, written atomically.
#include <filesystem>

#include "image/image.h"

namespace shadecast::store {

// Values are stored as they are (no scaling). Throws std::runtime_error naming the path.
void WriteFloatTiffAtomic(const std::filesystem::path& path, const ImageF& image);

}  // namespace shadecast::store
