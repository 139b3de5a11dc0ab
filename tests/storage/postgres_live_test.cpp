// storage-postgres specific: subscriptions on one host wake for commits made on another through
// LISTEN/NOTIFY, with polling as the fallback. Store A and store B on one schema stand in for two
// hosts. None of this measures time: B's poll interval is set to ten minutes where a delivery must
// come from the push path, and the LISTEN connection is killed (pg_terminate_backend) and kept
// from reconnecting (ALLOW_CONNECTIONS false) where it must come from polling.
#include <thread>

#include "postgres_test_support.hpp"

namespace rh_test {
namespace {

#if ROUNDHOUSE_CONFORMANCE_HAVE_POSTGRES

using namespace std::chrono_literals;

constexpr auto kNeverPolls = std::chrono::minutes(10);  // longer than any wait in these tests

class PostgresLive : public PostgresStoresTest {
 protected:
  void SetUp() override {
    PostgresStoresTest::SetUp();
    if (IsSkipped()) return;
    admin_ = std::make_unique<AdminSession>(base_uri_);
    ASSERT_TRUE(admin_->ok()) << admin_->error();
    // ALTER DATABASE ... ALLOW_CONNECTIONS is refused from inside the database it changes.
    const auto db = base_uri_.rfind('/');
    outside_ = std::make_unique<AdminSession>(base_uri_.substr(0, db) + "/postgres");
    ASSERT_TRUE(outside_->ok()) << outside_->error();
    ASSERT_TRUE(a_ = open_store());  // only appends: a store listens once something subscribes
  }
  void TearDown() override {
    if (sub_) sub_->stop();
    if (outside_ && outside_->ok()) allow_connections(true);  // whatever the test did
    PostgresStoresTest::TearDown();
  }

  // B: the host whose subscriber we watch, polling as configured. Returns once B listens and its
  // subscriber has caught up on the empty log: from then on only a wake-up or a poll delivers.
  void start_b(std::chrono::milliseconds poll) {
    rh::LogStoreOptions o;
    o.poll_interval = poll;
    ASSERT_TRUE(b_ = open_store(o));
    sub_ = watch_positions(*b_, seen_);
    ASSERT_TRUE(eventually([&] { return listeners().size() == 1; })) << "B's LISTEN connection";
    ASSERT_TRUE(eventually([&] { return sub_->state() == rh::Subscription::State::live; }));
  }

  rh::Position append_through_a(int n = 1) {
    rh::AppendRequest r;
    r.stream = {"vehicle", "ICE-live"};
    r.expected = rh::ExpectedVersion::any();
    for (int i = 0; i < n; ++i) r.events.push_back(event("Tick", {{"i", i}}));
    auto result = a_->append(std::move(r));
    EXPECT_TRUE(result.ok()) << result.error().message;
    return result.ok() ? result->positions.back() : 0;
  }

  // Backend pids of the sessions LISTENing for this test's log — B's feed, as only B subscribes (the feed's last statement
  // starts with its LISTEN).
  std::vector<std::string> listeners() {
    auto pids = admin_->column("SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN \"roundhouse_log:" +
                               schema_ + "\"%' ORDER BY pid");
    EXPECT_TRUE(pids.has_value()) << admin_->error();
    return pids.value_or(std::vector<std::string>{});
  }

  // Waits (bounded) until `done()`; false if it never was.
  template <class Done>
  static bool eventually(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    return done();
  }
  // Terminates B's LISTEN connection and waits until the server has let it go.
  bool kill_listener() {
    const auto pids = listeners();
    if (pids.size() != 1) return false;
    auto killed = admin_->column("SELECT pg_terminate_backend(" + pids[0] + ")");
    return killed && killed->size() == 1 && killed->front() == "t" &&
           eventually([&] { return listeners() != pids; });
  }
  // New connections to the test database refused (existing ones live on), or allowed again.
  void allow_connections(bool allow) {
    auto done = outside_->column(std::string("ALTER DATABASE rh_test ALLOW_CONNECTIONS ") + (allow ? "true" : "false"));
    ASSERT_TRUE(done.has_value()) << outside_->error();
  }

  std::unique_ptr<AdminSession> admin_;    // in the test database
  std::unique_ptr<AdminSession> outside_;  // in the "postgres" database
  std::shared_ptr<rh::EventStore> a_;
  std::shared_ptr<rh::EventStore> b_;
  std::shared_ptr<SeenPositions> seen_ = std::make_shared<SeenPositions>();
  std::unique_ptr<rh::Subscription> sub_;
};

TEST_F(PostgresLive, CommitsOnOneHostWakeSubscribersOnAnotherWithoutPolling) {
  ASSERT_NO_FATAL_FAILURE(start_b(kNeverPolls));
  for (int i = 0; i < 3; ++i) {
    const rh::Position p = append_through_a(2);
    ASSERT_TRUE(sub_->wait_for(p, 20s)) << "B's subscriber was not woken for position " << p;
  }
  EXPECT_EQ(seen_->snapshot(), range(1, 6)) << "every event exactly once, in position order";
  EXPECT_EQ(listeners().size(), 1u) << "one LISTEN connection, B's: A has no subscribers";
}

TEST_F(PostgresLive, KilledListenerReconnectsAndReportsWhatItMissed) {
  ASSERT_NO_FATAL_FAILURE(start_b(kNeverPolls));
  ASSERT_TRUE(sub_->wait_for(append_through_a(), 20s));

  // Down while A commits: the NOTIFY reaches nobody on B.
  allow_connections(false);
  ASSERT_TRUE(kill_listener());
  const rh::Position missed = append_through_a();
  ASSERT_TRUE(listeners().empty()) << "the listener must not be back yet";

  // Back: the feed reports the head it finds, so B delivers the missed commit...
  allow_connections(true);
  ASSERT_TRUE(sub_->wait_for(missed, 20s)) << "the commit made while B's listener was away";
  // ...and listens again for the next ones.
  ASSERT_TRUE(eventually([&] { return listeners().size() == 1; }));
  ASSERT_TRUE(sub_->wait_for(append_through_a(), 20s));
  EXPECT_EQ(seen_->snapshot(), range(1, 3));
  EXPECT_NE(sub_->state(), rh::Subscription::State::failed);
}

TEST_F(PostgresLive, PollingDeliversWhileTheListenerIsDown) {
  ASSERT_NO_FATAL_FAILURE(start_b(50ms));

  allow_connections(false);
  ASSERT_TRUE(kill_listener());
  const rh::Position p = append_through_a(3);
  ASSERT_TRUE(sub_->wait_for(p, 20s)) << "polling must deliver while the listener is down";
  EXPECT_TRUE(listeners().empty()) << "so it was the polling, not the listener";
  EXPECT_EQ(seen_->snapshot(), range(1, 3));

  allow_connections(true);
  EXPECT_TRUE(eventually([&] { return listeners().size() == 1; })) << "the listener comes back";
}

TEST_F(PostgresLive, NotificationsAreOnlyHintsNeverEvents) {
  // A notification that names positions nobody committed (a foreign or stale sender) wakes B's
  // subscriber, which reads and finds nothing: nothing is delivered, nothing is skipped.
  ASSERT_NO_FATAL_FAILURE(start_b(kNeverPolls));
  for (const char* payload : {"5", "not-a-position", ""})
    ASSERT_TRUE(admin_->column(std::string("NOTIFY \"roundhouse_log:") + schema_ + "\", '" + payload + "'"));
  ASSERT_TRUE(sub_->wait_for(append_through_a(), 20s));
  ASSERT_TRUE(sub_->wait_for(append_through_a(), 20s));
  EXPECT_EQ(seen_->snapshot(), range(1, 2));
  EXPECT_EQ(sub_->position(), 2u);
}

#endif

}  // namespace
}  // namespace rh_test
