#pragma once
// Internal: how a LogStore tells its subscriptions that new events are committed.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "roundhouse/events/event.hpp"

namespace roundhouse::detail {

// Thread-safe. `publish` after each durable commit; subscribers `wait` for a head beyond theirs.
class CommitSignal {
 public:
  void publish(Position head) {
    {
      std::lock_guard lock(mu_);
      if (head > head_) head_ = head;
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
  // Returns when head > after, when `stop()` is true, or after `timeout` (for external writers).
  template <class StopFn>
  void wait(Position after, std::chrono::milliseconds timeout, StopFn stop) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return head_ > after || stop(); });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  Position head_ = 0;
};

}  // namespace roundhouse::detail
