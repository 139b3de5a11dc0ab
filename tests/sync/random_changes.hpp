#pragma once
// Random but deterministic change sets for the wire tests and the fuzz corpus: a few replicas write,
// erase and exchange deltas, with values of every kind.

#include <string>
#include <vector>

#include "roundhouse/sync/value.hpp"
#include "test_rng.hpp"

namespace roundhouse::sync::testing {

inline Value random_value(Rng& rng) {
  switch (rng.below(6)) {
    case 0: return std::monostate{};
    case 1: return rng.chance(50);
    case 2: return static_cast<std::int64_t>(rng.next());
    case 3: return static_cast<std::int64_t>(rng.below(1000)) - 500;
    case 4: return static_cast<double>(static_cast<std::int64_t>(rng.below(1'000'000)) - 500'000) / 7.0;
    default: return std::string("v\xc3\xa9") + std::to_string(rng.below(50));
  }
}

// Returns the final state of replica 1 and every delta produced along the way.
inline std::vector<ChangeSet> random_changes(std::uint64_t seed, int steps = 40) {
  Rng rng(seed);
  std::vector<ChangeSet> replicas(3);
  std::vector<HybridClock> clocks{HybridClock(1), HybridClock(1ull << 40), HybridClock(3)};
  std::vector<ReplicaId> ids{1, 1ull << 40, 3};
  std::vector<ChangeSet> out;
  for (int i = 0; i < steps; ++i) {
    std::size_t r = rng.below(3);
    std::string key = "vehicle/EMU-" + std::to_string(rng.below(4)) + "/f" + std::to_string(rng.below(3));
    if (rng.chance(15)) {
      out.push_back(replicas[r].erase(key));
    } else if (rng.chance(70)) {
      auto ts = clocks[r].now(1'700'000'000'000 + static_cast<std::int64_t>(rng.below(100'000)));
      out.push_back(replicas[r].set(ids[r], key, FieldValue{random_value(rng), ts}));
    } else {
      replicas[r].join(out.empty() ? replicas[rng.below(3)] : out[rng.below(out.size())]);
    }
  }
  ChangeSet all;
  for (const auto& s : replicas) all.join(s);
  out.push_back(all);
  return out;
}

}  // namespace roundhouse::sync::testing
