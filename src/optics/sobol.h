#pragma once
// A Sobol low-discrepancy sequence in up to 8 dimensions (Bratley & Fox 1988, Algorithm 659, Gray-code
// order) with the direction numbers of Joe & Kuo 2008 (new-joe-kuo-6.21201, dimensions 2-8). Used to
// draw check points off the table nodes (tests, benches). Point 0 (the origin) is skipped.
#include <array>
#include <cstdint>
#include <stdexcept>

namespace shadecast::optics {

class Sobol {
 public:
  static constexpr int kMaxDims = 8;

  explicit Sobol(int dims) : dims_(dims) {
    if (dims < 1 || dims > kMaxDims) throw std::invalid_argument("Sobol: 1 to 8 dimensions");
    // (degree s, coefficients a, initial m_1..m_s) per dimension 2..8 (Joe & Kuo 2008).
    struct Poly {
      int s, a;
      std::array<uint32_t, 5> m;
    };
    static constexpr Poly kPolys[kMaxDims - 1] = {{1, 0, {1}},          {2, 1, {1, 3}},       {3, 1, {1, 3, 1}},
                                                  {3, 2, {1, 1, 1}},    {4, 1, {1, 1, 3, 3}}, {4, 4, {1, 3, 5, 13}},
                                                  {5, 2, {1, 1, 5, 5, 17}}};
    for (int i = 0; i < kBits; ++i) v_[0][i] = 1u << (31 - i);
    for (int d = 1; d < dims_; ++d) {
      const Poly& p = kPolys[d - 1];
      for (int i = 0; i < kBits; ++i) {
        if (i < p.s) {
          v_[d][i] = p.m[i] << (31 - i);
        } else {
          uint32_t x = v_[d][i - p.s] ^ (v_[d][i - p.s] >> p.s);
          for (int k = 1; k < p.s; ++k)
            if ((p.a >> (p.s - 1 - k)) & 1u) x ^= v_[d][i - k];
          v_[d][i] = x;
        }
      }
    }
    x_.fill(0);
  }

  // The next point in [0, 1)^dims.
  std::array<double, kMaxDims> Next() {
    ++index_;
    int c = 0;
    for (uint64_t i = index_ - 1; i & 1u; i >>= 1) ++c;  // lowest zero bit of index - 1
    std::array<double, kMaxDims> out{};
    for (int d = 0; d < dims_; ++d) {
      x_[d] ^= v_[d][c];
      out[d] = static_cast<double>(x_[d]) / 4294967296.0;
    }
    return out;
  }

 private:
  static constexpr int kBits = 32;
  int dims_;
  uint64_t index_ = 0;
  std::array<std::array<uint32_t, kBits>, kMaxDims> v_{};
  std::array<uint32_t, kMaxDims> x_{};
};

}  // namespace shadecast::optics
