#pragma once
// A client that keeps up to N appends in flight on one store (append_async), the way a bulk
// loader or `roundhouse append --window N` does. Shared by the benchmarks that write fixtures or
// measure pipelined and paced writers.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>

#include "roundhouse/events/event_store.hpp"

namespace roundhouse::bench {

// Thread-safe; submit() may be called from several threads sharing one window. The callbacks run
// on the store's thread, so `on_ack` must be short.
class AppendWindow {
 public:
  AppendWindow(EventStore& store, std::size_t window) : store_(store), window_(window) {}
  ~AppendWindow() { drain(); }
  AppendWindow(const AppendWindow&) = delete;
  AppendWindow& operator=(const AppendWindow&) = delete;

  // Waits while `window` appends are in flight, then sends `request`. Returns false (sending
  // nothing) once an earlier append has failed. `on_ack` runs once the append is durable.
  bool submit(AppendRequest request, std::function<void(const AppendResult&)> on_ack = {});
  // Waits until nothing is in flight; the first failure, if any.
  std::optional<Error> drain();
  std::size_t acked_events() const;

 private:
  EventStore& store_;
  const std::size_t window_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::size_t in_flight_ = 0;
  std::size_t acked_events_ = 0;
  std::optional<Error> failure_;
};

}  // namespace roundhouse::bench
