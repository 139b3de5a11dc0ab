#pragma once
// mulberry32, bit for bit as in ../shared/baselines/crdt-js/bench.js: the sync benchmarks draw the
// baseline's keys and shuffles with it.

#include <cstdint>

namespace roundhouse::sync::bench {

struct Mulberry32 {
  std::uint32_t a;
  double next() {
    a += 0x6D2B79F5u;
    std::uint32_t t = (a ^ (a >> 15)) * (1u | a);
    t = (t + ((t ^ (t >> 7)) * (61u | t))) ^ t;
    return static_cast<double>(t ^ (t >> 14)) / 4294967296.0;
  }
};

}  // namespace roundhouse::sync::bench
