#pragma once
// A set of positive integers stored as sorted, disjoint, non-adjacent closed ranges [lo, hi].
// The per-replica part of a causal context: "seen 1..100 and 120..130" is two ranges, so a
// contiguous history costs one range however long it is.

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace roundhouse::sync {

// Value type; not thread-safe. Invariant: ranges_ sorted by lo, each lo <= hi, lo >= 1, and
// next.lo > prev.hi + 1 (never overlapping nor touching).
class IntervalSet {
 public:
  struct Range {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    friend bool operator==(const Range&, const Range&) = default;
  };

  bool empty() const noexcept { return ranges_.empty(); }
  const std::vector<Range>& ranges() const noexcept { return ranges_; }
  // Largest member, 0 when empty.
  std::uint64_t max() const noexcept { return ranges_.empty() ? 0 : ranges_.back().hi; }
  // n when the set is exactly 1..n (0 when empty or not starting at 1).
  std::uint64_t prefix() const noexcept {
    return (!ranges_.empty() && ranges_.front().lo == 1) ? ranges_.front().hi : 0;
  }
  // Number of members (saturating is unnecessary: counters are < 2^63 in practice).
  std::uint64_t count() const noexcept {
    std::uint64_t n = 0;
    for (const auto& r : ranges_) n += r.hi - r.lo + 1;
    return n;
  }

  bool contains(std::uint64_t x) const noexcept {
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), x,
                               [](std::uint64_t v, const Range& r) { return v < r.lo; });
    return it != ranges_.begin() && std::prev(it)->hi >= x;
  }
  // True when every member of `o` is a member of this set.
  bool includes(const IntervalSet& o) const noexcept {
    for (const auto& r : o.ranges_) {
      auto it = std::upper_bound(ranges_.begin(), ranges_.end(), r.lo,
                                 [](std::uint64_t v, const Range& x) { return v < x.lo; });
      if (it == ranges_.begin() || std::prev(it)->hi < r.hi) return false;
    }
    return true;
  }

  // Room for n ranges without reallocating (a decoder knows the count up front).
  void reserve(std::size_t n) { ranges_.reserve(n); }
  void insert(std::uint64_t x) { insert(x, x); }
  // Adds lo..hi (lo >= 1, lo <= hi), merging with neighbours it overlaps or touches.
  void insert(std::uint64_t lo, std::uint64_t hi) {
    // Fast path: appending at the end (the common case of a replica's own next operation).
    if (ranges_.empty() || lo > ranges_.back().hi + 1) {
      ranges_.push_back({lo, hi});
      return;
    }
    if (lo >= ranges_.back().lo) {
      ranges_.back().hi = std::max(ranges_.back().hi, hi);
      return;
    }
    // First range whose hi + 1 >= lo, i.e. that overlaps or touches [lo, hi] from the left.
    auto first = std::lower_bound(ranges_.begin(), ranges_.end(), lo,
                                  [](const Range& r, std::uint64_t v) { return r.hi + 1 < v; });
    auto last = first;
    while (last != ranges_.end() && last->lo <= hi + 1) ++last;
    if (first == last) {
      ranges_.insert(first, Range{lo, hi});
      return;
    }
    Range merged{std::min(lo, first->lo), std::max(hi, std::prev(last)->hi)};
    *first = merged;
    ranges_.erase(first + 1, last);
  }
  void join(const IntervalSet& o) {
    if (ranges_.empty()) {
      ranges_ = o.ranges_;
      return;
    }
    for (const auto& r : o.ranges_) insert(r.lo, r.hi);
  }
  // Calls f(x) for every member in increasing order.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& r : ranges_)
      for (std::uint64_t x = r.lo;; ++x) {
        f(x);
        if (x == r.hi) break;
      }
  }

  friend bool operator==(const IntervalSet&, const IntervalSet&) = default;

 private:
  std::vector<Range> ranges_;
};

}  // namespace roundhouse::sync
