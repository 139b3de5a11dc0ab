#pragma once
// Helpers for the storage-postgres tests that need a live server (run under
// tests/storage/with-postgres): the server's URI, a fresh schema per test, the cluster control
// command, and a plain libpq session for administrative statements the store never runs
// (pg_terminate_backend, ALTER DATABASE ...).

#include <libpq-fe.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "conformance.hpp"
#include "roundhouse/storage/log_store.hpp"

namespace rh_test {

// ROUNDHOUSE_TEST_POSTGRES_URI, or nothing when not running under with-postgres.
std::optional<std::string> test_postgres_uri();
// Runs ROUNDHOUSE_TEST_POSTGRES_CTL with `action` (stop | start | restart); true on success.
bool postgres_ctl(const std::string& action);

// A test with a live server and a fresh schema; each store it opens on that schema stands in for
// another host (own writer connection, reader pool and group-commit thread). Skips without a
// server. Closes every store it opened.
class PostgresStoresTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Through the registry, as the host opens it.
  std::shared_ptr<rh::EventStore> open_store();
  // The plugin's backend under a LogStore with these options (e.g. a poll interval of minutes).
  std::shared_ptr<rh::EventStore> open_store(rh::LogStoreOptions options);

  rh::Registry registry_;
  std::string base_uri_;  // the server
  std::string schema_;    // fresh for each test: every test starts from an empty log
  std::string uri_;       // the server and that schema

 private:
  std::vector<std::shared_ptr<rh::EventStore>> stores_;
};

// The positions a subscriber was handed, in the order it got them.
struct SeenPositions {
  std::vector<rh::Position> snapshot() {
    std::lock_guard lock(mu);
    return positions;
  }
  std::mutex mu;
  std::vector<rh::Position> positions;
};
// Subscribes to the whole log from the start, recording into `seen`.
std::unique_ptr<rh::Subscription> watch_positions(rh::EventStore& store, std::shared_ptr<SeenPositions> seen,
                                                  std::string name = "watcher");

// One libpq connection for test-side SQL. Not thread-safe.
class AdminSession {
 public:
  explicit AdminSession(const std::string& uri);
  bool ok() const { return PQstatus(conn_.get()) == CONNECTION_OK; }
  std::string error() const { return PQerrorMessage(conn_.get()); }
  // Runs `sql`; the first column of every row as text ("" for NULL), or nothing on error.
  std::optional<std::vector<std::string>> column(const std::string& sql);

 private:
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn_;
};

}  // namespace rh_test
