#include "store/jpeg_float.h"

#include <jpeglib.h>

#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace shadecast::store {

namespace {

// libjpeg reports errors through error_exit, which must not return: it jumps back to the caller's
// setjmp (DecodeJpegFloat, JpegChromaQuality; no C++ object with a destructor is created between the
// two, and after the jump only the message is read).
struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void OnError(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

// Warnings (level -1) are libjpeg's word for corrupt data it decoded anyway (a truncated file comes
// out grey at the end): kept, and made an error after decoding.
void OnMessage(j_common_ptr cinfo, int level) {
  if (level >= 0) return;
  auto* e = reinterpret_cast<ErrorManager*>(cinfo->err);
  if (e->pub.num_warnings++ == 0) (*cinfo->err->format_message)(cinfo, e->message);
}

// One component's samples (block-padded), +128 already added.
struct Plane {
  int w = 0, h = 0;
  std::vector<float> v;
};

// b[x][u] = C(u) cos((2x + 1) u pi / 16) / 2: the 1-D inverse DCT of the JPEG standard; t = its transpose.
struct Basis {
  float b[8][8], t[8][8];
  Basis() {
    const double pi = std::acos(-1.0);
    for (int x = 0; x < 8; ++x)
      for (int u = 0; u < 8; ++u)
        t[u][x] = b[x][u] = static_cast<float>((u == 0 ? std::sqrt(0.5) : 1.0) * std::cos((2 * x + 1) * u * pi / 16) / 2);
  }
};

// Dequantised coefficients (natural order) -> 8 x 8 samples into `out` (row stride `stride`).
// Rows, then columns, skipping zero coefficients and rows (chroma blocks are often their DC alone).
// At 12 MP the decode (0.58-0.61 s on one core) is bound by memory: the 144 MB output's first touch.
void InverseDct(const JCOEF* coef, const UINT16* quant, const Basis& B, float* out, int stride) {
  float t[8][8] = {};
  bool row_used[8] = {};
  for (int v = 0; v < 8; ++v)
    for (int u = 0; u < 8; ++u) {
      const int k = 8 * v + u;
      if (coef[k] == 0) continue;
      const float f = static_cast<float>(coef[k]) * static_cast<float>(quant[k]);
      for (int x = 0; x < 8; ++x) t[v][x] += f * B.t[u][x];
      row_used[v] = true;
    }
  for (int y = 0; y < 8; ++y) {
    float o[8] = {128, 128, 128, 128, 128, 128, 128, 128};
    for (int v = 0; v < 8; ++v)
      if (row_used[v]) {
        const float w = B.b[y][v];
        for (int x = 0; x < 8; ++x) o[x] += w * t[v][x];
      }
    for (int x = 0; x < 8; ++x) out[y * stride + x] = o[x];
  }
}

}  // namespace

std::optional<int> JpegChromaQuality(const std::string& bytes) {
  if (bytes.size() < 4 || static_cast<unsigned char>(bytes[0]) != 0xFF || static_cast<unsigned char>(bytes[1]) != 0xD8)
    return std::nullopt;
  // ITU-T T.81 Annex K, table K.2 (chrominance), natural order: what libjpeg scales by quality.
  static constexpr int kStd[64] = {17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
                                   24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
                                   99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
                                   99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99};
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnError;
  err.pub.emit_message = OnMessage;
  int table[64];
  volatile bool ok = false;
  if (setjmp(err.jump) == 0) {
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.num_components == 3 && cinfo.jpeg_color_space == JCS_YCbCr) {
      const JQUANT_TBL* q = cinfo.quant_tbl_ptrs[cinfo.comp_info[1].quant_tbl_no];
      if (q) {
        for (int k = 0; k < 64; ++k) table[k] = q->quantval[k];
        ok = true;
      }
    }
  }
  jpeg_destroy_decompress(&cinfo);
  if (!ok) return std::nullopt;
  int best_q = 0;
  double best = 1e300;
  for (int quality = 1; quality <= 100; ++quality) {
    const int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;  // libjpeg's jpeg_quality_scaling
    double e = 0;
    for (int k = 0; k < 64; ++k) {
      const int v = std::clamp((kStd[k] * scale + 50) / 100, 1, 255);
      e += static_cast<double>(v - table[k]) * (v - table[k]);
    }
    if (e < best) best = e, best_q = quality;
  }
  return best_q;
}

std::optional<ImageF> DecodeJpegFloat(const std::string& bytes) {
  if (bytes.size() < 4 || static_cast<unsigned char>(bytes[0]) != 0xFF || static_cast<unsigned char>(bytes[1]) != 0xD8)
    return std::nullopt;
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnError;
  err.pub.emit_message = OnMessage;
  err.message[0] = '\0';
  // Everything with a destructor lives outside the setjmp region's scope.
  std::vector<Plane> planes(3);
  int sub[3][2] = {};
  int width = 0, height = 0;
  volatile int state = 0;  // 0 error, 1 decoded, 2 not a case handled here
  const Basis basis;
  if (setjmp(err.jump) == 0) {
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&cinfo, TRUE);
    bool ok = cinfo.num_components == 3 && cinfo.jpeg_color_space == JCS_YCbCr;
    const int mh = cinfo.max_h_samp_factor, mv = cinfo.max_v_samp_factor;
    for (int c = 0; ok && c < 3; ++c) {
      const jpeg_component_info& ci = cinfo.comp_info[c];
      if (mh % ci.h_samp_factor || mv % ci.v_samp_factor) ok = false;
      sub[c][0] = mh / std::max(1, ci.h_samp_factor);
      sub[c][1] = mv / std::max(1, ci.v_samp_factor);
      if (sub[c][0] > 2 || sub[c][1] > 2 || (c == 0 && (sub[c][0] != 1 || sub[c][1] != 1))) ok = false;
    }
    if (!ok) {
      state = 2;
    } else {
      jvirt_barray_ptr* coefs = jpeg_read_coefficients(&cinfo);
      width = static_cast<int>(cinfo.image_width);
      height = static_cast<int>(cinfo.image_height);
      for (int c = 0; c < 3; ++c) {
        jpeg_component_info& ci = cinfo.comp_info[c];
        const JQUANT_TBL* q = ci.quant_table ? ci.quant_table : cinfo.quant_tbl_ptrs[ci.quant_tbl_no];
        if (!q) {  // cannot happen after jpeg_read_coefficients succeeded; say so rather than crash
          std::snprintf(err.message, sizeof err.message, "component %d has no quantisation table", c);
          std::longjmp(err.jump, 1);
        }
        Plane& p = planes[c];
        p.w = static_cast<int>(ci.width_in_blocks) * 8;
        p.h = static_cast<int>(ci.height_in_blocks) * 8;
        p.v.assign(static_cast<size_t>(p.w) * p.h, 0.0f);
        for (JDIMENSION by = 0; by < ci.height_in_blocks; ++by) {
          JBLOCKARRAY row = (*cinfo.mem->access_virt_barray)(reinterpret_cast<j_common_ptr>(&cinfo), coefs[c], by, 1, FALSE);
          for (JDIMENSION bx = 0; bx < ci.width_in_blocks; ++bx)
            InverseDct(row[0][bx], q->quantval, basis, p.v.data() + static_cast<size_t>(by) * 8 * p.w + bx * 8, p.w);
        }
      }
      jpeg_finish_decompress(&cinfo);
      state = err.pub.num_warnings > 0 ? 0 : 1;
    }
  }
  jpeg_destroy_decompress(&cinfo);
  if (state == 2) return std::nullopt;
  if (state == 0) throw std::runtime_error(std::string("corrupt JPEG: ") + err.message);
  ImageF out(width, height, 3);
  constexpr float kInv = 1.0f / 255.0f;
  // Chroma rows upsampled vertically first (one row buffer per component), then across.
  std::vector<float> vert[3];
  for (int c = 1; c < 3; ++c) vert[c].resize(planes[c].w + 2);
  std::vector<float> row_cb(width), row_cr(width);
  for (int y = 0; y < height; ++y) {
    for (int c = 1; c < 3; ++c) {
      const Plane& p = planes[c];
      const int sx = sub[c][0], sy = sub[c][1];
      // The component's own size (libjpeg repeats its edges there, not at the block padding's).
      const int cw = (width + sx - 1) / sx, ch = (height + sy - 1) / sy;
      const int Y = y / sy, ny = std::clamp(sy == 1 ? Y : (y % 2 ? Y + 1 : Y - 1), 0, ch - 1);
      const float* a = &p.v[static_cast<size_t>(Y) * p.w];
      const float* b = &p.v[static_cast<size_t>(ny) * p.w];
      float* v = vert[c].data() + 1;  // v[-1] and v[cw] repeat the edges
      for (int i = 0; i < cw; ++i) v[i] = 0.75f * a[i] + 0.25f * b[i];
      v[-1] = v[0];
      v[cw] = v[cw - 1];
      float* o = c == 1 ? row_cb.data() : row_cr.data();
      if (sx == 1) {
        for (int x = 0; x < width; ++x) o[x] = v[x];
      } else {
        // Pixel 2i takes 3/4 of sample i and 1/4 of sample i - 1; pixel 2i + 1 of i and i + 1.
        for (int x = 0; x < width; ++x) {
          const int i = x >> 1;
          o[x] = 0.75f * v[i] + 0.25f * v[(x & 1) ? i + 1 : i - 1];
        }
      }
    }
    const float* yrow = &planes[0].v[static_cast<size_t>(y) * planes[0].w];
    float* o = &out.data[static_cast<size_t>(y) * width * 3];
    for (int x = 0; x < width; ++x, o += 3) {
      const float Yv = yrow[x], cb = row_cb[x] - 128.0f, cr = row_cr[x] - 128.0f;
      o[0] = std::clamp((Yv + 1.402f * cr) * kInv, 0.0f, 1.0f);
      o[1] = std::clamp((Yv - 0.344136f * cb - 0.714136f * cr) * kInv, 0.0f, 1.0f);
      o[2] = std::clamp((Yv + 1.772f * cb) * kInv, 0.0f, 1.0f);
    }
  }
  return out;
}

}  // namespace shadecast::store
