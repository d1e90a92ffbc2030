#pragma once
// JPEG decoding without the 8-bit rounding of a standard decoder.
//
// A standard decoder (libjpeg, behind OpenCV) rounds twice: the inverse DCT's output to whole Y'CbCr
// codes and the converted R'G'B' to whole codes. Where a JPEG has smoothed an area flat (at quality
// 95 the chroma of skin: the noise's chroma coefficients quantise to zero) the first rounding is not
// dithered by anything and becomes an offset of up to half a code that depends on the colour: on a
// synthetic dark-skin scalp decoded Cr was +0.34 code on skin but not in the follicles' cores, which
// made the cores' summed Cr deviation -94 instead of -62 (PNG of the same render). Decoding the
// stored coefficients in floating point keeps that information: -70. docs/measure.md, "JPEG decoding".
#include <optional>
#include <string>

#include "image/image.h"

namespace shadecast::store {

// JPEG bytes -> R'G'B' 0-1 in floating point: the stored coefficients dequantised, an exact inverse
// DCT, libjpeg's triangle ("fancy") chroma upsampling and the JFIF Y'CbCr -> R'G'B' matrix, rounded
// nowhere; values are clamped to 0-1 at the end as a decoder's are. nullopt when the bytes are not a
// 3-component Y'CbCr JPEG whose chroma is subsampled 1x1, 2x1, 1x2 or 2x2 (e.g. greyscale, CMYK,
// RGB-coded), so that the caller decodes them another way; throws std::runtime_error "corrupt JPEG:
// <libjpeg's message>" for a JPEG libjpeg cannot read or reads only with a warning (corrupt data, a
// truncated file), where a standard decoder would fill the missing part with grey.
std::optional<ImageF> DecodeJpegFloat(const std::string& bytes);

// The quality (1-100) whose libjpeg-scaled standard chroma table is nearest (least squares) to the
// JPEG's own chroma quantisation table: how coarsely the file keeps colour detail, whatever encoder
// wrote it. nullopt when the bytes are not a 3-component Y'CbCr JPEG or cannot be read.
std::optional<int> JpegChromaQuality(const std::string& bytes);

}  // namespace shadecast::store
