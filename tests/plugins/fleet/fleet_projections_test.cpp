// The fleet's built-in projections over the command path, and their rebuild.
#include "fleet_fixture.hpp"

#include "json_access.hpp"
#include "projections.hpp"
#include "roundhouse/projections/projection_engine.hpp"

using namespace std::chrono_literals;

class FleetProjectionTest : public FleetTest {
 protected:
  void start_engine() {
    engine_ = std::make_unique<rh::ProjectionEngine>(store_);
    for (const auto& e : registry_.projections.list()) ASSERT_TRUE(engine_->add(e.value).ok());
  }
  json::value query(const std::string& name, json::object params = {}) {
    ASSERT_TRUE_OR(engine_->wait_until(store_->head_position().value(), 5s));
    auto r = engine_->query(name, "acme", params);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : json::value{};
  }
  static void ASSERT_TRUE_OR(bool ok) { EXPECT_TRUE(ok) << "projections did not catch up"; }
  std::unique_ptr<rh::ProjectionEngine> engine_;
};

TEST_F(FleetProjectionTest, StatusBoardCountsVehiclesPerDepotAndStatus) {
  register_vehicle("V1", "Hamm");
  register_vehicle("V2", "Hamm");
  register_vehicle("V3", "Koeln");
  start_engine();
  must("change-vehicle-status", "V2", {{"status", "under_maintenance"}});
  must("retire-vehicle", "V3", {{"reason", "scrapped"}});
  auto board = query("fleet-status-board").as_object();
  EXPECT_EQ(board.at("fleet_size").as_int64(), 2);
  EXPECT_EQ(board.at("depots").at("Hamm").at("under_maintenance").as_int64(), 1);
  EXPECT_EQ(board.at("not_in_service").as_array().size(), 1u);
  EXPECT_DOUBLE_EQ(board.at("availability").as_double(), 0.5);
}

TEST_F(FleetProjectionTest, VehicleStateTracksOpenFailuresAndWorkOrders) {
  register_vehicle("V1");
  start_engine();
  auto f = run("report-failure", "", {{"vehicle_id", "V1"}, {"system", "hvac"}, {"severity", "minor"}, {"service_affecting", false}});
  const auto wo = open_work_order("V1");
  auto v = query("vehicle-state", {{"id", "V1"}}).as_object();
  EXPECT_EQ(v.at("open_failures").as_int64(), 1);
  EXPECT_EQ(v.at("open_work_orders").as_int64(), 1);
  must("start-work-order", wo, {});
  must("complete-work-order", wo, {});
  must("close-failure", f->id, {{"resolution", "reset"}});
  v = query("vehicle-state", {{"id", "V1"}}).as_object();
  EXPECT_EQ(v.at("open_failures").as_int64(), 0);
  EXPECT_EQ(v.at("open_work_orders").as_int64(), 0);
  EXPECT_FALSE(v.at("last_maintenance_at").is_null());
  EXPECT_FALSE(engine_->query("vehicle-state", "acme", {{"bogus", "1"}}).ok()) << "unknown query parameters are refused";
}

TEST_F(FleetProjectionTest, BacklogAndInventoryLevels) {
  register_vehicle("V1");
  must("define-part", "", {{"part_number", "PAD"}, {"description", "Brake pad"}, {"unit_cost", 10.0}, {"reorder_point", 5}});
  must("receive-stock", "PAD", {{"quantity", 8}});
  const auto a = open_work_order("V1");
  open_work_order("V1");
  must("start-work-order", a, {});
  must("consume-parts", a, {{"part_number", "PAD"}, {"quantity", 4}});
  start_engine();
  auto backlog = query("work-orders", {{"status", "open"}, {"as_of", "2027-01-01T00:00:00Z"}}).as_object();
  EXPECT_EQ(backlog.at("backlog").at("open").as_int64(), 2);
  EXPECT_EQ(backlog.at("backlog").at("overdue").as_int64(), 2) << "due 2026-12-01, asked as of 2027";
  auto inv = query("inventory-levels", {{"part_number", "PAD"}}).as_object();
  const auto& pad = inv.at("parts").as_array()[0].as_object();
  EXPECT_EQ(pad.at("on_hand").as_int64(), 4);
  EXPECT_TRUE(pad.at("below_reorder_point").as_bool());
  EXPECT_DOUBLE_EQ(pad.at("value_on_hand").as_double(), 40.0);
}

TEST_F(FleetProjectionTest, RebuildGivesTheSameAnswer) {
  for (int i = 0; i < 20; ++i) register_vehicle("V" + std::to_string(i), i % 2 ? "Hamm" : "Koeln");
  start_engine();
  const auto before = json::serialize(query("fleet-status-board"));
  ASSERT_TRUE(engine_->rebuild("fleet-status-board").ok());
  for (int i = 0; i < 200 && engine_->status("fleet-status-board").value().rebuilding; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(json::serialize(query("fleet-status-board")), before);
}

// One thread applying thousands of events (a replay or a rebuild) must keep a bounded per-event
// cost: the payload parser's arena is recycled for every event, never grown without limit.
TEST_F(FleetProjectionTest, OneThreadReplaysThousandsOfEventsIntoEveryProjection) {
  for (int i = 0; i < 400; ++i) {
    const std::string id = "V" + std::to_string(i);
    register_vehicle(id, i % 2 ? "Hamm" : "Koeln");
    must("record-meters", id, {{"odometer_km", 1000.0 + i}});
    must("change-vehicle-status", id, {{"status", "standby"}});
  }
  auto events = store_->read_all(rh::ReadAllOptions{}).value();
  ASSERT_GE(events.size(), 1200u);
  for (const auto& factory : rh::fleet::projection_factories()) {
    auto projection = factory();
    for (const auto& e : events)
      if (projection->filter().matches(e)) ASSERT_TRUE(projection->apply(e).ok()) << projection->name() << " at " << e.position;
  }
  start_engine();
  auto board = query("fleet-status-board").as_object();
  EXPECT_EQ(board.at("fleet_size").as_int64(), 400);
  EXPECT_EQ(board.at("depots").at("Hamm").at("standby").as_int64(), 200);
}
