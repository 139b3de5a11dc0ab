#pragma once
// Hybrid logical clock (Kulkarni et al.): timestamps close to physical time that still respect
// causality. Ordering is (wall, logical, replica): two replicas never produce equal timestamps,
// so ties between concurrent writes break by replica id, the same way on every replica.

#include <algorithm>
#include <compare>
#include <cstdint>

#include "roundhouse/sync/dot.hpp"

namespace roundhouse::sync {

struct HlcTimestamp {
  std::int64_t wall_ms = 0;     // milliseconds since the Unix epoch (physical component)
  std::uint32_t logical = 0;    // orders events within one wall_ms
  ReplicaId replica = 0;        // tie breaker

  friend auto operator<=>(const HlcTimestamp&, const HlcTimestamp&) = default;
  friend bool operator==(const HlcTimestamp&, const HlcTimestamp&) = default;
};

// What a clock must persist to never go backwards across restarts (store it with every operation
// it stamped, restore it before stamping the next).
struct HlcState {
  std::int64_t wall_ms = 0;
  std::uint32_t logical = 0;
  std::uint64_t clamped = 0;  // remote timestamps that were too far ahead (a health metric)
  friend bool operator==(const HlcState&, const HlcState&) = default;
};

// One replica's clock. Not thread-safe (one owner; guard externally). Invariant: every timestamp it
// returns is greater than every earlier one it returned or observed (after clamping).
class HybridClock {
 public:
  // max_ahead_ms: how far a remote timestamp may lead this replica's physical clock before it is
  // clamped instead of adopted (a device whose clock is hours ahead must not drag every replica's
  // clock with it).
  explicit HybridClock(ReplicaId replica, std::int64_t max_ahead_ms = 60'000, HlcState state = {})
      : replica_(replica), max_ahead_ms_(max_ahead_ms), state_(state) {}

  ReplicaId replica() const noexcept { return replica_; }
  const HlcState& state() const noexcept { return state_; }
  void restore(const HlcState& s) noexcept { state_ = s; }
  std::uint64_t clamped() const noexcept { return state_.clamped; }

  // A timestamp for a local event at physical time `physical_ms`.
  HlcTimestamp now(std::int64_t physical_ms) noexcept {
    if (physical_ms > state_.wall_ms) {
      state_.wall_ms = physical_ms;
      state_.logical = 0;
    } else {
      bump_logical();
    }
    return {state_.wall_ms, state_.logical, replica_};
  }

  // Takes a remote timestamp into account (on receiving an operation) and returns the local
  // timestamp of the receive event. A remote wall time more than max_ahead_ms ahead of
  // physical_ms is clamped to physical_ms + max_ahead_ms and counted.
  HlcTimestamp observe(const HlcTimestamp& remote, std::int64_t physical_ms) noexcept {
    std::int64_t remote_wall = remote.wall_ms;
    std::uint32_t remote_logical = remote.logical;
    const std::int64_t limit = physical_ms + max_ahead_ms_;
    if (remote_wall > limit) {
      ++state_.clamped;
      remote_wall = limit;
      remote_logical = 0;
    }
    const std::int64_t wall = std::max({state_.wall_ms, remote_wall, physical_ms});
    if (wall == state_.wall_ms && wall == remote_wall) {
      state_.logical = std::max(state_.logical, remote_logical);
      bump_logical();
    } else if (wall == state_.wall_ms) {
      bump_logical();
    } else if (wall == remote_wall) {
      state_.wall_ms = wall;
      state_.logical = remote_logical;
      bump_logical();
    } else {
      state_.wall_ms = wall;
      state_.logical = 0;
    }
    return {state_.wall_ms, state_.logical, replica_};
  }

 private:
  // The logical part overflowing (4 billion events in one millisecond) moves to the next ms.
  void bump_logical() noexcept {
    if (state_.logical == UINT32_MAX) {
      ++state_.wall_ms;
      state_.logical = 0;
    } else {
      ++state_.logical;
    }
  }

  ReplicaId replica_;
  std::int64_t max_ahead_ms_;
  HlcState state_;
};

}  // namespace roundhouse::sync
