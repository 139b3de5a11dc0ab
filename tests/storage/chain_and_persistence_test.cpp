// Conformance: the hash chain verifies end to end and detects tampering (sqlite: by editing the
// file behind the store's back); persistent backends keep everything across close and reopen.
#include "conformance.hpp"

#include <sqlite3.h>

#include "roundhouse/events/chain_hash.hpp"

namespace rh_test {
namespace {

using EV = rh::ExpectedVersion;
const rh::StreamId kLoco{"vehicle", "ICE-4711"};
const rh::StreamId kOrder{"work_order", "WO-1"};

// ---- verify_chain (every backend) ----

TEST_P(EventStoreConformance, EmptyLogVerifies) {
  auto report = store_->verify_chain();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->events_checked, 0u);
  EXPECT_EQ(report->first_bad_position, 0u);
}

TEST_P(EventStoreConformance, ChainVerifiesOverEveryEvent) {
  append_ticks(kLoco, 3, "t1");
  append_ticks(kOrder, 4, "t2");
  append_ticks(kLoco, 1, "t1");
  auto report = store_->verify_chain();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->ok) << report->reason;
  EXPECT_EQ(report->events_checked, 8u);
  EXPECT_EQ(report->last_position, 8u);
  EXPECT_EQ(report->first_bad_position, 0u);
  EXPECT_TRUE(report->reason.empty());
}

TEST_P(EventStoreConformance, EachStoredHashChainsOverItsPredecessor) {
  // Anyone can re-verify the log with chain_hash() alone (auditors, other tools).
  append_ticks(kLoco, 2);
  rh::NewEvent e = event("Backdated", {{"k", "v"}});
  e.occurred_at = 123456789;
  e.metadata.actor = "auditor";
  ASSERT_TRUE(append(kOrder, EV::any(), {std::move(e)}, "t9").ok());
  rh::Hash previous{};
  for (const auto& stored : read_all()) {
    EXPECT_EQ(rh::hex(stored.hash), rh::hex(rh::chain_hash(previous, stored))) << "position " << stored.position;
    previous = stored.hash;
  }
}

// ---- persistence (backends that outlive the process) ----

TEST_P(EventStoreConformance, ReopenedStoreHasTheSameEventsAndChain) {
  if (scheme() == "memory") GTEST_SKIP() << "memory: keeps nothing across opens by design";
  const rh::NewEvent first = event("VehicleRegistered", {{"class", "BR 412"}});
  ASSERT_TRUE(append(kLoco, EV::no_stream(), {first}, "db-cargo").ok());
  append_ticks(kOrder, 3, "db-regio");
  append_ticks(kLoco, 2, "db-cargo");
  const auto before = read_all();
  ASSERT_EQ(before.size(), 6u);

  reopen();

  const auto after = read_all();
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].position, before[i].position);
    EXPECT_EQ(after[i].stream, before[i].stream);
    EXPECT_EQ(after[i].version, before[i].version);
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].type, before[i].type);
    EXPECT_EQ(after[i].occurred_at, before[i].occurred_at);
    EXPECT_EQ(after[i].recorded_at, before[i].recorded_at);
    EXPECT_EQ(after[i].tenant, before[i].tenant);
    EXPECT_EQ(after[i].payload_json(), before[i].payload_json());
    EXPECT_EQ(after[i].metadata_parsed().tenant, before[i].metadata_parsed().tenant);
    EXPECT_EQ(after[i].hash, before[i].hash);
  }
  EXPECT_EQ(head(), 6u);
  auto report = store_->verify_chain();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->ok) << report->reason;
  EXPECT_EQ(report->events_checked, 6u);
}

TEST_P(EventStoreConformance, ReopenedStoreContinuesVersionsPositionsAndChain) {
  if (scheme() == "memory") GTEST_SKIP() << "memory: keeps nothing across opens by design";
  append_ticks(kLoco, 3, "db-cargo");
  reopen();
  auto r = append(kLoco, EV::exact(3), {event("MileageRecorded")}, "db-cargo");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->first_version, 4u);
  EXPECT_EQ(r->positions, (std::vector<rh::Position>{4}));
  auto report = store_->verify_chain();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << "the chain must continue from the stored tip: " << report->reason;
  const auto events = *read_stream(kLoco);
  EXPECT_GE(events.back().recorded_at, events[2].recorded_at);
}

TEST_P(EventStoreConformance, ReopenedStoreRemembersOwnersAndEventIds) {
  if (scheme() == "memory") GTEST_SKIP() << "memory: keeps nothing across opens by design";
  const std::vector<rh::NewEvent> batch = {event("A"), event("B")};
  auto first = append(kLoco, EV::no_stream(), batch, "db-cargo");
  ASSERT_TRUE(first.ok());
  reopen();
  auto retry = append(kLoco, EV::no_stream(), batch, "db-cargo");
  ASSERT_TRUE(retry.ok()) << "a retry after a restart is still a retry: " << retry.error().message;
  EXPECT_TRUE(retry->idempotent_replay);
  EXPECT_EQ(retry->positions, first->positions);
  auto foreign = append(kLoco, EV::any(), {event("C")}, "db-regio");
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, rh::ErrorCode::forbidden);
  EXPECT_EQ(head(), 2u);
}

// ---- tampering with an sqlite file ----

// Edits the events table of an sqlite store directly, as an attacker with file access would.
class SqliteFile {
 public:
  explicit SqliteFile(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
    sqlite3_busy_timeout(db_, 5000);
    find_events_table();
  }
  ~SqliteFile() { sqlite3_close(db_); }

  // Runs `sql` on the events table with append-only triggers (if any) out of the way.
  void tamper(const std::string& sql_template) {
    ASSERT_FALSE(table_.empty()) << "no table with a payload column found";
    std::vector<std::string> triggers = query_strings(
        "SELECT sql FROM sqlite_master WHERE type='trigger' AND tbl_name='" + table_ + "'");
    for (const auto& name : query_strings("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='" +
                                          table_ + "'"))
      exec("DROP TRIGGER \"" + name + "\"");
    std::string sql = sql_template;
    replace(sql, "{table}", "\"" + table_ + "\"");
    replace(sql, "{position}", "\"" + position_column_ + "\"");
    exec(sql);
    EXPECT_EQ(sqlite3_changes(db_), 1) << sql;
    for (const auto& t : triggers) exec(t);
  }

 private:
  void find_events_table() {
    for (const auto& table : query_strings("SELECT name FROM sqlite_master WHERE type='table'")) {
      std::string pk;
      bool has_payload = false, has_position = false;
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(db_, ("PRAGMA table_info(\"" + table + "\")").c_str(), -1, &st, nullptr);
      while (sqlite3_step(st) == SQLITE_ROW) {
        const std::string col = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
        if (col == "payload") has_payload = true;
        if (col == "position" || col == "global_position") {
          has_position = true;
          position_column_ = col;
        }
        if (sqlite3_column_int(st, 5) == 1) pk = col;
      }
      sqlite3_finalize(st);
      if (has_payload) {
        table_ = table;
        if (!has_position) position_column_ = pk.empty() ? "rowid" : pk;
        return;
      }
    }
  }
  std::vector<std::string> query_strings(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return out;
    }
    while (sqlite3_step(st) == SQLITE_ROW)
      if (auto* text = sqlite3_column_text(st, 0)) out.emplace_back(reinterpret_cast<const char*>(text));
    sqlite3_finalize(st);
    return out;
  }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (err ? err : "?");
      sqlite3_free(err);
    }
  }
  static void replace(std::string& s, const std::string& from, const std::string& to) {
    for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  }

  sqlite3* db_ = nullptr;
  std::string table_, position_column_;
};

std::string sqlite_path(const std::string& uri) {
  std::string path = uri.substr(uri.find(':') + 1);
  return path.substr(0, path.find('?'));
}

TEST_P(EventStoreConformance, SqliteTamperedPayloadIsReportedAtItsPosition) {
  if (scheme() != "sqlite") GTEST_SKIP() << "edits an sqlite file directly";
  append_ticks(kLoco, 2);
  ASSERT_TRUE(append(kOrder, EV::any(), {event("PartUsed", {{"part", "brake pad"}, {"qty", 4}})}).ok());
  append_ticks(kLoco, 2);
  store_->close();
  store_.reset();

  {
    SqliteFile file(sqlite_path(uri_));
    // Someone quietly changes the quantity of position 3.
    file.tamper(R"(UPDATE {table} SET payload = CASE WHEN typeof(payload) = 'blob'
                   THEN CAST('{"part":"brake pad","qty":40}' AS BLOB) ELSE '{"part":"brake pad","qty":40}' END
                   WHERE {position} = 3)");
  }

  reopen();
  auto report = store_->verify_chain();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->ok) << "tampering went unnoticed";
  EXPECT_EQ(report->first_bad_position, 3u);
  EXPECT_NE(report->reason.find('3'), std::string::npos) << report->reason;
  EXPECT_EQ(report->last_position, 2u) << "positions 1-2 still verify";
}

TEST_P(EventStoreConformance, SqliteDeletedEventIsReportedAtItsPosition) {
  if (scheme() != "sqlite") GTEST_SKIP() << "edits an sqlite file directly";
  append_ticks(kLoco, 5);
  store_->close();
  store_.reset();
  {
    SqliteFile file(sqlite_path(uri_));
    file.tamper("DELETE FROM {table} WHERE {position} = 4");
  }
  reopen();
  auto report = store_->verify_chain();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->ok) << "a deleted event went unnoticed";
  EXPECT_EQ(report->first_bad_position, 4u) << report->reason;
}

}  // namespace
}  // namespace rh_test
