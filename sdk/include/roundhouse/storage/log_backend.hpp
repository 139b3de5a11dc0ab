#pragma once
// The storage SPI: what a backend implements so that the SDK's LogStore (storage/log_store.hpp)
// can give it the full EventStore contract. The backend stores rows and answers lookups; the SDK
// owns the semantics (expected versions, idempotency, tenants, positions, recorded time, hash
// chain, group commit, subscriptions), so every backend behaves identically by construction.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "roundhouse/core/status.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/export.hpp"
#include "roundhouse/storage/state_store.hpp"

namespace roundhouse {

struct StreamHead {
  Version version = 0;  // 0: the stream does not exist
  std::string tenant;   // owner, valid when version > 0
};

struct ChainTip {
  Position position = 0;    // last committed position, 0 for an empty log
  Hash hash{};              // its chain hash (zeros for an empty log)
  Timestamp recorded_at = 0;
};

struct EventLocation {
  Position position = 0;
  StreamId stream;
  Version version = 0;
};

// What a group commit reads before it assigns positions (WriteTransaction::read_for_commit).
struct CommitView {
  ChainTip tip;
  std::vector<StreamHead> heads;                    // one per stream asked, in the order asked
  std::vector<std::optional<EventLocation>> stored;  // one per id asked, in the order asked
};

// One open write transaction. Writers are exclusive: while a WriteTransaction is open no other
// writer (in this or any other process) can commit, which is what makes positions follow commit
// order. Destroying it without commit() rolls back.
class ROUNDHOUSE_API WriteTransaction {
 public:
  virtual ~WriteTransaction();
  virtual Result<ChainTip> tip() = 0;
  virtual Result<StreamHead> stream_head(const StreamId& stream) = 0;
  virtual Result<std::optional<EventLocation>> find_event(const Uuid& id) = 0;
  // The stored location of each id (nullopt where none), in the order asked; LogStore asks once
  // per group commit for every client-supplied id in it. The default calls find_event per id; a
  // backend behind a network round trip should answer in one (or a few) statements.
  virtual Result<std::vector<std::optional<EventLocation>>> find_events(std::span<const Uuid> ids);
  // The heads of several streams, in the order asked (a stream may be asked twice). The default
  // calls stream_head per stream.
  virtual Result<std::vector<StreamHead>> stream_heads(std::span<const StreamId> streams);
  // Everything a group commit needs before it assigns positions: the tip, the heads of the streams
  // it appends to, and where the given event ids are stored. LogStore asks once per commit, so a
  // backend behind a network can answer in one round trip. The default calls tip(),
  // stream_heads() and find_events() (the latter only for a non-empty `ids`).
  virtual Result<CommitView> read_for_commit(std::span<const StreamId> streams, std::span<const Uuid> ids);
  // Stores fully formed events (position, version, recorded_at, hash set by the SDK) and advances
  // each stream's head to its last version. Events are in ascending position order. A backend may
  // defer the work to commit() (to send it in the same round trip); its errors then come from
  // commit(). Either way nothing of a transaction whose insert or commit failed is stored.
  virtual Status insert(std::span<const RecordedEvent> events) = 0;
  // Makes everything inserted durable (fsync). After an error nothing of this transaction is stored.
  virtual Status commit() = 0;
};

// A running source of commit notices (LogBackend::watch_commits). Destroying it stops it: once the
// destructor returns, its callback is not running and never runs again.
class ROUNDHOUSE_API CommitFeed {
 public:
  virtual ~CommitFeed();
};

// Called on the feed's own thread with the log's head position after commits (by any process,
// this one included) and whenever the feed (re)connects. Only a wake-up: subscribers still read
// the log to learn what is committed, so a late, repeated or missing call changes when they see
// an event, never what they see. Must not block.
using CommitCallback = std::function<void(Position head)>;

class ROUNDHOUSE_API LogBackend {
 public:
  virtual ~LogBackend();
  virtual Result<std::unique_ptr<WriteTransaction>> begin_write() = 0;
  virtual Result<StreamHead> stream_head(const StreamId& stream) = 0;
  // Visits the stream's events in the requested direction; tenant filtering is done by the caller.
  virtual Status read_stream(const StreamId& stream, const ReadStreamOptions& options,
                             const EventVisitor& visit) = 0;
  virtual Status read_all(const ReadAllOptions& options, const EventVisitor& visit) = 0;
  virtual Result<Position> head_position() = 0;
  // True when other processes may write to the same log (a file or a server): subscriptions then
  // poll for commits they were not told about.
  virtual bool shared_with_other_processes() const = 0;
  virtual std::string uri() const = 0;
  virtual void close() {}
  // Durable documents beside the log (checkpoints, snapshots). nullptr: the LogStore keeps them in
  // memory instead (fine for memory: stores; a durable backend should provide one).
  virtual std::shared_ptr<StateStore> state_store() { return nullptr; }
  // Push notice of commits made by other processes, so their subscribers wake at once rather than
  // at their next poll. nullptr (the default): none, LogStore relies on polling alone. Polling
  // stays on either way (the feed may be down for a while).
  virtual std::unique_ptr<CommitFeed> watch_commits(CommitCallback on_commit) {
    (void)on_commit;
    return nullptr;
  }
};

}  // namespace roundhouse
