#pragma once
// Observed-remove map of multi-value registers sharing one causal context: the replicated state of
// an aggregate's fields. A write to a key replaces the values it has seen at that key; concurrent
// writes are all kept (a conflict, resolved by a strategy on read or by a later write); a removal
// forgets the key's dots. Deltas are ORMaps themselves, so a queue of deltas compacts by join.

#include <cstddef>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "roundhouse/sync/causal_context.hpp"

namespace roundhouse::sync {

// Value type; not thread-safe. Invariants: every dot appears under at most one key, every entry's
// dot is in the context, no key maps to an empty register. K and V need operator< and ==.
template <class K, class V>
class OrMap {
 public:
  using Register = std::map<Dot, V>;  // the concurrent values at one key, by the dot that wrote each
  using Entries = std::map<K, Register>;

  OrMap() = default;
  // The dot index points into by_key_'s nodes: a copy rebuilds it, a move keeps it (map nodes move).
  OrMap(const OrMap& o) : by_key_(o.by_key_), ctx_(o.ctx_) { reindex(); }
  OrMap(OrMap&&) noexcept = default;
  OrMap& operator=(const OrMap& o) {
    if (this != &o) *this = OrMap(o);
    return *this;
  }
  OrMap& operator=(OrMap&&) noexcept = default;

  // Assembles a map from parts whose invariants the caller has checked (a wire decoder).
  static OrMap from_parts(Entries entries, CausalContext ctx) {
    OrMap m;
    m.by_key_ = std::move(entries);
    m.ctx_ = std::move(ctx);
    m.reindex();
    return m;
  }

  const Entries& entries() const noexcept { return by_key_; }
  const CausalContext& context() const noexcept { return ctx_; }
  std::size_t size() const noexcept { return by_key_.size(); }
  std::size_t dot_count() const noexcept { return key_of_.size(); }
  // The register at k (one value, several when concurrent writes conflict), nullptr when absent.
  const Register* get(const K& k) const {
    auto it = by_key_.find(k);
    return it == by_key_.end() ? nullptr : &it->second;
  }

  // Writes v at k as replica r's next operation; returns the delta.
  OrMap set(ReplicaId r, const K& k, V v) {
    OrMap delta = erase(k);
    Dot d = ctx_.next(r);
    delta.ctx_.insert(d);
    delta.put(k, d, v);
    put(k, d, std::move(v));
    return delta;
  }
  // Removes k (every value seen at it); returns the delta (the removed dots, no entries).
  OrMap erase(const K& k) {
    OrMap delta;
    auto it = by_key_.find(k);
    if (it == by_key_.end()) return delta;
    for (const auto& [d, _] : it->second) {
      delta.ctx_.insert(d);
      key_of_.erase(d);
    }
    by_key_.erase(it);
    return delta;
  }

  // Keeps what both sides hold, plus what one side holds that the other has not seen. Cost: the
  // smaller of o's context and this map's dots, plus o's entries (a one-operation delta is cheap).
  void join(const OrMap& o) {
    drop_seen_by(o);
    for (const auto& [k, reg] : o.by_key_)
      for (const auto& [d, v] : reg)
        if (!ctx_.contains(d)) put(k, d, v);
    ctx_.join(o.ctx_);
  }
  // The same join, taking o's registers whole where this map holds none of their dots yet (a
  // device's first pull: no copy of each value and key). Leaves o empty.
  void join(OrMap&& o) {
    if (&o == this) return;
    drop_seen_by(o);
    for (auto it = o.by_key_.begin(); it != o.by_key_.end();) {
      auto next = std::next(it);
      bool fresh = !by_key_.count(it->first);
      for (const auto& [d, _] : it->second) fresh = fresh && !ctx_.contains(d);
      if (fresh) {
        auto slot = by_key_.insert(o.by_key_.extract(it)).position;
        for (const auto& [d, _] : slot->second) key_of_.insert_or_assign(d, slot);
      } else {
        for (auto& [d, v] : it->second)
          if (!ctx_.contains(d)) put(it->first, d, std::move(v));
      }
      it = next;
    }
    ctx_.join(o.ctx_);
    o = OrMap();
  }
  friend OrMap join(OrMap a, const OrMap& b) {
    a.join(b);
    return a;
  }
  friend bool operator==(const OrMap& a, const OrMap& b) {
    return a.by_key_ == b.by_key_ && a.ctx_ == b.ctx_;
  }

 private:
  // The removal half of a join: forgets the values o has seen but no longer holds.
  void drop_seen_by(const OrMap& o) {
    if (o.ctx_.dot_count() < key_of_.size()) {
      o.ctx_.for_each_dot([&](const Dot& d) {
        if (!o.key_of_.count(d)) drop(d);
      });
    } else {
      std::vector<Dot> gone;
      for (const auto& [d, _] : key_of_)
        if (o.ctx_.contains(d) && !o.key_of_.count(d)) gone.push_back(d);
      for (const auto& d : gone) drop(d);
    }
  }
  using Slot = typename Entries::iterator;
  struct DotHash {
    std::size_t operator()(const Dot& d) const noexcept {
      return static_cast<std::size_t>((d.replica * 0x9E3779B97F4A7C15ull) ^ d.counter);
    }
  };

  void reindex() {
    std::size_t dots = 0;
    for (const auto& [_, reg] : by_key_) dots += reg.size();
    key_of_.clear();
    key_of_.reserve(dots);
    for (auto it = by_key_.begin(); it != by_key_.end(); ++it)
      for (const auto& [d, _] : it->second) key_of_.emplace(d, it);
  }
  void put(const K& k, const Dot& d, V v) {
    auto slot = by_key_.try_emplace(k).first;
    slot->second.insert_or_assign(d, std::move(v));
    key_of_.insert_or_assign(d, slot);
  }
  void drop(const Dot& d) {
    auto it = key_of_.find(d);
    if (it == key_of_.end()) return;
    auto reg = it->second;
    reg->second.erase(d);
    if (reg->second.empty()) by_key_.erase(reg);
    key_of_.erase(it);
  }

  Entries by_key_;
  // Which key holds each dot, as a node of by_key_ (stable until that key is erased, which happens
  // only once its last dot is dropped): a removal finds its value without comparing keys.
  std::unordered_map<Dot, Slot, DotHash> key_of_;
  CausalContext ctx_;
};

}  // namespace roundhouse::sync
