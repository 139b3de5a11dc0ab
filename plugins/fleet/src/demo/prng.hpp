#pragma once
// A small, portable pseudo-random generator for the demo fleet: xoshiro256** seeded through
// splitmix64. Every draw is computed here from integer arithmetic (plus log/pow/cos from libm for
// the continuous distributions), never through std::uniform_*_distribution, whose output differs
// between standard libraries: the same seed gives the same fleet on every build.
// Not thread-safe; cheap to copy (a copy continues the same sequence independently).

#include <cmath>
#include <cstdint>
#include <vector>

namespace roundhouse::fleet::demo {

// splitmix64: a bijective mixer, used to seed and to derive independent sub-streams.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& word : s_) word = splitmix64(sm);
  }

  // An independent generator for a named sub-stream (e.g. one per purpose), so adding draws in one
  // place does not shift the sequence seen by another.
  static Rng derive(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t sm = seed ^ (stream * 0xD1B54A32D192ED03ULL);
    return Rng(splitmix64(sm));
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n) without modulo bias (rejection of the short top range); n > 0.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const std::uint64_t r = next();
      if (r >= threshold) return r % n;
    }
  }
  // Uniform integer in [lo, hi] (inclusive); lo <= hi.
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  bool chance(double p) { return uniform() < p; }

  // Weibull(shape k, scale lambda) by inversion: lambda * (-ln(1 - u))^(1/k).
  double weibull(double shape, double scale) { return scale * std::pow(-std::log1p(-uniform()), 1.0 / shape); }
  // Normal(mean, sd) by Box-Muller (one value per call).
  double normal(double mean, double sd) {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Log-normal with the given median and shape sigma.
  double lognormal(double median, double sigma) { return median * std::exp(normal(0.0, sigma)); }

  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(below(items.size()))];
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace roundhouse::fleet::demo
