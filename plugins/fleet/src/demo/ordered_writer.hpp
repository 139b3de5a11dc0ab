#pragma once
// OrderedWriter: appends a sequence of events to a store in the order given — one AppendRequest
// per run of consecutive events of the same stream, submitted with append_async so the store can
// put many appends into one commit (group commit). The store's queue is FIFO, so global positions
// follow the order of push() calls. Each append carries the exact expected version of its stream,
// counted from `initial_version(stream)` (0 for new streams), so nothing is ever appended on top
// of a stream that changed underneath; a failure stops further submissions.
// Event ids that are stored already are an idempotent replay (counted as `replayed`), which makes
// a repeated run with the same ids a no-op. Used by `demo` and `import`. Not thread-safe (one
// producer); the completion callbacks run on the store's thread.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "roundhouse/events/event_store.hpp"

namespace roundhouse::fleet::demo {

class OrderedWriter {
 public:
  using VersionLookup = std::function<Version(const StreamId&)>;

  OrderedWriter(std::shared_ptr<EventStore> store, std::string tenant, VersionLookup initial_version = {},
                std::size_t max_events_in_flight = 65536, std::size_t max_events_per_append = 1000);
  ~OrderedWriter();  // waits for outstanding appends

  // Queues one event. Returns the first failure seen so far (nothing more is submitted after one).
  Status push(const StreamId& stream, NewEvent event);
  // Submits what is buffered and waits for every append; the first failure, if any.
  Status finish();

  std::uint64_t written() const;   // events newly stored
  std::uint64_t replayed() const;  // events that were stored already (same id)

 private:
  void flush();
  void submit(AppendRequest request);

  std::shared_ptr<EventStore> store_;
  std::string tenant_;
  VersionLookup initial_version_;
  std::size_t max_in_flight_, max_per_append_;
  struct StreamHash {
    std::size_t operator()(const StreamId& s) const noexcept {
      return std::hash<std::string>{}(s.id) * 31 + std::hash<std::string>{}(s.type);
    }
  };
  std::unordered_map<StreamId, Version, StreamHash> versions_;  // version after the queued appends
  std::optional<AppendRequest> pending_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::size_t in_flight_ = 0;  // events submitted, not yet answered
  std::uint64_t written_ = 0, replayed_ = 0;
  std::optional<Error> failure_;
};

}  // namespace roundhouse::fleet::demo
