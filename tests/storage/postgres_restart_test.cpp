// storage-postgres specific: the PostgreSQL cluster restarts while the stores are in use (the
// with-postgres control command, fast shutdown). Appends and reads in flight may fail, but only
// as error values; every append that was acknowledged is stored afterwards, positions stay
// gap-free and the chain intact; later operations reconnect by themselves, and a subscription
// carries on across the restart, seeing every event exactly once, in order.
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "postgres_test_support.hpp"

namespace rh_test {
namespace {

#if ROUNDHOUSE_CONFORMANCE_HAVE_POSTGRES

using namespace std::chrono_literals;

class PostgresRestart : public PostgresStoresTest {
 protected:
  void SetUp() override {
    if (!std::getenv("ROUNDHOUSE_TEST_POSTGRES_CTL"))
      GTEST_SKIP() << "needs a server it may restart: run under tests/storage/with-postgres";
    PostgresStoresTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_TRUE((a_ = open_store()) && (b_ = open_store()));
  }

  rh::AppendRequest tick(const std::string& stream, rh::Uuid id = rh::Uuid::generate_v7()) {
    rh::AppendRequest r;
    r.stream = {"vehicle", stream};
    r.expected = rh::ExpectedVersion::any();
    r.events.push_back(event("Tick", {}, id));
    return r;
  }

  std::shared_ptr<rh::EventStore> a_, b_;
};

TEST_F(PostgresRestart, AcknowledgedAppendsSurviveARestartAndTheSubscriptionCarriesOn) {
  auto seen = std::make_shared<SeenPositions>();
  auto sub = watch_positions(*b_, seen);

  constexpr int kWritersPerStore = 2;
  std::atomic<bool> stop{false};
  std::atomic<bool> restarted{false};
  std::mutex mu;
  std::map<rh::Uuid, rh::Position> acknowledged;  // event id -> position the store answered
  std::vector<rh::Error> failures;
  std::vector<int> after_restart(2 * kWritersPerStore, 0);
  std::atomic<int> total{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2 * kWritersPerStore; ++w)
    writers.emplace_back([&, w] {
      auto& store = w % 2 == 0 ? a_ : b_;
      while (!stop) {
        const rh::Uuid id = rh::Uuid::generate_v7();
        auto result = store->append(tick("W" + std::to_string(w), id));
        std::unique_lock lock(mu);
        if (result.ok()) {
          acknowledged[id] = result->positions.at(0);
          ++total;
          if (restarted) ++after_restart[w];
        } else {
          failures.push_back(result.error());
          lock.unlock();
          std::this_thread::sleep_for(5ms);  // a client pausing before it tries again
        }
      }
    });
  auto wait_until = [](auto done, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    return done();
  };

  const bool warmed = wait_until([&] { return total >= 200; }, 60s);
  const bool ctl_ok = postgres_ctl("restart");
  restarted = true;
  const bool resumed = wait_until(
      [&] {
        std::lock_guard lock(mu);
        return std::all_of(after_restart.begin(), after_restart.end(), [](int n) { return n >= 20; });
      },
      60s);
  stop = true;
  for (auto& w : writers) w.join();
  ASSERT_TRUE(warmed) << "writers did not get going before the restart";
  ASSERT_TRUE(ctl_ok) << "the cluster did not restart";
  EXPECT_TRUE(resumed) << "every writer appends again after the restart";

  RecordProperty("appends_failed_in_flight", static_cast<int>(failures.size()));
  for (const auto& e : failures) {  // in flight during the restart: a clear value, nothing else
    EXPECT_TRUE(e.code == rh::ErrorCode::unavailable || e.code == rh::ErrorCode::io_error)
        << rh::to_string(e.code) << ": " << e.message;
    EXPECT_NE(e.message.find("PostgreSQL store"), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find('\n'), std::string::npos) << e.message;
  }

  auto head = a_->head_position();
  ASSERT_TRUE(head.ok()) << head.error().message;
  auto all = a_->read_all(rh::ReadAllOptions{});
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(positions_of(*all), range(1, *head)) << "positions gap-free across the restart";
  std::map<rh::Uuid, rh::Position> stored;
  for (const auto& e : *all) stored[e.id] = e.position;
  std::size_t lost = 0;
  for (const auto& [id, position] : acknowledged) {
    auto it = stored.find(id);
    if (it == stored.end() || it->second != position) ++lost;
  }
  EXPECT_EQ(lost, 0u) << "of " << acknowledged.size() << " acknowledged appends";
  auto report = b_->verify_chain();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->ok) << report->reason;
  EXPECT_EQ(report->events_checked, *head);

  ASSERT_TRUE(sub->wait_for(*head, 30s)) << "subscriber stuck at " << sub->position() << " of " << *head
                                         << (sub->error() ? ": " + sub->error()->message : "");
  sub->stop();
  EXPECT_EQ(seen->snapshot(), range(1, *head)) << "every event exactly once, in position order";
}

TEST_F(PostgresRestart, IdleConnectionsReconnectOnTheirNextUse) {
  // Warm every connection kind: writer, reader pool, state store, and a live subscription.
  ASSERT_TRUE(a_->append(tick("idle")).ok());
  ASSERT_TRUE(a_->read_all(rh::ReadAllOptions{}).ok());
  auto states = a_->state_store();
  ASSERT_TRUE(states->save("projection", "p", {.position = 1, .data = "{}", .saved_at = 1}).ok());
  auto seen = std::make_shared<SeenPositions>();
  auto sub = watch_positions(*b_, seen);
  ASSERT_TRUE(sub->wait_for(1, 20s));

  ASSERT_TRUE(postgres_ctl("restart"));

  // The first use after the restart succeeds: nothing was in flight, so nothing needs to fail.
  auto appended = a_->append(tick("idle"));
  ASSERT_TRUE(appended.ok()) << appended.error().message;
  EXPECT_EQ(appended->positions, std::vector<rh::Position>{2});
  auto all = a_->read_all(rh::ReadAllOptions{});
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(positions_of(*all), range(1, 2));
  auto loaded = states->load("projection", "p");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->position, 1u);

  ASSERT_TRUE(sub->wait_for(2, 30s)) << "subscriber stuck at " << sub->position();
  EXPECT_NE(sub->state(), rh::Subscription::State::failed);
  sub->stop();
  EXPECT_EQ(seen->snapshot(), range(1, 2));
}

#endif

}  // namespace
}  // namespace rh_test
