// Two engines on one store, as two hosts on one PostgreSQL log: each follows what the other
// appended, replica ids stay unique, racing pushes are re-planned, and both end with one state.
#include <thread>

#include <boost/json/parse.hpp>

#include "engine_fixture.hpp"

using namespace sync_test;

namespace {

class TwoEnginesTest : public SyncEngineTest {
 protected:
  // checklist/<id>/timed is settled by timestamp: pushes make settlement writes that race too.
  static rs::SyncConfig config() {
    return rs::SyncConfig::from_json(json::parse(R"({"conflicts": {"checklist": {"timed": "timestamp"}}})").as_object())
        .value();
  }
  void SetUp() override {
    start(config());
    other_ = std::make_unique<rs::SyncEngine>(store_, "acme", config());
    ASSERT_TRUE(other_->load().ok());
  }
  rs::PushOutcome push_on(rs::SyncEngine& e, Tablet& t) {
    auto out = e.push(t.id, t.replica.first_pending(), rs::wire::encode(t.replica.batch()),
                      rh::Principal{"j.smith", "acme", {"writer"}}, &services_);
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    if (!out.ok()) return {};
    t.replica.on_acked(out->acked);
    return *out;
  }
  void pull_on(rs::SyncEngine& e, Tablet& t) {
    auto p = e.pull(t.id, t.replica.cursor(), "j.smith", &services_);
    ASSERT_TRUE(p.ok()) << p.error().message;
    auto cs = rs::wire::decode_change_set(p->changes);
    ASSERT_TRUE(cs.ok());
    t.replica.on_pulled(*cs, p->from, p->cursor, t.clock_ms);
  }
  std::string full_state(rs::SyncEngine& e, const std::string& device) {
    auto p = e.pull(device, 0, "j.smith", &services_);
    return p.ok() ? p->changes : "";
  }
  static std::vector<std::pair<std::string, rs::ReplicaId>> listed(rs::SyncEngine& e) {
    std::vector<std::pair<std::string, rs::ReplicaId>> out;
    for (const auto& d : e.devices()) out.emplace_back(d.id, d.replica);
    return out;
  }
  std::unique_ptr<rs::SyncEngine> other_;
};

TEST_F(TwoEnginesTest, EachEngineFollowsWhatTheOtherAppended) {
  auto a = tablet("tab-a", "Eastfield");  // registered through engine_
  auto b = other_->register_device("tab-b", "tab-b", "Eastfield", "admin");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(a.replica.id(), 2u);
  EXPECT_EQ(b->replica, 3u);  // other_ saw tab-a before allocating
  Tablet tb{"tab-b", rs::protocol::DeviceReplica(b->replica)};
  EXPECT_EQ(listed(*engine_), listed(*other_));

  a.write("checklist/C-1/status", std::string("ok"));
  const std::string first_batch = rs::wire::encode(a.replica.batch());
  push_on(*other_, a);  // a device registered on one host pushes on the other
  tb.write("checklist/C-1/status", std::string("worn"));  // concurrent with a's write
  auto out = push_on(*engine_, tb);
  EXPECT_EQ(out.conflicts, std::vector<std::string>{"checklist/C-1/status"});
  pull_on(*other_, a);
  pull_on(*engine_, tb);
  EXPECT_EQ(values(a, "checklist/C-1/status").size(), 2u);
  EXPECT_EQ(values(tb, "checklist/C-1/status").size(), 2u);
  EXPECT_EQ(full_state(*engine_, "tab-a"), full_state(*other_, "tab-a"));
  EXPECT_EQ(engine_->conflicts("open").size(), 1u);
  EXPECT_EQ(other_->conflicts("open").size(), 1u);

  // resolved on one host, resolved on both; a retried push on the other host is a duplicate
  const rh::Principal person{"s.jones", "acme", {"writer"}};
  ASSERT_TRUE(other_->resolve("checklist/C-1/status", std::string("ok"), person, &services_).ok());
  EXPECT_TRUE(engine_->conflicts("open").empty());
  EXPECT_EQ(engine_->conflicts("resolved").size(), 1u);
  auto again = engine_->push("tab-a", 1, first_batch, person, &services_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->applied);
  EXPECT_EQ(again->acked, 1u);
  // revoked on one host: refused on the other
  ASSERT_TRUE(engine_->revoke_device("tab-b", "admin").ok());
  tb.write("checklist/C-1/status", std::string("late"));
  auto refused = other_->push("tab-b", tb.replica.first_pending(), rs::wire::encode(tb.replica.batch()),
                              rh::Principal{"j", "acme", {"writer"}}, &services_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, rh::ErrorCode::forbidden);
  // sessions of both hosts are listed on each
  EXPECT_EQ(engine_->sessions(100).size(), other_->sessions(100).size());
}

TEST_F(TwoEnginesTest, ARestartedEngineLoadsWhatBothWrote) {
  auto a = tablet("tab-a", "Eastfield");
  a.write("checklist/C-2/x", std::int64_t{1});
  push_on(*other_, a);
  a.write("checklist/C-2/y", std::int64_t{2});
  push_on(*engine_, a);
  rs::SyncEngine fresh(store_, "acme", rs::SyncConfig{});
  ASSERT_TRUE(fresh.load().ok());
  EXPECT_EQ(full_state(fresh, "tab-a"), full_state(*other_, "tab-a"));
  EXPECT_EQ(listed(fresh), listed(*other_));
  auto c = fresh.register_device("tab-c", "tab-c", "", "admin");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->replica, 3u);
  EXPECT_EQ(other_->register_device("tab-c", "x", "", "admin").error().code, rh::ErrorCode::wrong_expected_version);
}

TEST_F(TwoEnginesTest, AStoreFromBeforeReplicaAllocationLoadsAndContinuesItsIds) {
  // Devices registered the old way: only sync-device/<id> events.
  for (int i = 0; i < 2; ++i) {
    rh::NewEvent ev;
    ev.type = "SyncDeviceRegistered";
    ev.payload = json::object{{"replica_id", 2 + i}, {"name", "old"}, {"depot", ""}};
    ev.metadata.actor = "admin";
    rh::AppendRequest req{{"sync-device", "old-" + std::to_string(i)}, rh::ExpectedVersion::no_stream(), {}, "acme"};
    req.events.push_back(std::move(ev));
    ASSERT_TRUE(store_->append(std::move(req)).ok());
  }
  rs::SyncEngine fresh(store_, "acme", rs::SyncConfig{});
  ASSERT_TRUE(fresh.load().ok());
  EXPECT_EQ(listed(fresh), (std::vector<std::pair<std::string, rs::ReplicaId>>{{"old-0", 2}, {"old-1", 3}}));
  EXPECT_EQ(fresh.register_device("new", "new", "", "admin")->replica, 4u);
  EXPECT_EQ(engine_->register_device("newer", "newer", "", "admin")->replica, 5u);  // engine_ loaded before them all
}

TEST_F(TwoEnginesTest, ConcurrentPushesThroughBothEnginesLoseAndDoubleNothing) {
  constexpr int kTablets = 4, kRounds = 30;
  std::vector<Tablet> tablets;
  for (int i = 0; i < kTablets; ++i) tablets.push_back(tablet("tab-" + std::to_string(i), ""));
  std::vector<std::thread> threads;
  for (int i = 0; i < kTablets; ++i)
    threads.emplace_back([&, i] {
      Tablet& t = tablets[static_cast<std::size_t>(i)];
      for (int r = 0; r < kRounds; ++r) {
        rs::SyncEngine& e = (i + r) % 2 ? *other_ : *engine_;
        t.write("checklist/T" + std::to_string(i) + "/r" + std::to_string(r), std::int64_t{r});
        t.write("checklist/shared/status", t.id + "-" + std::to_string(r));
        t.write("checklist/shared/timed", t.id + "-" + std::to_string(r));
        push_on(e, t);
        pull_on(e, t);
      }
    });
  for (auto& t : threads) t.join();
  for (auto& t : tablets) {
    EXPECT_EQ(t.replica.first_pending(), 0u) << t.id;  // every op acknowledged
    pull_on(*engine_, t);
  }
  const std::string state = full_state(*engine_, "tab-0");
  EXPECT_EQ(state, full_state(*other_, "tab-0"));
  for (auto& t : tablets) {
    for (int i = 0; i < kTablets; ++i)
      for (int r = 0; r < kRounds; ++r)
        EXPECT_EQ(values(t, "checklist/T" + std::to_string(i) + "/r" + std::to_string(r)),
                  std::vector<std::string>{std::to_string(r)});
    EXPECT_EQ(t.replica.state().get("checklist/shared/status")->size(),
              tablets[0].replica.state().get("checklist/shared/status")->size());
    // every concurrent value of the timestamp field was settled once: one value, the same everywhere
    EXPECT_EQ(values(t, "checklist/shared/timed"), values(tablets[0], "checklist/shared/timed"));
    EXPECT_EQ(values(t, "checklist/shared/timed").size(), 1u);
  }
  // Each device batch is in the log once, in acknowledgement order.
  std::map<std::string, std::uint64_t> acked;
  auto log = store_->read_stream({"sync-log", "acme#changes"}, {});
  ASSERT_TRUE(log.ok());
  for (const auto& e : *log) {
    const auto p = e.payload_json().as_object();
    const std::string device(p.at("device_id").as_string());
    if (device == "server") continue;
    EXPECT_GT(p.at("acked").to_number<std::uint64_t>(), acked[device]) << device;
    acked[device] = p.at("acked").to_number<std::uint64_t>();
  }
  for (auto& t : tablets) EXPECT_EQ(acked[t.id], 3u * kRounds);
}

TEST_F(TwoEnginesTest, BothMirrorsWriteAFleetChangeOnce) {
  ASSERT_TRUE(engine_->start_mirror(services_).ok());
  ASSERT_TRUE(other_->start_mirror(services_).ok());
  vehicle("EMU-9", "Eastfield");
  ASSERT_TRUE(other_->catch_up().ok());
  ASSERT_TRUE(engine_->catch_up().ok());
  fleet("transfer-vehicle", "EMU-9", {{"to_depot", "Westfield"}});
  ASSERT_TRUE(engine_->catch_up().ok());
  ASSERT_TRUE(other_->catch_up().ok());
  auto log = store_->read_stream({"sync-log", "acme#changes"}, {});
  ASSERT_TRUE(log.ok());
  int depot_writes = 0;
  for (const auto& e : *log) {
    const json::value payload = e.payload_json();
    if (const auto* actors = payload.as_object().if_contains("actors"))
      depot_writes += actors->as_object().contains("vehicle/EMU-9/depot");
  }
  EXPECT_EQ(depot_writes, 2);  // registered, transferred: once each
  tablet("watch", "");
  EXPECT_EQ(full_state(*engine_, "watch"), full_state(*other_, "watch"));
  EXPECT_NE(full_state(*engine_, "watch"), "");
}

}  // namespace
