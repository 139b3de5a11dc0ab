#pragma once
// Dot kernel (Almeida, Shoker, Baquero: "Delta state replicated data types"): values tagged with the
// dot of the operation that wrote them, plus the causal context of everything seen. A value is
// removed by forgetting its dot while keeping the dot in the context, so removals need no
// tombstones and a delta whose context holds a dot but whose entries do not is a removal.

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "roundhouse/sync/causal_context.hpp"

namespace roundhouse::sync {

// Value type; not thread-safe. Invariant: every entry's dot is in the context.
template <class V>
class DotKernel {
 public:
  using Entries = std::map<Dot, V>;

  const Entries& entries() const noexcept { return entries_; }
  const CausalContext& context() const noexcept { return ctx_; }
  bool empty() const noexcept { return entries_.empty(); }

  // Adds v under replica r's next dot; returns the delta (that one entry and its dot).
  DotKernel add(ReplicaId r, V v) {
    DotKernel delta;
    Dot d = ctx_.next(r);
    delta.ctx_.insert(d);
    delta.entries_.emplace(d, v);
    entries_.emplace(d, std::move(v));
    return delta;
  }
  // Removes every entry for which pred(dot, value) holds; returns the delta (their dots, no entries).
  template <class Pred>
  DotKernel remove_if(Pred pred) {
    DotKernel delta;
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (pred(it->first, it->second)) {
        delta.ctx_.insert(it->first);
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
    return delta;
  }
  DotKernel clear() {
    return remove_if([](const Dot&, const V&) { return true; });
  }

  // Keeps what both sides hold, plus what one side holds that the other has not seen.
  void join(const DotKernel& o) {
    if (o.ctx_.dot_count() < entries_.size()) {
      o.ctx_.for_each_dot([&](const Dot& d) {
        if (!o.entries_.count(d)) entries_.erase(d);
      });
    } else {
      for (auto it = entries_.begin(); it != entries_.end();) {
        if (o.ctx_.contains(it->first) && !o.entries_.count(it->first))
          it = entries_.erase(it);
        else
          ++it;
      }
    }
    for (const auto& [d, v] : o.entries_)
      if (!ctx_.contains(d)) entries_.emplace(d, v);
    ctx_.join(o.ctx_);
  }
  // Joins two deltas (or states) into one: used to compact a queue of deltas.
  friend DotKernel join(DotKernel a, const DotKernel& b) {
    a.join(b);
    return a;
  }
  friend bool operator==(const DotKernel&, const DotKernel&) = default;

 private:
  Entries entries_;
  CausalContext ctx_;
};

// Multi-value register: a write replaces every value it has seen; concurrent writes are all kept
// (values() has more than one entry) until a later write resolves them. Value type; not thread-safe.
template <class V>
class MvRegister {
 public:
  // The current values, one per concurrent write, ordered by dot.
  std::vector<V> values() const {
    std::vector<V> out;
    for (const auto& [_, v] : k_.entries()) out.push_back(v);
    return out;
  }
  const DotKernel<V>& kernel() const noexcept { return k_; }
  MvRegister write(ReplicaId r, V v) {
    MvRegister delta;
    delta.k_ = k_.clear();
    delta.k_.join(k_.add(r, std::move(v)));
    return delta;
  }
  void join(const MvRegister& o) { k_.join(o.k_); }
  friend bool operator==(const MvRegister&, const MvRegister&) = default;

 private:
  DotKernel<V> k_;
};

// Observed-remove set, add wins over a concurrent remove (ORSWOT: no tombstones, each element keeps
// only the dots of its latest adds). Value type; not thread-safe. T needs operator< and ==.
template <class T>
class OrSet {
 public:
  bool contains(const T& e) const {
    for (const auto& [_, v] : k_.entries())
      if (v == e) return true;
    return false;
  }
  std::vector<T> elements() const {
    std::vector<T> out;
    for (const auto& [_, v] : k_.entries()) out.push_back(v);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  const DotKernel<T>& kernel() const noexcept { return k_; }
  OrSet add(ReplicaId r, T e) {
    OrSet delta = remove(e);
    delta.k_.join(k_.add(r, std::move(e)));
    return delta;
  }
  OrSet remove(const T& e) {
    OrSet delta;
    delta.k_ = k_.remove_if([&](const Dot&, const T& v) { return v == e; });
    return delta;
  }
  void join(const OrSet& o) { k_.join(o.k_); }
  friend bool operator==(const OrSet&, const OrSet&) = default;

 private:
  DotKernel<T> k_;
};

}  // namespace roundhouse::sync
