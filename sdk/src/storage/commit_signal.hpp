#pragma once
// Internal: how a LogStore tells its subscriptions that new events are committed.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "roundhouse/events/event.hpp"

namespace roundhouse::detail {

// Thread-safe. `publish` after each durable commit made through this store (a head it knows to
// be committed); `hint` when a backend's commit feed reports another process's commit (a wake-up
// only, never trusted as a head: it may be late, repeated, or from a log that was replaced).
// Subscribers take `hints()` before they read, then `wait` for a head beyond theirs or a newer
// hint, so each hint wakes them once and none is lost between their read and their sleep.
class CommitSignal {
 public:
  void publish(Position head) {
    {
      std::lock_guard lock(mu_);
      if (head > head_) head_ = head;
    }
    cv_.notify_all();
  }
  void hint(Position head) {
    {
      std::lock_guard lock(mu_);
      if (head <= head_) return;  // our own commit, coming back through the feed
      ++hints_;
    }
    cv_.notify_all();
  }
  // Wakes every waiter so it re-checks its stop condition (set that before calling this).
  void wake_all() {
    { std::lock_guard lock(mu_); }  // a waiter between its check and its sleep still wakes
    cv_.notify_all();
  }
  Position head() const {
    std::lock_guard lock(mu_);
    return head_;
  }
  std::uint64_t hints() const {
    std::lock_guard lock(mu_);
    return hints_;
  }
  // Returns when head > after, when a hint newer than `seen_hints` came, when `stop()` is true, or
  // after `timeout` (the polling fallback for commits nobody told us about).
  template <class StopFn>
  void wait(Position after, std::uint64_t seen_hints, std::chrono::milliseconds timeout, StopFn stop) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return head_ > after || hints_ != seen_hints || stop(); });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  Position head_ = 0;
  std::uint64_t hints_ = 0;
};

}  // namespace roundhouse::detail
