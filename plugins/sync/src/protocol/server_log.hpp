#pragma once
// The server side of the sync protocol: the merged state, the log of accepted deltas that devices pull
// from by cursor, and per device the operations acknowledged so far.
//
// Pushes are accepted in each device's own order (a batch must start at most one past what was
// acknowledged, else the reply asks for a resend from there); together with pulls in log order this
// keeps causal order: whoever sees an operation has already seen everything its writer had seen.

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "roundhouse/core/status.hpp"
#include "roundhouse/sync/value.hpp"
#include "roundhouse/sync/wire.hpp"

namespace roundhouse::sync::protocol {

struct PushReply {
  std::uint64_t acked = 0;  // every operation 1..acked of the device is stored (durable ack)
  bool applied = false;     // this batch added something new
};

struct PullReply {
  ChangeSet changes;         // join of the log after `from` (the whole state when from is 0)
  std::uint64_t from = 0;    // the cursor this answers (0: a full state)
  std::uint64_t cursor = 0;  // pass back on the next pull
};

// Not thread-safe (the engine serializes access). Invariant: state_ == join of the log's entries.
class ServerLog {
 public:
  const ChangeSet& state() const noexcept { return state_; }
  std::uint64_t head() const noexcept { return log_ends_.size() - 1; }
  std::uint64_t acked(ReplicaId device) const {
    auto it = acked_.find(device);
    return it == acked_.end() ? 0 : it->second;
  }

  // What push() would do with a compacted batch of `device`'s operations first..last (last = its
  // highest own dot), without doing it (so the engine can make the batch durable first). `first`
  // travels beside the batch because the context alone cannot tell a new operation from an older
  // own value it replaced. Refused when it writes dots of another replica or does not cover
  // first..last.
  Result<PushReply> plan(ReplicaId device, std::uint64_t first, const ChangeSet& batch) const {
    std::string_view foreign;  // the first key holding another replica's dot
    for (auto it = batch.entries().begin(); it != batch.entries().end() && foreign.empty(); ++it)
      for (const auto& [dot, _] : it->second)
        if (dot.replica != device) {
          foreign = it->first;
          break;
        }
    const auto& replicas = batch.context().replicas();
    auto own = replicas.find(device);
    if (own == replicas.end()) return plan(device, first, foreign, {});
    return plan(device, first, foreign, own->second.ranges());
  }
  // plan(), then stores the batch when it adds something. A batch that arrives ahead of a gap is
  // held back in memory (if it starts at most kMaxHeld operations past the acknowledged ones; never
  // acknowledged while held) and stored as soon as the gap fills, so reordered delivery costs no
  // resend round trip.
  static constexpr std::size_t kMaxHeld = 16384;
  Result<PushReply> push(ReplicaId device, std::uint64_t first, ChangeSet batch) {
    return push(device, first, std::move(batch), {});
  }
  // The same for a batch in wire format (what a device sends): decoded, and logged as these bytes.
  // A batch ahead of a gap is only validated now and decoded when it is released, so reordered
  // delivery costs one decode per batch, like delivery in order.
  Result<PushReply> push(ReplicaId device, std::uint64_t first, std::string_view wire_bytes) {
    if (first > acked(device) + 1) {
      Outline outline(device);
      if (auto s = wire::read_change_set(wire_bytes, outline); !s.ok()) return s.error();
      auto reply = plan(device, first, outline.foreign_key, outline.own);
      if (reply.ok()) hold(device, first, reply->acked, wire_bytes);
      return reply;
    }
    auto batch = wire::decode_change_set(wire_bytes);
    if (!batch) return batch.error();
    return push(device, first, std::move(*batch), wire_bytes);
  }
  // Stores a batch that plan() accepted (or replays one from the event log). `wire_bytes` are the
  // batch's encoding when the caller has them (else it is encoded here): the log keeps bytes, not
  // decoded change sets, which costs a decode per pulled entry but keeps ingest free of the
  // per-entry node allocations a decoded log would hold on to.
  void commit(ReplicaId device, const ChangeSet& batch, std::uint64_t acked, std::string_view wire_bytes = {}) {
    append_to_log(device, batch, acked, wire_bytes);
    state_.join(batch);
  }
  // The same, taking the batch's values into the state instead of copying them.
  void commit(ReplicaId device, ChangeSet&& batch, std::uint64_t acked, std::string_view wire_bytes = {}) {
    append_to_log(device, batch, acked, wire_bytes);
    state_.join(std::move(batch));
  }

  PullReply pull(std::uint64_t cursor) const {
    PullReply reply{{}, cursor, head()};
    if (cursor == 0 || cursor > head()) {
      reply.from = 0;
      reply.changes = state_;
      return reply;
    }
    for (std::uint64_t i = cursor; i < head(); ++i) {
      const std::size_t begin = log_ends_[i];
      auto entry = wire::decode_change_set(std::string_view(log_bytes_).substr(begin, log_ends_[i + 1] - begin));
      reply.changes.join(*entry);  // bytes this log wrote or validated: they decode
    }
    return reply;
  }

 private:
  // plan() over what it needs of a batch: the key of an entry written by another replica than the
  // device (empty when none) and the device's own ranges in the batch's context.
  Result<PushReply> plan(ReplicaId device, std::uint64_t first, std::string_view foreign,
                         std::span<const IntervalSet::Range> own) const {
    if (!foreign.empty())
      return Error{ErrorCode::forbidden, "a device may only push its own operations (" + std::string(foreign) + ")"};
    PushReply reply{acked(device), false};
    if (own.empty()) return reply;
    const std::uint64_t last = own.back().hi;
    if (first == 0 || first > last) return Error{ErrorCode::invalid_argument, "first operation outside the batch"};
    if (!covers(own, first, last))
      return Error{ErrorCode::invalid_argument, "the batch does not cover operations " + std::to_string(first) + ".." +
                                                    std::to_string(last)};
    if (first > reply.acked + 1 || last <= reply.acked) return reply;  // a gap, or all seen
    reply.acked = last;
    reply.applied = true;
    return reply;
  }
  // A wire::read_change_set sink that keeps only what plan() needs (views into the message).
  struct Outline {
    static constexpr bool kValues = false;
    explicit Outline(ReplicaId device) : device(device) {}
    ReplicaId device;
    boost::container::small_vector<std::string_view, 4> keys;
    std::string_view foreign_key;
    boost::container::small_vector<IntervalSet::Range, 2> own;

    void key(std::string_view k) { keys.push_back(k); }
    void context(const wire::ContextRanges& c) {
      const auto set = c.of(device);
      own.assign(set.begin(), set.end());
    }
    void entry(std::size_t key, const Dot& dot, FieldValue&&) {
      if (dot.replica != device && foreign_key.empty()) foreign_key = keys[key];
    }
  };

  // commit() but for the join: appends the batch's bytes to the log and raises the device's ack.
  void append_to_log(ReplicaId device, const ChangeSet& batch, std::uint64_t acked, std::string_view wire_bytes) {
    if (wire_bytes.empty()) {
      log_bytes_ += wire::encode(batch);
    } else {
      log_bytes_.append(wire_bytes);
    }
    log_ends_.push_back(log_bytes_.size());
    auto& slot = acked_[device];
    if (acked > slot) slot = acked;
  }
  // True when `set` holds every number first..last.
  static bool covers(std::span<const IntervalSet::Range> r, std::uint64_t first, std::uint64_t last) {
    auto it = std::upper_bound(r.begin(), r.end(), first,
                               [](std::uint64_t v, const IntervalSet::Range& x) { return v < x.lo; });
    return it != r.begin() && std::prev(it)->hi >= last;
  }

  Result<PushReply> push(ReplicaId device, std::uint64_t first, ChangeSet batch, std::string_view wire_bytes) {
    auto reply = plan(device, first, batch);
    if (!reply.ok()) return reply;
    if (!reply->applied) {
      if (first > reply->acked + 1) {
        const std::string encoded = wire_bytes.empty() ? wire::encode(batch) : std::string();
        hold(device, first, reply->acked, wire_bytes.empty() ? std::string_view(encoded) : wire_bytes);
      }
      return reply;
    }
    commit(device, std::move(batch), reply->acked, wire_bytes);
    if (held_.empty()) return reply;
    auto it = held_.find(device);
    if (it == held_.end()) return reply;
    // Release what the gap held back, in order, as long as the next one connects.
    Held& h = it->second;
    while (!h.window.empty() && h.base <= reply->acked + 1) {
      const Held::Slot slot = h.window.front();
      h.window.pop_front();
      ++h.base;
      if (slot.size == 0) continue;
      h.live -= slot.size;
      const std::string_view bytes = std::string_view(h.bytes).substr(slot.offset, slot.size);
      auto next = wire::decode_change_set(bytes);  // validated when held: it decodes
      auto again = plan(device, h.base - 1, *next);
      if (again.ok() && again->applied) {
        commit(device, std::move(*next), again->acked, bytes);
        reply->acked = again->acked;
      }
    }
    if (h.window.empty()) held_.erase(it);
    return reply;
  }

  // Batches held back for one device: window[i] is the batch whose first operation is base + i.
  // Indexed by operation number (fully shuffled delivery holds thousands of batches, and a lookup
  // here is an index, not a search); the bytes live back to back in one buffer, in arrival order,
  // compacted once released batches take more room than held ones.
  struct Held {
    struct Slot {
      std::size_t offset = 0, size = 0;  // size 0: no batch holds this place
    };
    std::uint64_t base = 0;
    std::deque<Slot> window;
    std::string bytes;
    std::size_t live = 0;  // bytes of the batches in the window

    void compact() {
      std::string kept;
      kept.reserve(live);
      for (auto& s : window) {
        if (s.size == 0) continue;
        const std::size_t at = kept.size();
        kept.append(bytes, s.offset, s.size);
        s.offset = at;
      }
      bytes = std::move(kept);
    }
  };
  void hold(ReplicaId device, std::uint64_t first, std::uint64_t acked, std::string_view wire_bytes) {
    Held& h = held_[device];
    if (h.window.empty()) h.base = acked + 2;  // the first operation that can be ahead of a gap
    const std::uint64_t at = first - h.base;   // base <= acked + 2 <= first (acked only grows)
    if (at >= kMaxHeld) {
      if (h.window.empty()) held_.erase(device);
      return;
    }
    if (h.window.size() <= at) h.window.resize(static_cast<std::size_t>(at) + 1);
    auto& slot = h.window[static_cast<std::size_t>(at)];
    if (slot.size != 0) return;
    if (h.bytes.size() - h.live > std::max<std::size_t>(h.live, kCompactAbove)) h.compact();
    slot = {h.bytes.size(), wire_bytes.size()};
    h.bytes.append(wire_bytes);
    h.live += wire_bytes.size();
  }
  static constexpr std::size_t kCompactAbove = 1 << 16;  // released bytes a buffer may keep

  ChangeSet state_;
  std::string log_bytes_;                // the accepted batches' wire bytes, back to back
  std::vector<std::size_t> log_ends_{0};  // entry i (from 0) is log_bytes_[ends[i], ends[i + 1])
  std::map<ReplicaId, std::uint64_t> acked_;
  std::map<ReplicaId, Held> held_;
};

}  // namespace roundhouse::sync::protocol
