#pragma once
// The baselines' side: plain SQLite C API, no SDK in the way. A naive events table (text UUIDs,
// "type/id" stream text, one row per event) for the write baselines, and raw scans of the store's
// own tables for the read baselines.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace roundhouse::bench {

// The naive table a team would write first: what an event is, one row each, an index to read a
// stream back and the primary key on the event id.
constexpr const char* kNaiveSchema =
    "CREATE TABLE events ("
    "  id TEXT PRIMARY KEY,"          // UUID text
    "  stream TEXT NOT NULL,"         // 'vehicle/ICE-04711'
    "  version INTEGER NOT NULL,"
    "  type TEXT NOT NULL,"
    "  tenant TEXT NOT NULL,"
    "  occurred_at INTEGER NOT NULL,"
    "  recorded_at INTEGER NOT NULL,"
    "  payload TEXT NOT NULL,"
    "  metadata TEXT NOT NULL);"
    "CREATE INDEX events_by_stream ON events (stream, version);";

constexpr const char* kNaiveInsert =
    "INSERT INTO events (id, stream, version, type, tenant, occurred_at, recorded_at, payload, metadata) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

// One connection; throws std::runtime_error on any SQLite error.
class RawDb {
 public:
  // Opens (creating) `file`; `pragmas` run right after opening.
  RawDb(const std::string& file, const std::string& pragmas, bool read_only = false);
  ~RawDb();
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  sqlite3* get() const { return db_; }
  void exec(const std::string& sql);
  sqlite3_stmt* prepare(const std::string& sql);  // finalized with the connection
  void check(int rc, int expected, const char* what) const;

 private:
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> statements_;
};

// The durability the store runs with (WAL, fsync on every commit) and SQLite's defaults otherwise.
constexpr const char* kDurablePragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
// The pragmas the store's read connections use (sqlite_connection.cpp), so read baselines scan
// with the same page cache and memory map.
constexpr const char* kStoreReaderPragmas =
    "PRAGMA query_only=ON; PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824; PRAGMA temp_store=MEMORY;";

// Folds every column of the current row into a checksum, reading text and blobs through the C
// API the way a decoder would (pointer + length), without copying.
std::uint64_t touch_row(sqlite3_stmt* s);

// Steps `s` to the end, touching every row, then resets it.
struct ScanResult {
  int rc = SQLITE_DONE;  // SQLITE_DONE unless a step failed
  std::uint64_t rows = 0;
  std::uint64_t checksum = 0;
};
ScanResult scan_rows(sqlite3_stmt* s);

// The naive baseline writer: a durable database with the naive schema. Each call steps one
// prepared statement and returns SQLite's result code (SQLITE_DONE on success).
class NaiveWriter {
 public:
  explicit NaiveWriter(const std::string& file);
  int begin();
  int commit();
  void rollback();
  int insert(std::string_view id, std::string_view stream, std::int64_t version, std::string_view type,
             std::string_view tenant, std::int64_t now, std::string_view payload, std::string_view metadata);
  void check(int rc, const char* what) const { db_.check(rc, SQLITE_DONE, what); }

 private:
  RawDb db_;
  sqlite3_stmt* begin_;
  sqlite3_stmt* commit_;
  sqlite3_stmt* insert_;
};

}  // namespace roundhouse::bench
