#pragma once
// EventStore: the append-only log every component reads and writes.

#include <chrono>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "roundhouse/core/status.hpp"
#include "roundhouse/events/chain_hash.hpp"
#include "roundhouse/events/event.hpp"
#include "roundhouse/export.hpp"
#include "roundhouse/storage/state_store.hpp"

namespace roundhouse {

// Optimistic concurrency for append().
class ROUNDHOUSE_API ExpectedVersion {
 public:
  enum class Kind : std::uint8_t { any, no_stream, stream_exists, exact };
  static ExpectedVersion any() { return {Kind::any, 0}; }
  static ExpectedVersion no_stream() { return {Kind::no_stream, 0}; }
  static ExpectedVersion stream_exists() { return {Kind::stream_exists, 0}; }
  static ExpectedVersion exact(Version v) { return v == 0 ? no_stream() : ExpectedVersion{Kind::exact, v}; }

  Kind kind() const noexcept { return kind_; }
  Version version() const noexcept { return version_; }
  bool matches(Version current) const noexcept;
  std::string describe() const;  // "any", "no stream", "stream exists", "version 7"

 private:
  ExpectedVersion(Kind k, Version v) : kind_(k), version_(v) {}
  Kind kind_;
  Version version_;
};

struct AppendRequest {
  StreamId stream;
  ExpectedVersion expected = ExpectedVersion::any();
  std::vector<NewEvent> events;  // 1..n events, appended atomically and contiguously
  std::string tenant;            // owner; overrides each event's metadata.tenant. A stream belongs
                                 // to the tenant of its first append; others get `forbidden`.
};

struct AppendResult {
  std::vector<Position> positions;  // one per event, ascending
  Version first_version = 0;
  Version last_version = 0;         // the stream's version after the append
  bool idempotent_replay = false;   // every event id was stored already: nothing new was written
};

enum class Direction : std::uint8_t { forward, backward };

struct ReadStreamOptions {
  Direction direction = Direction::forward;
  Version from_version = 0;  // forward: first version >= this (0 = start); backward: <= this (0 = end)
  std::size_t max_count = std::numeric_limits<std::size_t>::max();
  std::optional<std::string> tenant;  // when set, a stream of another tenant reads as not_found
};

// Filters shared by read_all and subscriptions. Empty vectors mean "everything".
struct EventFilter {
  std::vector<std::string> aggregate_types;
  std::vector<std::string> event_types;
  std::optional<std::string> tenant;
  ROUNDHOUSE_API bool matches(const RecordedEvent& e) const;
};

struct ReadAllOptions {
  Position from_position = 1;  // inclusive
  std::size_t max_count = std::numeric_limits<std::size_t>::max();
  EventFilter filter;
};

// Visitor for bulk reads. The event reference is valid only during the call (buffers are reused).
// Return false to stop early.
using EventVisitor = std::function<bool(const RecordedEvent&)>;

// Called once per event on the subscription's own thread. A non-ok Status stops the subscription
// (state failed, error() says why, position() is the last event handled successfully); the event
// is never skipped.
using EventHandler = std::function<Status(const RecordedEvent&)>;

struct SubscribeOptions {
  std::string name;              // for metrics and status ("projection:vehicle-state")
  Position after_position = 0;   // checkpoint: deliver events with position > this
  EventFilter filter;
  std::size_t batch_size = 1024; // catch-up page size
};

// A running subscription: catch-up from the checkpoint, then live. Events arrive in position order,
// each exactly once, and only after their commit is durable. Thread-safe. Destroying the handle
// stops the subscription and joins its thread.
class ROUNDHOUSE_API Subscription {
 public:
  enum class State : std::uint8_t { catching_up, live, stopped, failed };
  virtual ~Subscription();
  virtual void stop() = 0;                     // idempotent; returns once the handler is idle
  // The checkpoint: every event with a position <= this was handled successfully or did not match
  // the filter. After a handler failure at position p it is p - 1 and error() names p.
  virtual Position position() const = 0;
  virtual State state() const = 0;
  virtual std::optional<Error> error() const = 0;
  virtual const std::string& name() const = 0;
  // Blocks until position() >= p, the subscription stops, or the timeout passes. True if reached.
  virtual bool wait_for(Position p, std::chrono::milliseconds timeout) const = 0;
};

ROUNDHOUSE_API std::string_view to_string(Subscription::State s);

struct SubscriptionStatus {
  std::string name;
  Position position = 0;
  Subscription::State state = Subscription::State::catching_up;
};

// The append-only event log.
//
// Thread-safety: every method may be called concurrently from any thread.
// Durability: append() returns (append_async() calls back) only after the events are durable;
// concurrent appends are grouped into one transaction and one fsync by the store (group commit).
// Ordering: positions are assigned in commit order; a reader of read_all or a subscriber never
// observes position p+1 before p is committed, so a checkpoint never skips an event.
// Ownership: obtained as shared_ptr from a storage factory (see storage/store_factory.hpp); the
// plugin that created it stays loaded for the life of the process.
class ROUNDHOUSE_API EventStore {
 public:
  virtual ~EventStore();

  // Appends atomically: all events or none. Failures as values: wrong_expected_version,
  // duplicate_event, forbidden, invalid_argument, unavailable, io_error.
  virtual Result<AppendResult> append(AppendRequest request);
  // Same, without blocking: `done` runs on a store thread once the outcome is known. Keep it short.
  virtual void append_async(AppendRequest request,
                            std::function<void(Result<AppendResult>)> done) = 0;

  // Events of one stream. not_found if the stream has no events (or belongs to another tenant).
  virtual Result<std::vector<RecordedEvent>> read_stream(const StreamId& stream,
                                                          const ReadStreamOptions& options) = 0;
  // Events in position order from options.from_position, filtered; the visitor sees each in turn.
  virtual Status read_all(const ReadAllOptions& options, const EventVisitor& visit) = 0;
  // Convenience: collects read_all into a vector.
  Result<std::vector<RecordedEvent>> read_all(const ReadAllOptions& options);

  virtual Result<Position> head_position() = 0;  // last committed position, 0 when empty

  virtual std::unique_ptr<Subscription> subscribe(SubscribeOptions options, EventHandler handler) = 0;
  virtual std::vector<SubscriptionStatus> subscriptions() const = 0;

  // Recomputes the hash chain from the first event; reports the first position that does not verify.
  virtual Result<ChainReport> verify_chain() = 0;

  // Waits until every accepted append is durable, then refuses new appends (unavailable).
  virtual void close() = 0;
  virtual std::string uri() const = 0;

  // Durable documents kept beside this log: projection checkpoints and aggregate snapshots.
  virtual std::shared_ptr<StateStore> state_store() = 0;
};

}  // namespace roundhouse
