#pragma once
// Seeded random numbers with distributions written out here rather than taken from <random>:
// std::mt19937_64's output sequence is fixed by the standard, but std::normal_distribution and
// std::poisson_distribution are not (libstdc++, libc++ and MSVC differ, and may change), so the
// synthesiser's "same flags, same bytes" promise would not survive a toolchain change with them.
#include <cmath>
#include <cstdint>
#include <random>
#include <algorithm>

namespace shadecast::synth {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  // SplitMix64 of (seed, stream): independent streams (placement, noise, ...) from one user seed.
  static uint64_t Derive(uint64_t seed, uint64_t stream) {
    uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }

  // Standard normal by Marsaglia's polar method (the second value of each pair is kept).
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * Uniform() - 1.0;
      v = 2.0 * Uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

  // Poisson counts: exact (Knuth's product of uniforms) below a mean of 30, above it the normal
  // approximation rounded to an integer (its error is far below the read noise there).
  double Poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean < 30.0) {
      const double limit = std::exp(-mean);
      double p = Uniform();
      int k = 0;
      while (p > limit) {
        p *= Uniform();
        ++k;
      }
      return k;
    }
    return std::max(0.0, std::floor(mean + std::sqrt(mean) * Normal() + 0.5));
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace shadecast::synth
