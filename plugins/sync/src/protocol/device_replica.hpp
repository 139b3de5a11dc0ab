#pragma once
// The device side of the sync protocol: the local replica, its queue of operations not yet
// acknowledged by the server, the pull cursor and the clock. Everything here is what a device must
// persist (together, atomically, after each step) to lose nothing across a crash.

#include <cstdint>
#include <deque>
#include <string>

#include "roundhouse/sync/value.hpp"

namespace roundhouse::sync::protocol {

// Value type; not thread-safe. Invariant: queue_ holds the deltas of this device's operations
// acked_+1 .. last, in order.
class DeviceReplica {
 public:
  explicit DeviceReplica(ReplicaId id, std::int64_t max_ahead_ms = 60'000) : id_(id), clock_(id, max_ahead_ms) {}

  ReplicaId id() const noexcept { return id_; }
  const ChangeSet& state() const noexcept { return state_; }
  const HybridClock& clock() const noexcept { return clock_; }
  std::uint64_t cursor() const noexcept { return cursor_; }
  std::uint64_t acked() const noexcept { return acked_; }
  std::size_t pending() const noexcept { return queue_.size(); }
  // The first operation batch() covers (send it beside the batch); 0 when nothing is pending.
  std::uint64_t first_pending() const noexcept { return queue_.empty() ? 0 : queue_.front().seq; }

  // A local write; returns its dot (the operation's idempotent id).
  Dot write(const std::string& key, Value value, std::int64_t physical_ms) {
    HlcTimestamp ts = clock_.now(physical_ms);
    ChangeSet delta = state_.set(id_, key, FieldValue{std::move(value), ts});
    Dot dot{id_, state_.context().max(id_)};
    queue_.push_back({dot.counter, std::move(delta)});
    return dot;
  }
  Dot erase(const std::string& key) {
    ChangeSet delta = state_.erase(key);
    Dot dot = state_context_next();
    delta.join(marker(dot));
    queue_.push_back({dot.counter, std::move(delta)});
    return dot;
  }

  // The delta of the latest write or erase (what a durable store appends before acknowledging it).
  const ChangeSet& last_queued() const { return queue_.back().delta; }
  // Replays a persisted operation (its delta and the clock after it) when reopening a device store.
  void restore_op(const ChangeSet& delta, const HlcState& clock) {
    state_.join(delta);
    const std::uint64_t seq = delta.context().max(id_);
    if (seq > acked_) queue_.push_back({seq, delta});
    clock_.restore(clock);
  }

  // Every queued operation joined into one batch (empty when nothing is pending).
  ChangeSet batch() const {
    ChangeSet out;
    for (const auto& q : queue_) out.join(q.delta);
    return out;
  }
  void on_acked(std::uint64_t acked) {
    if (acked <= acked_) return;
    acked_ = acked;
    while (!queue_.empty() && queue_.front().seq <= acked_) queue_.pop_front();
  }
  // Joins a pull reply that covers the log from `from` to `cursor`. A reply starting after this
  // replica's cursor (a stale answer to a request sent before a crash rolled the cursor back) would
  // skip part of the log and break causal order: it is ignored (returns false) and pulled again.
  // Takes the changes by value: a caller that moves them in (a decoded reply) saves copying them.
  bool on_pulled(ChangeSet changes, std::uint64_t from, std::uint64_t cursor, std::int64_t physical_ms) {
    if (from > cursor_) return false;
    for (const auto& [_, reg] : changes.entries())
      for (const auto& [d, fv] : reg)
        if (d.replica != id_) clock_.observe(fv.ts, physical_ms);
    state_.join(std::move(changes));
    if (cursor > cursor_) cursor_ = cursor;
    return true;
  }

 private:
  struct Queued {
    std::uint64_t seq;
    ChangeSet delta;
  };
  // An erase takes a dot of its own, so that it is an operation with an id like any write.
  Dot state_context_next() {
    Dot d{id_, state_.context().max(id_) + 1};
    state_.join(marker(d));
    return d;
  }
  static ChangeSet marker(const Dot& d) {
    CausalContext ctx;
    ctx.insert(d);
    return ChangeSet::from_parts({}, std::move(ctx));
  }

  ReplicaId id_;
  HybridClock clock_;
  ChangeSet state_;
  std::deque<Queued> queue_;
  std::uint64_t acked_ = 0;
  std::uint64_t cursor_ = 0;
};

}  // namespace roundhouse::sync::protocol
