// demo/random.h: small, fast random helpers on top of std::mt19937_64.
//
// The std distributions are implementation-defined (a libstdc++ upgrade could change
// the city) and some are slow, so the generator draws its own uniforms, exponentials
// and normals from the raw 64-bit engine output. Per-person details (names, phones,
// delays) use a counter-based hash instead, so they do not depend on the order in
// which people are visited.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace junheng::demo {

// SplitMix64 (Steele, Lea, Flood 2014): a good 64-bit mix of a counter.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A stream of random numbers from (seed, key): the same key always gives the same
// stream, whatever else the program drew before.
class HashRng {
 public:
  HashRng(uint64_t seed, uint64_t key) : state_(Mix64(seed ^ Mix64(key))) {}
  uint64_t Next() { return Mix64(state_++); }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  int Below(int n) { return static_cast<int>(Uniform() * n); }                // [0, n)
  double Normal() {  // Box-Muller, one of the pair
    const double u1 = 1.0 - Uniform(), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  uint64_t state_;
};

// The simulation's sequential stream.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
  int Below(int n) { return static_cast<int>(Uniform() * n); }
  bool Chance(double p) { return Uniform() < p; }
  // Exponential with rate 1.
  double Exp() { return -std::log(1.0 - Uniform()); }
  double Normal() {
    const double u1 = 1.0 - Uniform(), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Rounds x up or down at random so that the expectation is x (scaled counts).
  int64_t RoundRandom(double x) {
    const double f = std::floor(x);
    return static_cast<int64_t>(f) + (Uniform() < x - f ? 1 : 0);
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace junheng::demo
