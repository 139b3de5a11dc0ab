// storage-postgres specific: two stores opened on the same database schema behave like two hosts
// (each has its own writer connection, in-process mutex and group-commit thread; only PostgreSQL's
// advisory lock orders them). Appends through both keep positions gap-free in commit order and
// the hash chain intact, optimistic concurrency holds across them, and a subscriber on one sees
// the other's commits (by polling) exactly once, in order. Runs under tests/storage/with-postgres.
#include "postgres_test_support.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace rh_test {
namespace {

#if ROUNDHOUSE_CONFORMANCE_HAVE_POSTGRES

using EV = rh::ExpectedVersion;

class PostgresSharedLog : public PostgresStoresTest {
 protected:
  void SetUp() override {
    PostgresStoresTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_TRUE((a_ = open_store()) && (b_ = open_store()));
  }

  std::shared_ptr<rh::EventStore> a_, b_;
};

TEST_F(PostgresSharedLog, WritersOnTwoHostsShareOneGapFreeOrderedLog) {
  constexpr int kThreadsPerHost = 4, kPerThread = 40;
  constexpr rh::Position kTotal = 2 * kThreadsPerHost * kPerThread;

  auto seen = std::make_shared<SeenPositions>();
  auto sub = watch_positions(*b_, seen, "watcher-on-b");

  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int host = 0; host < 2; ++host)
    for (int t = 0; t < kThreadsPerHost; ++t)
      writers.emplace_back([&, host, t] {
        auto& store = host == 0 ? a_ : b_;
        for (int i = 0; i < kPerThread; ++i) {
          rh::AppendRequest r;
          r.stream = {"vehicle", "H" + std::to_string(host) + "-T" + std::to_string(t)};
          r.expected = EV::any();
          r.events.push_back(event("Tick", {{"i", i}}));
          if (!store->append(std::move(r)).ok()) ++failures;
        }
      });
  for (auto& w : writers) w.join();
  ASSERT_EQ(failures.load(), 0);

  for (auto* s : {&a_, &b_}) {
    auto head = (*s)->head_position();
    ASSERT_TRUE(head.ok()) << head.error().message;
    EXPECT_EQ(*head, kTotal);
    auto all = (*s)->read_all(rh::ReadAllOptions{});
    ASSERT_TRUE(all.ok()) << all.error().message;
    EXPECT_EQ(positions_of(*all), range(1, kTotal));
  }
  auto report = a_->verify_chain();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->ok) << report->reason;
  EXPECT_EQ(report->events_checked, kTotal);

  ASSERT_TRUE(sub->wait_for(kTotal, std::chrono::seconds(20))) << "subscriber on B stuck at " << sub->position();
  sub->stop();
  EXPECT_EQ(seen->snapshot(), range(1, kTotal)) << "every event exactly once, in position order";
}

TEST_F(PostgresSharedLog, OptimisticConcurrencyHoldsAcrossHosts) {
  constexpr int kPerHost = 25;
  const rh::StreamId stream{"vehicle", "ICE-shared"};
  std::atomic<int> unexpected{0};
  std::mutex mu;
  std::vector<rh::Version> acknowledged;
  std::vector<std::thread> writers;
  for (int host = 0; host < 2; ++host)
    writers.emplace_back([&, host] {
      auto& store = host == 0 ? a_ : b_;
      rh::Version known = 0;
      for (int i = 0; i < kPerHost; ++i) {
        for (int attempt = 0; attempt < 10000; ++attempt) {
          rh::AppendRequest r;
          r.stream = stream;
          r.expected = EV::exact(known);
          r.events.push_back(event("MileageRecorded", {{"host", host}, {"i", i}}));
          auto result = store->append(std::move(r));
          if (result.ok()) {
            std::lock_guard lock(mu);
            acknowledged.push_back(result->first_version);
            known = result->last_version;
            break;
          }
          if (result.error().code != rh::ErrorCode::wrong_expected_version) {
            ++unexpected;
            return;
          }
          auto head = store->read_stream(stream, {.direction = rh::Direction::backward, .max_count = 1});
          known = head.ok() && !head->empty() ? head->front().version : 0;
        }
      }
    });
  for (auto& w : writers) w.join();
  EXPECT_EQ(unexpected.load(), 0);
  std::sort(acknowledged.begin(), acknowledged.end());
  std::vector<rh::Version> expected;
  for (rh::Version v = 1; v <= 2 * kPerHost; ++v) expected.push_back(v);
  EXPECT_EQ(acknowledged, expected) << "each version granted to exactly one writer";
  auto events = b_->read_stream(stream, {});
  ASSERT_TRUE(events.ok()) << events.error().message;
  EXPECT_EQ(versions_of(*events), expected);
}

TEST_F(PostgresSharedLog, CheckpointsAreStoredInPostgres) {
  auto state_a = a_->state_store();
  auto state_b = b_->state_store();
  ASSERT_TRUE(state_a && state_b);
  ASSERT_TRUE(state_a->save("projection", "vehicle-state", {.position = 42, .data = R"({"n":1})", .saved_at = 7}).ok());
  auto loaded = state_b->load("projection", "vehicle-state");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_TRUE(loaded->has_value()) << "a checkpoint written by one host is read by the other";
  EXPECT_EQ((*loaded)->position, 42u);
  EXPECT_EQ((*loaded)->data, R"({"n":1})");
  auto n = state_b->count("projection");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
  ASSERT_TRUE(state_b->clear("projection").ok());
  EXPECT_EQ(*state_a->count("projection"), 0u);
}

#endif

}  // namespace
}  // namespace rh_test
