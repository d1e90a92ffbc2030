#pragma once
// The Monte Carlo's random numbers: xoshiro256+ (Blackman & Vigna 2018) seeded by SplitMix64, written
// out so a seed gives the same photons on every toolchain. Internal header of optics/mc*.cpp.
#include <cstdint>

namespace shadecast::optics::mc {

class Xoshiro {
 public:
  // Independent streams from one user seed: SplitMix64 of (seed, stream) fills the state.
  Xoshiro(uint64_t seed, uint64_t stream) {
    uint64_t z = seed ^ (0x9E3779B97F4A7C15ull * (stream + 1));
    for (uint64_t& s : s_) s = SplitMix(&z);
  }
  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe for -log().
  double UniformOpen() { return (static_cast<double>(Next() >> 11) + 1.0) * 0x1.0p-53; }

 private:
  static uint64_t SplitMix(uint64_t* x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t Next() {
    const uint64_t result = s_[0] + s_[3];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  uint64_t s_[4];
};

}  // namespace shadecast::optics::mc
