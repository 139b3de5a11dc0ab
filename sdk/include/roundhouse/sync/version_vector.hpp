#pragma once
// Version vector: per replica, how many of its operations have been seen (a contiguous 1..n).
// Compares two histories: equal, one before the other, or concurrent.

#include <algorithm>
#include <cstdint>
#include <map>

#include "roundhouse/sync/dot.hpp"

namespace roundhouse::sync {

enum class Causality { equal, before, after, concurrent };

// Value type; not thread-safe. Invariant: no entry is 0 (absent means 0).
class VersionVector {
 public:
  using Map = std::map<ReplicaId, std::uint64_t>;

  const Map& entries() const noexcept { return v_; }
  std::uint64_t get(ReplicaId r) const noexcept {
    auto it = v_.find(r);
    return it == v_.end() ? 0 : it->second;
  }
  bool contains(const Dot& d) const noexcept { return d.counter != 0 && d.counter <= get(d.replica); }
  // Raises r's entry to at least n.
  void advance(ReplicaId r, std::uint64_t n) {
    if (n == 0) return;
    auto& slot = v_[r];
    slot = std::max(slot, n);
  }
  // Records r's next operation and returns its dot.
  Dot increment(ReplicaId r) { return Dot{r, ++v_[r]}; }
  void join(const VersionVector& o) {
    for (const auto& [r, n] : o.v_) advance(r, n);
  }
  // How this history relates to `o`: before means every entry <= o's and at least one smaller.
  Causality compare(const VersionVector& o) const noexcept {
    bool less = false, greater = false;
    auto a = v_.begin(), b = o.v_.begin();
    while (a != v_.end() || b != o.v_.end()) {
      if (b == o.v_.end() || (a != v_.end() && a->first < b->first)) {
        greater = true;
        ++a;
      } else if (a == v_.end() || b->first < a->first) {
        less = true;
        ++b;
      } else {
        if (a->second < b->second) less = true;
        if (a->second > b->second) greater = true;
        ++a, ++b;
      }
    }
    if (less && greater) return Causality::concurrent;
    if (less) return Causality::before;
    if (greater) return Causality::after;
    return Causality::equal;
  }

  friend bool operator==(const VersionVector&, const VersionVector&) = default;

 private:
  Map v_;
};

}  // namespace roundhouse::sync
