// Fleet commands: invariants, refusals with clear errors, schema validation with the failing
// path, upcasting of stored v1 events, snapshots as a pure cache.
#include "fleet_fixture.hpp"

#include "json_access.hpp"

using rh::ErrorCode;

TEST_F(FleetTest, RegistersAVehicleAndRefusesASecondRegistration) {
  register_vehicle("ICE-4711");
  auto again = run("register-vehicle", "", {{"number", "ICE-4711"}, {"vehicle_type", "coach"}, {"depot", "X"},
                                            {"commissioned_on", "2020-01-01"}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::rule_violation);
  EXPECT_NE(again.error().message.find("already exists"), std::string::npos);
}

TEST_F(FleetTest, SchemaViolationNamesTheFailingPath) {
  auto r = run("register-vehicle", "", {{"number", "V1"}, {"vehicle_type", "spaceship"}, {"depot", "Hamm"},
                                        {"commissioned_on", "2020-01-01"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::schema_violation);
  EXPECT_EQ(r.error().message.rfind("/vehicle_type", 0), 0u) << r.error().message;
  auto extra = run("register-vehicle", "", {{"number", "V2"}, {"vehicle_type", "coach"}, {"depot", "Hamm"},
                                            {"commissioned_on", "2020-01-01"}, {"colour", "red"}});
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.error().code, ErrorCode::schema_violation);
  auto head = store_->head_position().value();
  EXPECT_EQ(head, 0u) << "nothing is stored on a refused command";
}

TEST_F(FleetTest, StatusTransitionsAndRetirement) {
  register_vehicle("V1");
  auto s = must("change-vehicle-status", "V1", {{"status", "under_maintenance"}, {"reason", "doors"}});
  EXPECT_EQ(rh::fleet::str(s, "status"), "under_maintenance");
  auto same = run("change-vehicle-status", "V1", {{"status", "under_maintenance"}});
  EXPECT_EQ(same.error().code, ErrorCode::rule_violation);
  must("retire-vehicle", "V1", {{"reason", "end of life"}});
  auto after = run("change-vehicle-status", "V1", {{"status", "in_service"}});
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.error().message.find("retired"), std::string::npos);
  EXPECT_EQ(run("transfer-vehicle", "NOPE", {{"to_depot", "X"}}).error().code, ErrorCode::not_found);
}

TEST_F(FleetTest, MeterReadingsNeverGoBackwards) {
  register_vehicle("V1");
  must("record-meters", "V1", {{"odometer_km", 1000.5}, {"engine_hours", 20}});
  auto back = run("record-meters", "V1", {{"odometer_km", 900}});
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().code, ErrorCode::rule_violation);
  auto neg = run("record-meters", "V1", {{"odometer_km", -5}});
  EXPECT_EQ(neg.error().code, ErrorCode::schema_violation);
}

TEST_F(FleetTest, FailuresNeedAnExistingVehicleAndLinkToWorkOrders) {
  auto missing = run("report-failure", "", {{"vehicle_id", "GHOST"}, {"system", "brakes"}, {"severity", "major"},
                                            {"service_affecting", true}});
  EXPECT_EQ(missing.error().code, ErrorCode::rule_violation);
  register_vehicle("V1");
  auto f = run("report-failure", "", {{"vehicle_id", "V1"}, {"system", "brakes"}, {"severity", "major"},
                                      {"service_affecting", true}, {"occurred_at", "2026-03-02T14:05:00Z"}});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->id.rfind("F-", 0), 0u);
  auto wo = run("create-work-order", "", {{"vehicle_id", "V1"}, {"category", "corrective"}, {"priority", "urgent"},
                                          {"due_date", "2026-03-03"}, {"failure_id", f->id}});
  ASSERT_TRUE(wo.ok());
  auto failure = service_->load("failure", f->id, who_.tenant).value();
  auto links = failure.state->to_json().at("work_order_ids").as_array();
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].as_string(), wo->id);
  EXPECT_EQ(rh::fleet::str(failure.state->to_json(), "reported_at"), "2026-03-02T14:05:00.000000Z");
}

TEST_F(FleetTest, WorkOrderLifecycleRefusesIllegalTransitions) {
  register_vehicle("V1");
  const auto wo = open_work_order("V1");
  EXPECT_EQ(run("complete-work-order", wo, {}).error().code, ErrorCode::rule_violation) << "not started yet";
  EXPECT_EQ(run("book-labour", wo, {{"technician", "a"}, {"hours", 1}}).error().code, ErrorCode::rule_violation);
  must("assign-work-order", wo, {{"technician", "a.jones"}});
  must("start-work-order", wo, {});
  must("book-labour", wo, {{"technician", "a.jones"}, {"hours", 2.5}});
  auto done = must("complete-work-order", wo, {{"notes", "door motor replaced"}});
  EXPECT_EQ(rh::fleet::str(done, "status"), "completed");
  EXPECT_DOUBLE_EQ(rh::fleet::num(done, "labour_hours"), 2.5);
  auto cancel = run("cancel-work-order", wo, {{"reason", "too late"}});
  ASSERT_FALSE(cancel.ok());
  EXPECT_NE(cancel.error().message.find("completed"), std::string::npos);

  const auto wo2 = open_work_order("V1");
  must("cancel-work-order", wo2, {{"reason", "duplicate"}});
  EXPECT_EQ(run("complete-work-order", wo2, {}).error().code, ErrorCode::rule_violation) << "complete a cancelled order";
  EXPECT_EQ(run("consume-parts", wo2, {{"part_number", "P1"}, {"quantity", 1}}).error().code, ErrorCode::rule_violation)
      << "consume parts on a closed order";
}

TEST_F(FleetTest, StockNeverGoesNegative) {
  register_vehicle("V1");
  must("define-part", "", {{"part_number", "DOOR-MOTOR"}, {"description", "Door motor"}, {"unit_cost", 420.0},
                           {"reorder_point", 2}});
  must("receive-stock", "DOOR-MOTOR", {{"quantity", 3}});
  const auto wo = open_work_order("V1");
  must("start-work-order", wo, {});
  auto used = must("consume-parts", wo, {{"part_number", "DOOR-MOTOR"}, {"quantity", 2}});
  EXPECT_DOUBLE_EQ(rh::fleet::num(used, "parts_cost"), 840.0);
  auto part = service_->load("part", "DOOR-MOTOR", who_.tenant).value().state->to_json();
  EXPECT_EQ(rh::fleet::integer(part, "on_hand"), 1);

  auto too_many = run("consume-parts", wo, {{"part_number", "DOOR-MOTOR"}, {"quantity", 2}});
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().code, ErrorCode::rule_violation);
  EXPECT_NE(too_many.error().message.find("insufficient stock"), std::string::npos);
  EXPECT_EQ(run("issue-stock", "DOOR-MOTOR", {{"quantity", 5}}).error().code, ErrorCode::rule_violation);
  auto count = must("count-stock", "DOOR-MOTOR", {{"counted_quantity", 0}});
  EXPECT_EQ(rh::fleet::integer(count, "on_hand"), 0);
  EXPECT_EQ(run("issue-stock", "DOOR-MOTOR", {{"quantity", 1}}).error().code, ErrorCode::rule_violation);
  part = service_->load("part", "DOOR-MOTOR", who_.tenant).value().state->to_json();
  EXPECT_EQ(rh::fleet::integer(part, "on_hand"), 0) << "refused, not clamped";
}

TEST_F(FleetTest, ReservationsHoldStockForTheirWorkOrder) {
  register_vehicle("V1");
  must("define-part", "", {{"part_number", "PAD"}, {"description", "Brake pad"}, {"unit_cost", 35.0}, {"reorder_point", 1}});
  must("receive-stock", "PAD", {{"quantity", 4}});
  const auto a = open_work_order("V1"), b = open_work_order("V1");
  must("reserve-stock", "PAD", {{"quantity", 3}, {"work_order_id", a}});
  must("start-work-order", b, {});
  EXPECT_EQ(run("consume-parts", b, {{"part_number", "PAD"}, {"quantity", 2}}).error().code, ErrorCode::rule_violation)
      << "3 of 4 are held for another order";
  must("start-work-order", a, {});
  must("consume-parts", a, {{"part_number", "PAD"}, {"quantity", 3}});
  auto part = service_->load("part", "PAD", who_.tenant).value().state->to_json();
  EXPECT_EQ(rh::fleet::integer(part, "on_hand"), 1);
  EXPECT_EQ(rh::fleet::integer(part, "reserved"), 0);
}

TEST_F(FleetTest, StoredV1MeterReadingsAreReadAsV2) {
  register_vehicle("V1");
  rh::NewEvent old;
  old.type = "MeterReadingRecorded";
  old.payload = json::object{{"km", 1234}};  // the v1 shape, as written by an older release
  ASSERT_TRUE(store_->append({{"vehicle", "V1"}, rh::ExpectedVersion::exact(1), {old}, "acme"}).ok());
  auto v = service_->load("vehicle", "V1", who_.tenant).value();
  EXPECT_DOUBLE_EQ(rh::fleet::num(v.state->to_json(), "odometer_km"), 1234.0);
  // The v2 schema still guards new writes: a v1-shaped command is refused with its path.
  auto r = run("record-meters", "V1", {{"km", 2000}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::schema_violation);
  must("record-meters", "V1", {{"odometer_km", 2000}});
}

TEST_F(FleetTest, SnapshotsAreACacheDeletingThemChangesNothing) {
  register_vehicle("V1");
  for (int km = 1; km <= 23; ++km) must("record-meters", "V1", {{"odometer_km", km * 100}});
  const auto* repo = service_->repository("vehicle");
  auto with = repo->load("V1").value();
  EXPECT_GT(with.snapshot_version, 0u) << "snapshot_every = 5 must have produced a snapshot";
  auto without = repo->load_without_snapshot("V1").value();
  EXPECT_EQ(json::serialize(with.state->to_json()), json::serialize(without.state->to_json()));
  EXPECT_EQ(with.version, without.version);
  ASSERT_TRUE(repo->delete_snapshots().ok());
  auto after = repo->load("V1").value();
  EXPECT_EQ(after.snapshot_version, 0u);
  EXPECT_EQ(json::serialize(after.state->to_json()), json::serialize(with.state->to_json()));
}

TEST_F(FleetTest, PinnedExpectedVersionConflictsInsteadOfRetrying) {
  register_vehicle("V1");
  auto r = run("transfer-vehicle", "V1", {{"to_depot", "Koeln"}, {"expected_version", 7}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::wrong_expected_version);
  must("transfer-vehicle", "V1", {{"to_depot", "Koeln"}, {"expected_version", 1}});
}

TEST_F(FleetTest, AnotherTenantCannotSeeOrChangeTheFleet) {
  register_vehicle("V1");
  rh::Principal other{"eve", "globex", {"writer"}};
  auto r = service_->execute("change-vehicle-status", "V1", {{"status", "standby"}}, other);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
}

TEST(FleetOptionsTest, ReadsThePluginSectionAndNamesABadSetting) {
  auto o = rh::fleet::fleet_options_from(json::object{{"snapshot_every", 0}, {"max_retries", 2}});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->snapshot_every, 0u);
  EXPECT_EQ(o->max_retries, 2);
  EXPECT_EQ(rh::fleet::fleet_options_from({}).value().snapshot_every, 100u);

  auto bad = rh::fleet::fleet_options_from(json::object{{"snapshot_every", "often"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("snapshot_every"), std::string::npos);
  auto unknown = rh::fleet::fleet_options_from(json::object{{"snapshots", 5}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown setting 'snapshots'"), std::string::npos);
}
