#pragma once
// What the PostgreSQL rows share: the server (from tests/storage/with-postgres), a fresh schema per
// benchmark run, stores opened through the storage-postgres plugin, and the raw libpq side of the
// baselines — a naive events table with the store's column shape, written with plain INSERTs.

#include <libpq-fe.h>

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "roundhouse/events/event_store.hpp"

namespace roundhouse::bench {

// $ROUNDHOUSE_TEST_POSTGRES_URI (postgresql://user:pw@host:port/db, no query); throws when unset.
const std::string& postgres_uri();

// One libpq connection; every method throws std::runtime_error on failure, except insert paths
// that report failures as values (see NaivePgWriter).
class PgConn {
 public:
  explicit PgConn(const std::string& uri);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  PGconn* get() const { return conn_; }
  void exec(const std::string& sql);          // one or more commands, no results wanted
  std::string scalar(const std::string& sql);  // the first column of the first row

 private:
  PGconn* conn_ = nullptr;
};

// A schema of its own for one benchmark run ("bench_<tag>_<n>"), dropped with everything in it on
// destruction (kept when $ROUNDHOUSE_BENCH_KEEP is set). Store URIs put their tables there.
class BenchSchema {
 public:
  explicit BenchSchema(const std::string& tag);
  ~BenchSchema();
  BenchSchema(const BenchSchema&) = delete;
  BenchSchema& operator=(const BenchSchema&) = delete;

  const std::string& name() const { return name_; }
  std::string store_uri() const { return postgres_uri() + "?schema=" + name_; }

 private:
  std::string name_;
};

// Opens a postgresql:// store through a registry holding the storage-postgres plugin. Each call is
// a separate store instance (own writer connection, group-commit thread, reader pool), i.e. what
// another host process would have. Throws on failure.
std::shared_ptr<EventStore> open_pg_store(const std::string& uri);

// Commits that wrote the store's events in `schema`: the store stamps one recorded_at per commit,
// so this is count(DISTINCT recorded_at) (two commits within one microsecond would count once).
std::uint64_t store_commits(const std::string& schema);

// What one round trip and one durable commit cost on this server, for explaining the rows:
// the median of 2000 `SELECT 1` and of 200 single-row autocommit INSERTs on one connection.
struct PgCalibration {
  double round_trip_us = 0;
  double commit_ms = 0;
};
PgCalibration calibrate();

// The baselines' table: the store's `events` columns and indexes (primary key on the position,
// unique (stream, version), unique event id) with the position from an identity column, as a
// sequence-based store would do it, and neither the streams table nor the hash chain.
void create_naive_table(const BenchSchema& schema);

// Raw libpq writer of the naive table: `rows` events per INSERT statement (VALUES (...), (...)),
// prepared once, parameters as text except the 16-byte event id (binary). In autocommit each
// statement is one transaction and one WAL flush. It does for each event what the store must do
// for the same input (generate a UUIDv7, serialize payload and metadata, stamp the time, number
// the version) and nothing an event store adds.
class NaivePgWriter {
 public:
  NaivePgWriter(const std::string& schema, std::size_t rows);
  // Inserts `events` (exactly `rows` of them) for stream `stream_pk`, numbering versions from
  // version + 1 (advanced on success). False on failure, error() says why.
  bool insert(std::int64_t stream_pk, std::int64_t& version, std::span<const NewEvent> events);
  const std::string& error() const { return error_; }
  std::size_t rows() const { return rows_; }

 private:
  PgConn db_;
  std::size_t rows_;
  std::string error_;
};

}  // namespace roundhouse::bench
