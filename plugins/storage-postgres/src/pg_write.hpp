#pragma once
// The write side of the PostgreSQL backend: the one writer connection of a store, what it
// remembers between write transactions, and the WriteTransaction that runs on it.
//
// A group commit costs one round trip in steady state:
//   * Heads cache. After a commit the writer knows the tip it left and the heads (version,
//     owner) of every stream it read or advanced. Heads change only when events are committed,
//     and every commit moves the tip, so while the tip read under the log's lock is the one this
//     writer left, the cached heads are exactly what the server would answer. A writer that
//     found the log empty has seen every stream get its events, so a stream it does not hold is
//     new (until another writer commits).
//   * No keys needed. The commit creates or advances the touched streams' rows with one upsert,
//     and each event finds its stream's row by key on the server, so new streams need no read.
//   * Begun ahead. Behind a COMMIT made while appends keep coming (the previous transaction began
//     right after a commit) the same pipeline begins the next transaction: BEGIN, a *try* of the
//     log's lock (never waits behind another host's transaction, so this commit's answer is
//     never delayed) and, if it was taken, the tip. The next group commit then knows its tip and
//     heads without asking. If no transaction uses it within kAheadHold, a releaser thread rolls
//     it back, so an idle store never keeps other hosts waiting longer than that.
// Streams not in the cache, client-supplied event ids and a tip that moved (another host wrote)
// are read from the server as before, in one pipeline.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "pg_connection.hpp"
#include "pg_uri.hpp"
#include "roundhouse/storage/log_backend.hpp"

namespace roundhouse::postgres {

struct StreamKeyHash {
  std::size_t operator()(const StreamId& s) const noexcept {
    return std::hash<std::string>{}(s.type) * 31 ^ std::hash<std::string>{}(s.id);
  }
};

using KnownHeads = std::unordered_map<StreamId, StreamHead, StreamKeyHash>;

// A transaction begun behind the previous COMMIT (see above).
struct AheadTxn {
  bool locked = false;  // the log's lock was free and is held; `tip` was read under it
  ChainTip tip;
  std::chrono::steady_clock::time_point since;
};

// A stream's current version, as a scalar subquery on `streams s`: the version of its last
// event, from the (stream_pk, version) index. Streams rows do not carry it (schema version 3), so
// a commit to existing streams writes no stream row.
constexpr const char* kStreamVersionSql =
    "COALESCE((SELECT e.version FROM events e WHERE e.stream_pk = s.stream_pk ORDER BY e.version DESC LIMIT 1), 0)";

// Session settings of a writer connection (plans of key lookups that stay right as tables grow).
Status configure_writer(Connection& c);

// Owns the writer connection. One WriteTransaction at a time (begin() blocks until the previous
// one is gone); thread-safe otherwise.
class Writer {
 public:
  Writer(PgUri uri, std::unique_ptr<Connection> conn);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  Result<std::unique_ptr<WriteTransaction>> begin();
  // Rolls back a transaction begun ahead and closes the connection; begin() reopens it.
  void close();

  // What a write transaction reads and updates, with `mu` held (by the transaction).
  struct State {
    std::unique_ptr<Connection> conn;
    std::optional<ChainTip> known_tip;  // the tip this writer's last commit left
    KnownHeads heads;                   // valid while the log's tip is known_tip
    bool complete = false;              // ... and every stream with events is in `heads`
    std::optional<AheadTxn> ahead;      // open on conn, not yet used
    std::chrono::steady_clock::time_point last_commit{};
    void forget() {
      known_tip.reset();
      heads.clear();
      complete = false;
    }
  };
  // Called by a transaction that leaves `ahead` open, before it releases `mu`.
  void ahead_opened();

 private:
  void release_idle();  // the releaser thread
  void stop_releaser(std::unique_lock<std::mutex>& lock);

  PgUri uri_;
  std::string channel_;  // NOTIFY channel of this log, unquoted (as pg_notify takes it)
  std::mutex mu_;
  State state_;
  std::condition_variable cv_;  // the releaser waits on it (with mu_)
  std::thread releaser_;
  bool stopping_ = false;
  bool releaser_idle_ = true;  // waiting without a deadline: needs a wake-up for a new ahead
};

}  // namespace roundhouse::postgres
