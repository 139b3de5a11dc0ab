// The fleet mirror (server -> device): vehicles and work orders created or changed through fleet
// commands reach the tablets whose depot they belong to, once per change and across a restart; a
// device's own command is not echoed back as a conflict; an offline edit concurrent with a fleet
// change goes through the field's strategy with the fleet change's author in the provenance.
#include <boost/json/parse.hpp>

#include "engine_fixture.hpp"

using namespace sync_test;

namespace {

class FleetMirrorTest : public SyncEngineTest {
 protected:
  void SetUp() override {
    SyncEngineTest::SetUp();
    vehicle("EMU-E", "Eastfield");
    vehicle("EMU-W", "Westfield");
    work_order("WO-E", "EMU-E");
    work_order("WO-W", "EMU-W");
    ASSERT_TRUE(engine_->start_mirror(services_).ok());
  }
  // The engine as a restarted host builds it: replayed from the log, its mirror resumed.
  void restart(rs::SyncConfig config = {}) {
    engine_ = std::make_unique<rs::SyncEngine>(store_, "acme", std::move(config));
    ASSERT_TRUE(engine_->load().ok());
    ASSERT_TRUE(engine_->start_mirror(services_).ok());
  }
  std::uint64_t pull_ops(Tablet& t) {
    EXPECT_TRUE(engine_->catch_up().ok());
    auto p = engine_->pull(t.id, t.replica.cursor(), "j.smith", &services_);
    EXPECT_TRUE(p.ok()) << p.error().message;
    if (!p.ok()) return 0;
    auto cs = rs::wire::decode_change_set(p->changes);
    EXPECT_TRUE(cs.ok());
    t.replica.on_pulled(*cs, p->from, p->cursor, t.clock_ms);
    return p->ops_out;
  }
  std::size_t log_length() { return events("sync-log", kLogId).size(); }
};

}  // namespace

TEST_F(FleetMirrorTest, FleetChangesReachTheTabletsOfTheirDepotOnce) {
  auto east = tablet("tab-east", "Eastfield");
  auto west = tablet("tab-west", "Westfield");
  auto boss = tablet("tab-boss", "", "supervisor");
  EXPECT_GT(pull_ops(east), 0u);
  EXPECT_EQ(values(east, "work_order/WO-E/status"), std::vector<std::string>{"\"created\""});
  EXPECT_EQ(values(east, "work_order/WO-E/vehicle_id"), std::vector<std::string>{"\"EMU-E\""});
  EXPECT_EQ(values(east, "vehicle/EMU-E/depot"), std::vector<std::string>{"\"Eastfield\""});
  EXPECT_TRUE(values(east, "work_order/WO-W/status").empty());
  EXPECT_TRUE(values(east, "vehicle/EMU-W/depot").empty());
  pull_ops(west);
  EXPECT_EQ(values(west, "work_order/WO-W/priority"), std::vector<std::string>{"\"high\""});
  EXPECT_TRUE(values(west, "work_order/WO-E/status").empty());
  pull_ops(boss);
  EXPECT_FALSE(values(boss, "work_order/WO-W/status").empty());
  EXPECT_FALSE(values(boss, "work_order/WO-E/status").empty());
  // Arrays are not mirrored (the parts list); scalars are, with their JSON types.
  EXPECT_TRUE(values(east, "work_order/WO-E/parts").empty());
  EXPECT_EQ(values(east, "vehicle/EMU-E/retired"), std::vector<std::string>{"false"});

  // A planner's change reaches the tablet as exactly the fields it changed.
  fleet("assign-work-order", "WO-E", {{"technician", "j.smith"}});
  EXPECT_EQ(pull_ops(east), 2u);  // technician, status
  EXPECT_EQ(values(east, "work_order/WO-E/status"), std::vector<std::string>{"\"assigned\""});
  EXPECT_EQ(values(east, "work_order/WO-E/technician"), std::vector<std::string>{"\"j.smith\""});
  EXPECT_EQ(pull_ops(east), 0u);
  EXPECT_EQ(pull_ops(west), 0u);  // another depot's change: nothing

  // A restart mirrors nothing twice; a change made while the host was down arrives once.
  const std::size_t before = log_length();
  restart();
  EXPECT_EQ(pull_ops(east), 0u);
  EXPECT_EQ(log_length(), before);
  engine_->stop_mirror();
  fleet("transfer-vehicle", "EMU-W", {{"to_depot", "Eastfield"}});
  restart();
  EXPECT_GT(pull_ops(east), 0u);
  EXPECT_EQ(values(east, "vehicle/EMU-W/depot"), std::vector<std::string>{"\"Eastfield\""});
  EXPECT_EQ(log_length(), before + 1);
  restart();
  EXPECT_EQ(pull_ops(east), 0u);
  EXPECT_EQ(log_length(), before + 1);
}

TEST_F(FleetMirrorTest, ADevicesOwnCommandIsNotEchoedBack) {
  auto east = tablet("tab-east", "Eastfield");
  pull_ops(east);
  east.write("work_order/WO-E/status", std::string("completed"));  // compacted: started, then completed
  auto out = push(east);
  ASSERT_TRUE(out.refused.empty()) << out.refused.front().reason;
  pull_ops(east);
  // Still the device's own value (no server copy of it, no conflict), plus what the fleet derived.
  const auto* reg = east.replica.state().get("work_order/WO-E/status");
  ASSERT_TRUE(reg && reg->size() == 1);
  EXPECT_EQ(reg->begin()->first.replica, east.replica.id());
  EXPECT_EQ(values(east, "work_order/WO-E/completed_at").size(), 1u);
  EXPECT_EQ(values(east, "work_order/WO-E/started_at").size(), 1u);
  EXPECT_TRUE(engine_->conflicts("all").empty());
}

TEST_F(FleetMirrorTest, AnOfflineEditConcurrentWithAFleetChangeGoesThroughTheStrategy) {
  auto east = tablet("tab-east", "Eastfield");
  pull_ops(east);
  east.write("work_order/WO-E/status", std::string("in_progress"));  // offline
  fleet("cancel-work-order", "WO-E", {{"reason", "duplicate"}});     // meanwhile, over HTTP
  ASSERT_TRUE(engine_->catch_up().ok());
  auto out = push(east);
  // status: version -> the stale start is refused (409) and the device gets "cancelled" back.
  ASSERT_EQ(out.refused.size(), 1u);
  EXPECT_EQ(out.refused[0].key, "work_order/WO-E/status");
  EXPECT_EQ(out.refused[0].status, 409);
  EXPECT_EQ(state("workorder", "WO-E").at("status"), "cancelled");
  pull_ops(east);
  EXPECT_EQ(values(east, "work_order/WO-E/status"), std::vector<std::string>{"\"cancelled\""});
  auto resolved = engine_->conflicts("resolved");
  ASSERT_EQ(resolved.size(), 1u);
  bool planner_listed = false;
  for (const auto& v : resolved[0].at("values").as_array())
    if (v.at("device_id") == "server")
      planner_listed = v.as_object().contains("actor") && v.at("actor") == "planner" && v.at("source") == "fleet";
  EXPECT_TRUE(planner_listed) << json::serialize(resolved);
}

TEST_F(FleetMirrorTest, ManualStrategyListsTheFleetChangeWithItsAuthor) {
  auto config = rs::SyncConfig::from_json(json::parse(R"({"conflicts": {"work_order": {"technician": "manual"}}})").as_object());
  ASSERT_TRUE(config.ok());
  restart(*config);
  auto boss = tablet("tab-boss", "Eastfield", "supervisor");
  pull_ops(boss);
  boss.write("work_order/WO-E/technician", std::string("j.smith"));  // offline
  fleet("assign-work-order", "WO-E", {{"technician", "a.khan"}});    // meanwhile, over HTTP
  ASSERT_TRUE(engine_->catch_up().ok());
  auto out = push(boss, "s.lead", {"writer", "supervisor"});
  EXPECT_TRUE(out.refused.empty());
  EXPECT_EQ(out.conflicts, std::vector<std::string>{"work_order/WO-E/technician"});
  auto open = engine_->conflicts("open");
  ASSERT_EQ(open.size(), 1u);
  std::map<std::string, std::string> by;  // device -> value, with the fleet change's author
  for (const auto& v : open[0].at("values").as_array()) {
    const auto& o = v.as_object();
    by[std::string(o.at("device_id").as_string())] = json::serialize(o.at("value"));
    if (o.at("device_id") == "server") {
      EXPECT_EQ(o.at("actor"), "planner");
      EXPECT_EQ(o.at("source"), "fleet");
    }
  }
  EXPECT_EQ(by, (std::map<std::string, std::string>{{"server", "\"a.khan\""}, {"tab-boss", "\"j.smith\""}}));
  // Both values reach the tablet until a person resolves it; the resolution is not mirrored back.
  pull_ops(boss);
  EXPECT_EQ(values(boss, "work_order/WO-E/technician").size(), 2u);
  ASSERT_TRUE(engine_->resolve("work_order/WO-E/technician", std::string("j.smith"), rh::Principal{"lead", "acme", {"writer"}},
                               &services_).ok());
  const std::size_t log = log_length();
  pull_ops(boss);
  EXPECT_EQ(values(boss, "work_order/WO-E/technician"), std::vector<std::string>{"\"j.smith\""});
  EXPECT_EQ(log_length(), log);
}
