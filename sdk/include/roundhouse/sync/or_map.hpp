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

// Value type; not thread-safe (const members never mutate, so concurrent readers are fine).
// Invariants: every dot appears under at most one key, every entry's dot is in the context, no key
// maps to an empty register; when indexed_, key_of_ maps exactly the entries' dots to their keys.
// K and V need operator< and ==.
template <class K, class V>
class OrMap {
 public:
  using Register = std::map<Dot, V>;  // the concurrent values at one key, by the dot that wrote each
  using Entries = std::map<K, Register>;

  OrMap() = default;
  // The dot index points into by_key_'s nodes: a copy rebuilds it, a move keeps it (map nodes move).
  OrMap(const OrMap& o) : by_key_(o.by_key_), ctx_(o.ctx_), indexed_(o.indexed_) {
    if (indexed_) reindex();
  }
  OrMap(OrMap&&) noexcept = default;
  OrMap& operator=(const OrMap& o) {
    if (this != &o) *this = OrMap(o);
    return *this;
  }
  OrMap& operator=(OrMap&&) noexcept = default;

  // Assembles a map from parts whose invariants the caller has checked (a wire decoder). A small
  // map (a one-operation delta) gets no dot index until it is first modified: most are only joined
  // into a state once, where scanning a few dots beats building a hash table.
  static OrMap from_parts(Entries entries, CausalContext ctx) {
    OrMap m;
    m.by_key_ = std::move(entries);
    m.ctx_ = std::move(ctx);
    std::size_t dots = 0;
    for (const auto& [_, reg] : m.by_key_) dots += reg.size();
    m.indexed_ = dots > kUnindexedDots;
    if (m.indexed_) m.reindex();
    return m;
  }

  const Entries& entries() const noexcept { return by_key_; }
  const CausalContext& context() const noexcept { return ctx_; }
  std::size_t size() const noexcept { return by_key_.size(); }
  std::size_t dot_count() const noexcept {
    if (indexed_) return key_of_.size();
    std::size_t dots = 0;
    for (const auto& [_, reg] : by_key_) dots += reg.size();
    return dots;
  }
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
    Spare none;
    delta.put(k, d, v, none);
    put(k, d, std::move(v), none);
    return delta;
  }
  // Removes k (every value seen at it); returns the delta (the removed dots, no entries).
  OrMap erase(const K& k) {
    index();
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
  // The nodes the removal half frees are reused by the insertions (a write that replaces a value
  // at the same key then allocates nothing here).
  void join(const OrMap& o) {
    index();
    Spare spare;
    drop_seen_by(o, spare);
    for (const auto& [k, reg] : o.by_key_)
      for (const auto& [d, v] : reg)
        if (!ctx_.contains(d)) put(k, d, v, spare);
    ctx_.join(o.ctx_);
  }
  // The same join, taking o's values (and keys this map lacks) as nodes instead of copies.
  // Leaves o empty.
  void join(OrMap&& o) {
    if (&o == this) return;
    index();
    Spare spare;
    drop_seen_by(o, spare);
    for (auto it = o.by_key_.begin(); it != o.by_key_.end();) {
      auto next = std::next(it);
      Register& incoming = it->second;
      std::erase_if(incoming, [&](const auto& e) { return ctx_.contains(e.first); });
      if (!incoming.empty()) {
        auto slot = find_slot(it->first, spare);
        if (slot == by_key_.end()) {
          slot = by_key_.insert(o.by_key_.extract(it)).position;
          for (const auto& [d, _] : slot->second) index_dot(d, slot, spare);
        } else {
          while (!incoming.empty()) {
            auto node = incoming.extract(incoming.begin());
            const Dot d = node.key();
            slot->second.insert(std::move(node));  // absent: d was not in the context
            index_dot(d, slot, spare);
          }
        }
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
  using Slot = typename Entries::iterator;
  struct DotHash {
    std::size_t operator()(const Dot& d) const noexcept {
      return static_cast<std::size_t>((d.replica * 0x9E3779B97F4A7C15ull) ^ d.counter);
    }
  };
  using Index = std::unordered_map<Dot, Slot, DotHash>;
  static constexpr std::size_t kUnindexedDots = 8;

  // Nodes a join's removals freed, for its insertions to reuse, and the key of the last removal
  // when that key still holds values (the usual case: a write replacing a value at the same key).
  struct Spare {
    typename Entries::node_type key;  // a key whose last value went (its register is empty)
    typename Register::node_type value;
    typename Index::node_type index;
    Slot slot{};
    bool has_slot = false;
  };

  // Builds the dot index if this map has none (before any modification).
  void index() {
    if (indexed_) return;
    reindex();
    indexed_ = true;
  }
  // Whether an entry holds dot d (without an index: the map is small, scan it).
  bool holds(const Dot& d) const {
    if (indexed_) return key_of_.count(d) != 0;
    for (const auto& [_, reg] : by_key_)
      if (reg.count(d)) return true;
    return false;
  }

  // The removal half of a join: forgets the values o has seen but no longer holds.
  void drop_seen_by(const OrMap& o, Spare& spare) {
    if (o.ctx_.dot_count() < key_of_.size()) {
      o.ctx_.for_each_dot([&](const Dot& d) {
        if (!o.holds(d)) drop(d, spare);
      });
    } else {
      std::vector<Dot> gone;
      for (const auto& [d, _] : key_of_)
        if (o.ctx_.contains(d) && !o.holds(d)) gone.push_back(d);
      for (const auto& d : gone) drop(d, spare);
    }
  }

  void reindex() {
    std::size_t dots = 0;
    for (const auto& [_, reg] : by_key_) dots += reg.size();
    key_of_.clear();
    key_of_.reserve(dots);
    for (auto it = by_key_.begin(); it != by_key_.end(); ++it)
      for (const auto& [d, _] : it->second) key_of_.emplace(d, it);
  }
  // The key's node: the spare's last removal when it is k, else a lookup; end() when absent.
  Slot find_slot(const K& k, Spare& spare) {
    if (spare.has_slot && spare.slot->first == k) return spare.slot;
    if (spare.key && spare.key.key() == k) return by_key_.insert(std::move(spare.key)).position;
    return by_key_.find(k);
  }
  void index_dot(const Dot& d, Slot slot, Spare& spare) {
    if (!spare.index) {
      key_of_.insert_or_assign(d, slot);
      return;
    }
    spare.index.key() = d;
    spare.index.mapped() = slot;
    auto done = key_of_.insert(std::move(spare.index));
    if (!done.inserted) done.position->second = slot;
  }
  void put(const K& k, const Dot& d, V v, Spare& spare) {
    auto slot = find_slot(k, spare);
    if (slot == by_key_.end()) slot = by_key_.try_emplace(k).first;
    if (spare.value) {
      spare.value.key() = d;
      spare.value.mapped() = std::move(v);
      auto done = slot->second.insert(std::move(spare.value));
      if (!done.inserted) done.position->second = std::move(done.node.mapped());
    } else {
      slot->second.insert_or_assign(d, std::move(v));
    }
    index_dot(d, slot, spare);
  }
  void drop(const Dot& d, Spare& spare) {
    auto it = key_of_.find(d);
    if (it == key_of_.end()) return;
    auto reg = it->second;
    auto value = reg->second.extract(d);
    if (!spare.value) spare.value = std::move(value);
    if (reg->second.empty()) {
      if (spare.has_slot && spare.slot == reg) spare.has_slot = false;
      if (!spare.key) {
        spare.key = by_key_.extract(reg);
      } else {
        by_key_.erase(reg);
      }
    } else {
      spare.slot = reg;
      spare.has_slot = true;
    }
    auto node = key_of_.extract(it);
    if (!spare.index) spare.index = std::move(node);
  }

  Entries by_key_;
  // Which key holds each dot, as a node of by_key_ (stable until that key is erased, which happens
  // only once its last dot is dropped): a removal finds its value without comparing keys. Empty
  // and unused while !indexed_ (a small decoded delta not modified yet).
  Index key_of_;
  CausalContext ctx_;
  bool indexed_ = true;
};

}  // namespace roundhouse::sync
