#pragma once
// The server side of the sync protocol: the merged state, the log of accepted deltas that devices pull
// from by cursor, and per device the operations acknowledged so far.
//
// Pushes are accepted in each device's own order (a batch must start at most one past what was
// acknowledged, else the reply asks for a resend from there); together with pulls in log order this
// keeps causal order: whoever sees an operation has already seen everything its writer had seen.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "roundhouse/core/status.hpp"
#include "roundhouse/sync/value.hpp"

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

// Not thread-safe (the engine serializes access). Invariant: state_ == join of log_ entries.
class ServerLog {
 public:
  const ChangeSet& state() const noexcept { return state_; }
  std::uint64_t head() const noexcept { return log_.size(); }
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
    for (const auto& [key, reg] : batch.entries())
      for (const auto& [dot, _] : reg)
        if (dot.replica != device)
          return Error{ErrorCode::forbidden, "a device may only push its own operations (" + key + ")"};
    PushReply reply{acked(device), false};
    const auto& replicas = batch.context().replicas();
    auto own = replicas.find(device);
    if (own == replicas.end()) return reply;
    const std::uint64_t last = own->second.max();
    IntervalSet claimed;
    if (first == 0 || first > last) return Error{ErrorCode::invalid_argument, "first operation outside the batch"};
    claimed.insert(first, last);
    if (!own->second.includes(claimed))
      return Error{ErrorCode::invalid_argument, "the batch does not cover operations " + std::to_string(first) + ".." +
                                                    std::to_string(last)};
    if (first > reply.acked + 1 || last <= reply.acked) return reply;  // a gap, or all seen
    reply.acked = last;
    reply.applied = true;
    return reply;
  }

  // plan(), then stores the batch when it adds something. A batch that arrives ahead of a gap is
  // held back in memory (at most kMaxHeld per device, never acknowledged while held) and stored as
  // soon as the gap fills, so reordered delivery costs no resend round trip.
  static constexpr std::size_t kMaxHeld = 16384;
  Result<PushReply> push(ReplicaId device, std::uint64_t first, ChangeSet batch) {
    auto reply = plan(device, first, batch);
    if (!reply.ok()) return reply;
    if (!reply->applied) {
      auto& held = held_[device];
      if (first > reply->acked + 1 && held.size() < kMaxHeld) held.emplace(first, std::move(batch));
      return reply;
    }
    commit(device, std::move(batch), reply->acked);
    auto it = held_.find(device);
    while (it != held_.end() && !it->second.empty() && it->second.begin()->first <= reply->acked + 1) {
      const std::uint64_t next_first = it->second.begin()->first;
      ChangeSet next = std::move(it->second.begin()->second);
      it->second.erase(it->second.begin());
      auto again = plan(device, next_first, next);
      if (again.ok() && again->applied) {
        commit(device, std::move(next), again->acked);
        reply->acked = again->acked;
      }
    }
    return reply;
  }
  // Stores a batch that plan() accepted (or replays one from the event log).
  void commit(ReplicaId device, ChangeSet batch, std::uint64_t acked) {
    state_.join(batch);
    log_.push_back(std::move(batch));
    auto& slot = acked_[device];
    if (acked > slot) slot = acked;
  }

  PullReply pull(std::uint64_t cursor) const {
    PullReply reply{{}, cursor, head()};
    if (cursor == 0 || cursor > head()) {
      reply.from = 0;
      reply.changes = state_;
      return reply;
    }
    for (std::uint64_t i = cursor; i < head(); ++i) reply.changes.join(log_[i]);
    return reply;
  }

 private:
  ChangeSet state_;
  std::vector<ChangeSet> log_;
  std::map<ReplicaId, std::uint64_t> acked_;
  std::map<ReplicaId, std::map<std::uint64_t, ChangeSet>> held_;  // by first new operation
};

}  // namespace roundhouse::sync::protocol
