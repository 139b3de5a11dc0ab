#pragma once
// LogStore: the SDK's EventStore implementation over any LogBackend. Storage plugins construct it
// around their backend instead of implementing EventStore themselves.

#include <chrono>
#include <cstddef>
#include <memory>

#include "roundhouse/events/event_store.hpp"
#include "roundhouse/export.hpp"
#include "roundhouse/storage/log_backend.hpp"

namespace roundhouse {

struct LogStoreOptions {
  // Group commit: one writer thread takes every pending append (up to this many events) into one
  // transaction and one fsync.
  std::size_t max_events_per_commit = 16384;
  // How often a subscription looks for commits made by other processes (backends shared with
  // other processes only); commits made through this store wake subscribers at once, and so do
  // other processes' commits when the backend has a commit feed (LogBackend::watch_commits) —
  // polling is then the fallback for while the feed is down.
  std::chrono::milliseconds poll_interval{100};
  // Upper bounds that protect the store from oversized input.
  std::size_t max_events_per_append = 10000;
  std::size_t max_event_bytes = 1 << 20;  // payload + metadata of one event
};

ROUNDHOUSE_API std::shared_ptr<EventStore> make_log_store(std::shared_ptr<LogBackend> backend,
                                                         LogStoreOptions options = {});

}  // namespace roundhouse
