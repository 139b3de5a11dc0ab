#pragma once
// Last-writer-wins register and map, ordered by hybrid logical clock timestamps.

#include <map>
#include <optional>
#include <utility>

#include "roundhouse/sync/hlc.hpp"

namespace roundhouse::sync {

// The smallest timestamp of `replica` greater than t.
inline HlcTimestamp just_after(const HlcTimestamp& t, ReplicaId replica) noexcept {
  if (replica > t.replica) return {t.wall_ms, t.logical, replica};
  if (t.logical == UINT32_MAX) return {t.wall_ms + 1, 0, replica};
  return {t.wall_ms, t.logical + 1, replica};
}

// Value type; not thread-safe. The register holds the value with the greatest timestamp; equal
// timestamps (the same write seen twice, or a forged duplicate) keep the greater value so that the
// join stays commutative. T needs operator< and operator==.
template <class T>
class LwwRegister {
 public:
  LwwRegister() = default;
  LwwRegister(T value, HlcTimestamp ts) : value_(std::move(value)), ts_(ts), set_(true) {}

  bool has_value() const noexcept { return set_; }
  const T& value() const noexcept { return value_; }
  const HlcTimestamp& timestamp() const noexcept { return ts_; }

  // Writes v with a timestamp from `clock`, raised just above the current one when needed so that a
  // write made after seeing the current value always wins, even over a value stamped by a clock
  // hours ahead (without dragging this replica's clock forward).
  LwwRegister assign(T v, HybridClock& clock, std::int64_t physical_ms) {
    HlcTimestamp ts = clock.now(physical_ms);
    if (set_ && !(ts_ < ts)) ts = just_after(ts_, clock.replica());
    *this = LwwRegister(std::move(v), ts);
    return *this;
  }
  void join(const LwwRegister& o) {
    if (!o.set_) return;
    if (!set_ || ts_ < o.ts_ || (ts_ == o.ts_ && value_ < o.value_)) *this = o;
  }
  friend bool operator==(const LwwRegister&, const LwwRegister&) = default;

 private:
  T value_{};
  HlcTimestamp ts_{};
  bool set_ = false;
};

// Map of LWW registers; a removal is a write of "absent" (a timestamped tombstone, kept so that an
// older concurrent write cannot resurrect the key). Value type; not thread-safe.
template <class K, class V>
class LwwMap {
 public:
  using Register = LwwRegister<std::optional<V>>;

  const std::map<K, Register>& registers() const noexcept { return regs_; }
  // The live value at k, or nullptr when absent or removed.
  const V* get(const K& k) const {
    auto it = regs_.find(k);
    return (it == regs_.end() || !it->second.value()) ? nullptr : &*it->second.value();
  }
  std::size_t size() const {
    std::size_t n = 0;
    for (const auto& [_, r] : regs_) n += r.value().has_value();
    return n;
  }
  LwwMap set(const K& k, V v, HybridClock& clock, std::int64_t physical_ms) {
    return write(k, std::optional<V>(std::move(v)), clock, physical_ms);
  }
  LwwMap erase(const K& k, HybridClock& clock, std::int64_t physical_ms) {
    return write(k, std::nullopt, clock, physical_ms);
  }
  void join(const LwwMap& o) {
    for (const auto& [k, r] : o.regs_) regs_[k].join(r);
  }
  friend bool operator==(const LwwMap&, const LwwMap&) = default;

 private:
  LwwMap write(const K& k, std::optional<V> v, HybridClock& clock, std::int64_t physical_ms) {
    LwwMap delta;
    delta.regs_[k] = regs_[k].assign(std::move(v), clock, physical_ms);
    return delta;
  }
  std::map<K, Register> regs_;
};

}  // namespace roundhouse::sync
