#pragma once
// Grow-only and positive-negative counters. Each replica only ever raises its own entry; join takes
// the per-replica maximum. Mutators return the delta (just the changed entry) to ship.

#include <algorithm>
#include <cstdint>
#include <map>

#include "roundhouse/sync/dot.hpp"

namespace roundhouse::sync {

// Value type; not thread-safe. Invariant: no entry is 0.
class GCounter {
 public:
  using Map = std::map<ReplicaId, std::uint64_t>;

  std::uint64_t value() const noexcept {
    std::uint64_t sum = 0;
    for (const auto& [_, n] : counts_) sum += n;
    return sum;
  }
  const Map& entries() const noexcept { return counts_; }
  // Adds n at replica r; returns the delta {r: new total}.
  GCounter increment(ReplicaId r, std::uint64_t n = 1) {
    GCounter delta;
    if (n == 0) return delta;
    auto& slot = counts_[r];
    slot += n;
    delta.counts_[r] = slot;
    return delta;
  }
  void join(const GCounter& o) {
    for (const auto& [r, n] : o.counts_) {
      auto& slot = counts_[r];
      slot = std::max(slot, n);
    }
  }
  friend bool operator==(const GCounter&, const GCounter&) = default;

 private:
  Map counts_;
};

// Value type; not thread-safe. value() = increments - decrements (may be negative).
class PNCounter {
 public:
  std::int64_t value() const noexcept {
    return static_cast<std::int64_t>(up_.value() - down_.value());
  }
  const GCounter& increments() const noexcept { return up_; }
  const GCounter& decrements() const noexcept { return down_; }
  PNCounter add(ReplicaId r, std::int64_t n) {
    PNCounter delta;
    if (n > 0) delta.up_ = up_.increment(r, static_cast<std::uint64_t>(n));
    if (n < 0) delta.down_ = down_.increment(r, static_cast<std::uint64_t>(-(n + 1)) + 1);
    return delta;
  }
  void join(const PNCounter& o) {
    up_.join(o.up_);
    down_.join(o.down_);
  }
  friend bool operator==(const PNCounter&, const PNCounter&) = default;

 private:
  GCounter up_, down_;
};

}  // namespace roundhouse::sync
