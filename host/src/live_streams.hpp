#pragma once
// The bookkeeping behind open event streams (GET /api/v1/events/stream): how many are open (a
// cap, so clients cannot start threads without bound) and the retiring of their subscriptions.
//
// Stopping a subscription joins its thread, which may be inside a store read (or waiting for an
// unreachable server); that must happen neither on an I/O thread nor on the subscription's own
// thread. retire() hands the subscription to one background thread that stops and destroys it.
//
// Thread-safe. shutdown() (idempotent, also run by the destructor) stops everything retired so far
// and the thread; a subscription retired afterwards is stopped in the caller's thread.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "roundhouse/events/event_store.hpp"

namespace roundhouse::host {

class LiveStreams {
 public:
  explicit LiveStreams(std::size_t max_open);
  ~LiveStreams();
  LiveStreams(const LiveStreams&) = delete;
  LiveStreams& operator=(const LiveStreams&) = delete;

  // Counts a stream as open; false when max_open are open already.
  bool try_open();
  void closed();
  std::size_t open() const;
  std::size_t max_open() const { return max_open_; }

  void retire(std::unique_ptr<Subscription> subscription);
  void shutdown();

 private:
  void run();

  const std::size_t max_open_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::size_t open_ = 0;
  std::deque<std::unique_ptr<Subscription>> retired_;
  bool stopping_ = false;
  std::thread reaper_;
};

}  // namespace roundhouse::host
