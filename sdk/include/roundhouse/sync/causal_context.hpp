#pragma once
// Causal context: the set of dots a replica (or a delta) has seen, per replica an IntervalSet.
// A context whose every replica is a prefix 1..n is a version vector; the ranges keep a delta's
// context exact without a separate "dot cloud".

#include <cstdint>
#include <map>
#include <utility>

#include "roundhouse/sync/dot.hpp"
#include "roundhouse/sync/interval_set.hpp"

namespace roundhouse::sync {

// Value type; not thread-safe. Invariant: no replica maps to an empty IntervalSet.
class CausalContext {
 public:
  using Map = std::map<ReplicaId, IntervalSet>;

  bool empty() const noexcept { return seen_.empty(); }
  const Map& replicas() const noexcept { return seen_; }

  bool contains(const Dot& d) const noexcept {
    auto it = seen_.find(d.replica);
    return it != seen_.end() && it->second.contains(d.counter);
  }
  // True when every dot of `o` is in this context.
  bool includes(const CausalContext& o) const noexcept {
    for (const auto& [r, set] : o.seen_) {
      auto it = seen_.find(r);
      if (it == seen_.end() || !it->second.includes(set)) return false;
    }
    return true;
  }
  // Highest counter seen from `r` (0 when none): the next own dot of replica r is max(r) + 1.
  std::uint64_t max(ReplicaId r) const noexcept {
    auto it = seen_.find(r);
    return it == seen_.end() ? 0 : it->second.max();
  }
  // n when 1..n from `r` have all been seen (0 when 1 has not).
  std::uint64_t prefix(ReplicaId r) const noexcept {
    auto it = seen_.find(r);
    return it == seen_.end() ? 0 : it->second.prefix();
  }
  // Number of dots covered (the cost of enumerating them).
  std::uint64_t dot_count() const noexcept {
    std::uint64_t n = 0;
    for (const auto& [_, set] : seen_) n += set.count();
    return n;
  }
  std::size_t range_count() const noexcept {
    std::size_t n = 0;
    for (const auto& [_, set] : seen_) n += set.ranges().size();
    return n;
  }

  void insert(const Dot& d) { seen_[d.replica].insert(d.counter); }
  void insert_range(ReplicaId r, std::uint64_t lo, std::uint64_t hi) { seen_[r].insert(lo, hi); }
  // Adds every member of `set` as seen from r (taken whole when r is new here).
  void insert_set(ReplicaId r, IntervalSet&& set) {
    if (set.empty()) return;
    auto [it, fresh] = seen_.try_emplace(r, std::move(set));
    if (!fresh) it->second.join(set);
  }
  // The next dot of replica r after everything this context has seen from it; recorded as seen.
  Dot next(ReplicaId r) {
    auto& set = seen_[r];
    Dot d{r, set.max() + 1};
    set.insert(d.counter);
    return d;
  }
  void join(const CausalContext& o) {
    for (const auto& [r, set] : o.seen_) seen_[r].join(set);
  }
  template <class F>
  void for_each_dot(F&& f) const {
    for (const auto& entry : seen_) {
      const ReplicaId r = entry.first;  // not a structured binding: lambdas may not capture those (C++17)
      entry.second.for_each([&](std::uint64_t c) { f(Dot{r, c}); });
    }
  }

  friend bool operator==(const CausalContext&, const CausalContext&) = default;

 private:
  Map seen_;
};

}  // namespace roundhouse::sync
