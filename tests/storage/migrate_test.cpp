// Migration between stores (roundhouse/storage/migrate.hpp) and the store administration entry
// points of the storage plugins (Registry::open_backend / backup_store / restore_store), against
// real backends: memory, SQLite files, and PostgreSQL when run under tests/storage/with-postgres.
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "roundhouse/plugin/registry.hpp"
#include "roundhouse/storage/log_store.hpp"
#include "roundhouse/storage/migrate.hpp"
#include "storage_memory.hpp"
#include "storage_sqlite.hpp"
#if ROUNDHOUSE_MIGRATE_TEST_HAVE_POSTGRES
#include "storage_postgres.hpp"
#endif

namespace rh = roundhouse;
namespace fs = std::filesystem;

namespace {

std::string unique_suffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  return std::to_string(rng() % 1000000000000ULL);
}

class Migrate : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(rh::plugins::register_storage_memory(registry_).ok());
    ASSERT_TRUE(rh::plugins::register_storage_sqlite(registry_).ok());
#if ROUNDHOUSE_MIGRATE_TEST_HAVE_POSTGRES
    ASSERT_TRUE(rh::plugins::register_storage_postgres(registry_).ok());
#endif
    dir_ = fs::temp_directory_path() / ("rh-migrate-" + unique_suffix());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string sqlite_uri(const std::string& name) const { return "sqlite:" + (dir_ / name).string(); }

  std::shared_ptr<rh::LogBackend> backend(const std::string& uri) {
    auto b = registry_.open_backend(uri);
    EXPECT_TRUE(b.ok()) << b.error().message;
    return b.ok() ? *b : nullptr;
  }

  // Appends `n` events through a LogStore over `backend`: several streams and tenants, client
  // ids on some, back-dated occurred_at on others, metadata with extra keys.
  static void fill(const std::shared_ptr<rh::LogBackend>& backend, int n, const std::string& tag = "a") {
    auto store = rh::make_log_store(std::make_shared<Shared>(backend));
    for (int i = 0; i < n; ++i) {
      rh::AppendRequest r;
      r.stream = {"vehicle", tag + std::to_string(i % 7)};
      r.tenant = i % 7 == 3 ? "globex" : "acme";
      rh::NewEvent e;
      if (i % 3 == 0) e.id = rh::Uuid::generate_v7();
      e.type = i % 2 ? "Moved" : "Inspected";
      e.payload = boost::json::object{{"n", i}, {"depot", "MUC"}, {"tag", tag}};
      e.metadata.actor = "tester";
      e.metadata.extra["note"] = "ü " + std::to_string(i);
      if (i % 5 == 0) e.occurred_at = 1700000000000000 + i;
      r.events.push_back(std::move(e));
      auto res = store->append(std::move(r));
      ASSERT_TRUE(res.ok()) << res.error().message;
    }
    store->close();
  }

  static std::vector<rh::RecordedEvent> all(rh::LogBackend& b) {
    std::vector<rh::RecordedEvent> out;
    EXPECT_TRUE(b.read_all({}, [&](const rh::RecordedEvent& e) {
      out.push_back(e);
      return true;
    }).ok());
    return out;
  }

  static void expect_same_log(rh::LogBackend& a, rh::LogBackend& b) {
    const auto x = all(a), y = all(b);
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      SCOPED_TRACE("position " + std::to_string(x[i].position));
      EXPECT_EQ(x[i].position, y[i].position);
      EXPECT_EQ(x[i].stream, y[i].stream);
      EXPECT_EQ(x[i].version, y[i].version);
      EXPECT_EQ(x[i].id, y[i].id);
      EXPECT_EQ(x[i].type, y[i].type);
      EXPECT_EQ(x[i].occurred_at, y[i].occurred_at);
      EXPECT_EQ(x[i].recorded_at, y[i].recorded_at);
      EXPECT_EQ(x[i].tenant, y[i].tenant);
      EXPECT_EQ(x[i].payload, y[i].payload);
      EXPECT_EQ(x[i].metadata, y[i].metadata);
      EXPECT_EQ(x[i].hash, y[i].hash);
    }
  }

  // A LogBackend shared with a LogStore that must not close it (the test keeps using it).
  class Shared final : public rh::LogBackend {
   public:
    explicit Shared(std::shared_ptr<rh::LogBackend> b) : b_(std::move(b)) {}
    rh::Result<std::unique_ptr<rh::WriteTransaction>> begin_write() override { return b_->begin_write(); }
    rh::Result<rh::StreamHead> stream_head(const rh::StreamId& s) override { return b_->stream_head(s); }
    rh::Status read_stream(const rh::StreamId& s, const rh::ReadStreamOptions& o, const rh::EventVisitor& v) override {
      return b_->read_stream(s, o, v);
    }
    rh::Status read_all(const rh::ReadAllOptions& o, const rh::EventVisitor& v) override { return b_->read_all(o, v); }
    rh::Result<rh::Position> head_position() override { return b_->head_position(); }
    bool shared_with_other_processes() const override { return b_->shared_with_other_processes(); }
    std::string uri() const override { return b_->uri(); }

   private:
    std::shared_ptr<rh::LogBackend> b_;
  };

  // Memory -> `target_uri`: everything copied as is, verified, and the target works as a store.
  void check_full_copy(const std::string& target_uri) {
    auto source = backend("memory:");
    fill(source, 1234);
    auto target = backend(target_uri);
    std::vector<rh::MigrationProgress> seen;
    rh::MigrationOptions o;
    o.batch_size = 500;
    o.progress = [&](const rh::MigrationProgress& p) { seen.push_back(p); };
    auto report = rh::migrate_log(*source, target, o);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->source_head, 1234u);
    EXPECT_EQ(report->copied, 1234u);
    EXPECT_EQ(report->resumed_after, 0u);
    EXPECT_EQ(report->target_head, 1234u);
    EXPECT_FALSE(report->cancelled);
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0].done, 500u);
    EXPECT_EQ(seen[2].done, 1234u);
    EXPECT_EQ(seen[2].total, 1234u);
    expect_same_log(*source, *target);
    target->close();

    // Reopened as a store: the chain verifies, stream heads and tenants continue where they were.
    auto store = registry_.open_store(target_uri);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto chain = (*store)->verify_chain();
    ASSERT_TRUE(chain.ok() && chain->ok) << (chain.ok() ? chain->reason : chain.error().message);
    EXPECT_EQ(chain->events_checked, 1234u);
    rh::AppendRequest r;
    r.stream = {"vehicle", "a1"};
    r.tenant = "acme";
    r.expected = rh::ExpectedVersion::exact(177);  // 1234 events over 7 streams: a1 has 177
    r.events.push_back(rh::NewEvent{.type = "Moved", .payload = boost::json::object{}});
    auto appended = (*store)->append(r);
    ASSERT_TRUE(appended.ok()) << appended.error().message;
    EXPECT_EQ(appended->positions, std::vector<rh::Position>{1235});
    r.stream = {"vehicle", "a3"};  // belongs to globex
    EXPECT_EQ((*store)->append(r).error().code, rh::ErrorCode::forbidden);
    (*store)->close();
  }

  rh::Registry registry_;
  fs::path dir_;
};

TEST_F(Migrate, MemoryToSqliteCopiesEveryEventAsIsAndVerifies) { check_full_copy(sqlite_uri("target.db")); }

TEST_F(Migrate, ResumesAfterAnInterruptedCopy) {
  auto source = backend("memory:");
  fill(source, 1000);
  auto target = backend(sqlite_uri("target.db"));
  rh::MigrationOptions o;
  o.batch_size = 300;
  int batches = 0;
  o.progress = [&](const rh::MigrationProgress&) { ++batches; };
  o.cancelled = [&] { return batches == 2; };
  auto first = rh::migrate_log(*source, target, o);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->cancelled);
  EXPECT_EQ(first->copied, 600u);
  EXPECT_EQ(target->head_position().value(), 600u);

  o.cancelled = {};
  auto second = rh::migrate_log(*source, target, o);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(second->cancelled);
  EXPECT_EQ(second->resumed_after, 600u);
  EXPECT_EQ(second->copied, 400u);
  expect_same_log(*source, *target);

  // A complete copy is a no-op that still verifies.
  auto third = rh::migrate_log(*source, target, o);
  ASSERT_TRUE(third.ok()) << third.error().message;
  EXPECT_EQ(third->copied, 0u);
  EXPECT_EQ(third->resumed_after, 1000u);
}

TEST_F(Migrate, RefusesATargetHoldingOtherEventsAndChangesNothing) {
  auto source = backend("memory:");
  fill(source, 50, "a");
  for (int foreign : {20, 50, 80}) {
    SCOPED_TRACE(foreign);
    auto target = backend(sqlite_uri("foreign" + std::to_string(foreign) + ".db"));
    fill(target, foreign, "b");
    const auto before = all(*target);
    auto report = rh::migrate_log(*source, target);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code, rh::ErrorCode::invalid_argument);
    EXPECT_NE(report.error().message.find("already holds " + std::to_string(foreign) + " events"), std::string::npos)
        << report.error().message;
    EXPECT_NE(report.error().message.find("nothing was changed"), std::string::npos);
    const auto after = all(*target);
    ASSERT_EQ(after.size(), before.size());
    EXPECT_EQ(after.back().hash, before.back().hash);
  }
}

TEST_F(Migrate, TamperedSourceStopsBeforeTheBadEvent) {
  const auto file = dir_ / "source.db";
  auto source = backend("sqlite:" + file.string());
  fill(source, 200);
  source->close();
  source.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE events SET payload = '{\"n\":999}' WHERE position = 123", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  source = backend("sqlite:" + file.string());
  auto target = backend(sqlite_uri("target.db"));
  rh::MigrationOptions o;
  o.batch_size = 50;
  auto report = rh::migrate_log(*source, target, o);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, rh::ErrorCode::corrupted);
  EXPECT_NE(report.error().message.find("does not verify at position 123"), std::string::npos) << report.error().message;
  // The target holds only verified events: the full batches before the bad one.
  EXPECT_EQ(target->head_position().value(), 100u);
}

TEST_F(Migrate, StoreLevelChecks) {
  auto source = backend(sqlite_uri("a.db"));
  fill(source, 10);
  source->close();
  const auto cwd = fs::current_path();
  fs::current_path(dir_);
  auto same = rh::migrate_store(registry_, "sqlite:a.db", sqlite_uri("a.db"));
  fs::current_path(cwd);
  ASSERT_FALSE(same.ok());
  EXPECT_NE(same.error().message.find("the same store"), std::string::npos) << same.error().message;

  auto unknown = rh::migrate_store(registry_, "nosuch:x", sqlite_uri("b.db"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, rh::ErrorCode::not_found);
  EXPECT_NE(unknown.error().message.find("'nosuch:'"), std::string::npos) << unknown.error().message;

  // A missing source is an error, and is not created as an empty store.
  auto missing = rh::migrate_store(registry_, sqlite_uri("missing.db"), sqlite_uri("b.db"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, rh::ErrorCode::not_found);
  EXPECT_FALSE(fs::exists(dir_ / "missing.db"));

  auto ok = rh::migrate_store(registry_, sqlite_uri("a.db"), sqlite_uri("b.db"));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->copied, 10u);

  EXPECT_EQ(registry_.backup_store("memory:", dir_ / "m.bak").code(), rh::ErrorCode::invalid_argument);
}

// The online backup is one consistent snapshot even while a writer keeps committing.
TEST_F(Migrate, SqliteBackupWhileWritingRestoresAVerifiedSnapshot) {
  const auto uri = sqlite_uri("live.db");
  auto live = registry_.open_store(uri);
  ASSERT_TRUE(live.ok()) << live.error().message;
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    while (!stop) {
      rh::AppendRequest r;
      r.stream = {"vehicle", "W" + std::to_string(written % 13)};
      r.events.push_back(rh::NewEvent{.type = "Moved", .payload = boost::json::object{{"i", written.load()}}});
      if ((*live)->append(std::move(r)).ok()) ++written;
    }
  });
  while (written < 200) std::this_thread::yield();
  const auto file = dir_ / "live.bak";
  std::uint64_t last_done = 0, calls = 0;
  auto st = registry_.backup_store(uri, file, [&](std::uint64_t done, std::uint64_t total) {
    EXPECT_LE(done, total);
    last_done = done;
    ++calls;
  });
  const int at_end = written;
  stop = true;
  writer.join();
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_GT(calls, 0u);
  EXPECT_FALSE(fs::exists(dir_ / "live.bak.partial"));

  auto restored = registry_.restore_store(file, sqlite_uri("restored.db"));
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  auto store = registry_.open_store(sqlite_uri("restored.db"));
  ASSERT_TRUE(store.ok());
  auto chain = (*store)->verify_chain();
  ASSERT_TRUE(chain.ok() && chain->ok);
  EXPECT_GE(chain->events_checked, 200u);
  EXPECT_LE(chain->events_checked, static_cast<rh::Position>(at_end));
  (*live)->close();

  // Restoring over a store with events needs force; with force the content is the backup's.
  auto refused = registry_.restore_store(file, uri);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("not empty"), std::string::npos);
  rh::RestoreOptions force;
  force.force = true;
  auto replaced = registry_.restore_store(file, uri, force);
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  EXPECT_GE(replaced->replaced_events, chain->events_checked);
  auto again = registry_.open_store(uri);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->head_position().value(), chain->events_checked);
  EXPECT_FALSE(fs::exists(dir_ / "live.db.restoring"));
}

// A damaged backup is refused before the target is touched.
TEST_F(Migrate, SqliteRestoreOfATamperedBackupLeavesTheTargetAlone) {
  auto source = backend(sqlite_uri("a.db"));
  fill(source, 30);
  source->close();
  const auto file = dir_ / "a.bak";
  ASSERT_TRUE(registry_.backup_store(sqlite_uri("a.db"), file).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE events SET tenant = 'mallory' WHERE position = 7", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  auto target = backend(sqlite_uri("t.db"));
  fill(target, 5, "t");
  target->close();
  rh::RestoreOptions force;
  force.force = true;
  auto r = registry_.restore_store(file, sqlite_uri("t.db"), force);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::corrupted);
  EXPECT_NE(r.error().message.find("position 7"), std::string::npos) << r.error().message;
  auto store = registry_.open_store(sqlite_uri("t.db"));
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->head_position().value(), 5u);
}

#if ROUNDHOUSE_MIGRATE_TEST_HAVE_POSTGRES

class MigratePostgres : public Migrate {
 protected:
  void SetUp() override {
    base_ = std::getenv("ROUNDHOUSE_TEST_POSTGRES_URI") ? std::getenv("ROUNDHOUSE_TEST_POSTGRES_URI") : "";
    if (base_.empty()) GTEST_SKIP() << "needs a server: run under tests/storage/with-postgres";
    Migrate::SetUp();
  }
  std::string pg_uri() const { return base_ + "?schema=mig_" + unique_suffix(); }
  std::string base_;
};

TEST_F(MigratePostgres, MemoryToPostgresCopiesEveryEventAsIsAndVerifies) { check_full_copy(pg_uri()); }

TEST_F(MigratePostgres, SqliteToPostgresResumesAndRefusesForeignTargets) {
  auto source = backend(sqlite_uri("a.db"));
  fill(source, 700);
  const auto uri = pg_uri();
  auto target = backend(uri);
  rh::MigrationOptions o;
  o.batch_size = 250;
  int batches = 0;
  o.progress = [&](const rh::MigrationProgress&) { ++batches; };
  o.cancelled = [&] { return batches == 1; };
  ASSERT_TRUE(rh::migrate_log(*source, target, o).ok());
  EXPECT_EQ(target->head_position().value(), 250u);
  o.cancelled = {};
  auto rest = rh::migrate_log(*source, target, o);
  ASSERT_TRUE(rest.ok()) << rest.error().message;
  EXPECT_EQ(rest->resumed_after, 250u);
  expect_same_log(*source, *target);

  auto other = backend("memory:");
  fill(other, 10, "zz");
  auto refused = rh::migrate_log(*other, target);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_EQ(target->head_position().value(), 700u);
}

#endif

}  // namespace
