// The vehicle and work-order extractors against values computed by hand (fleet_fixture_events.hpp).
#include "fleet_fixture_events.hpp"

namespace {

class FleetFeaturesTest : public FeaturesTest {
 protected:
  void SetUp() override {
    FeaturesTest::SetUp();
    append_small_fleet(*this);
  }
  // Back-filled history: everything was recorded after the fact, so read as known now.
  rh::ml::FeatureMatrix at_mid_march(const std::string& extractor) {
    auto m = extract(extractor, as_of(at("2024-03-15"), rh::now_micros()));
    EXPECT_TRUE(m.ok()) << m.error().message;
    return m.ok() ? std::move(m).value() : rh::ml::FeatureMatrix{};
  }
};

TEST_F(FleetFeaturesTest, VehicleColumnsMatchHandComputedValues) {
  auto m = at_mid_march("vehicle");
  ASSERT_EQ(m.rows(), 2u);
  EXPECT_EQ(m.entity_ids, (std::vector<std::string>{"V1", "V2"}));
  EXPECT_EQ(m.as_of[0], at("2024-03-15"));
  EXPECT_DOUBLE_EQ(value(m, 0, "age_days"), 1535);  // 1461 days to 2024-01-01, + 31 + 29 + 14
  EXPECT_EQ(value(m, 0, "vehicle_type"), 1);         // emu_car
  EXPECT_EQ(value(m, 0, "status"), 2);               // under_maintenance
  EXPECT_EQ(value(m, 0, "odometer_km"), 16000);
  EXPECT_TRUE(std::isnan(value(m, 0, "engine_hours")));
  EXPECT_DOUBLE_EQ(value(m, 0, "avg_daily_km"), 6000 / 59.5);  // Jan 1 12:00 -> Mar 1 00:00
  EXPECT_DOUBLE_EQ(value(m, 0, "days_since_last_maintenance"), 39);  // Feb 5 -> Mar 15
  EXPECT_EQ(value(m, 0, "km_since_last_maintenance"), 6000);         // 16000 - the Jan reading
  EXPECT_EQ(value(m, 0, "failures_total"), 2);
  EXPECT_EQ(value(m, 0, "failures_30d"), 1);  // Mar 10 only (Feb 1 is 43 days back)
  EXPECT_EQ(value(m, 0, "failures_90d"), 2);
  EXPECT_DOUBLE_EQ(value(m, 0, "days_since_last_failure"), 5);
  EXPECT_DOUBLE_EQ(value(m, 0, "mtbf_days"), 74.0 / 2);  // first event Jan 1 -> Mar 15, 2 failures
  EXPECT_EQ(value(m, 0, "open_failures"), 1);
  EXPECT_EQ(value(m, 0, "open_work_orders"), 1);
  EXPECT_EQ(value(m, 0, "parts_cost_to_date"), 20);
  EXPECT_EQ(value(m, 0, "labour_hours_to_date"), 3);
  EXPECT_EQ(value(m, 0, "cost_to_date"), 20 + 50 * 3);
  // V2: registered, nothing else yet.
  EXPECT_DOUBLE_EQ(value(m, 1, "age_days"), 14);
  EXPECT_EQ(value(m, 1, "status"), 0);
  EXPECT_EQ(value(m, 1, "failures_total"), 0);
  EXPECT_TRUE(std::isnan(value(m, 1, "mtbf_days")));
  EXPECT_TRUE(std::isnan(value(m, 1, "days_since_last_maintenance")));
  EXPECT_EQ(value(m, 1, "open_work_orders"), 1);
}

TEST_F(FleetFeaturesTest, VehicleRowsFollowTheAsOfTime) {
  auto r = as_of(at("2024-02-03"), rh::now_micros());
  r.as_of.push_back(at("2023-12-01"));  // before anything: V1 does not exist yet -> no row
  auto m = extract("vehicle", r).value();
  ASSERT_EQ(m.rows(), 1u);
  EXPECT_EQ(m.entity_ids[0], "V1");
  EXPECT_EQ(value(m, 0, "open_work_orders"), 1);  // WO1 still open on Feb 3
  EXPECT_EQ(value(m, 0, "failures_30d"), 1);
  EXPECT_EQ(value(m, 0, "parts_cost_to_date"), 20);  // consumed on Feb 3 (at T, inclusive)
  EXPECT_EQ(value(m, 0, "labour_hours_to_date"), 0);
  EXPECT_TRUE(std::isnan(value(m, 0, "days_since_last_maintenance")));
  // An explicit entity keeps its rows; before it existed they are all NaN.
  r.entity_ids = {"V1"};
  m = extract("vehicle", r).value();
  ASSERT_EQ(m.rows(), 2u);
  EXPECT_EQ(m.as_of[0], at("2023-12-01"));
  EXPECT_TRUE(std::isnan(value(m, 0, "failures_total")));
}

TEST_F(FleetFeaturesTest, CustomWindowsAndLabourRateChangeColumnsAndHash) {
  auto r = as_of(at("2024-03-15"), rh::now_micros());
  const auto default_hash = extract("vehicle", r).value().schema.hash();
  r.parameters = {{"failure_windows_days", json::array{7, 45}}, {"labour_rate", 0.0}};
  auto m = extract("vehicle", r).value();
  EXPECT_EQ(value(m, 0, "failures_7d"), 1);
  EXPECT_EQ(value(m, 0, "failures_45d"), 2);
  EXPECT_FALSE(m.schema.column_index("failures_30d"));
  EXPECT_EQ(value(m, 0, "cost_to_date"), 20);
  EXPECT_NE(m.schema.hash(), default_hash);
  // The same parameters written in another order hash the same.
  r.parameters = {{"labour_rate", 0.0}, {"failure_windows_days", json::array{7, 45}}};
  EXPECT_EQ(extract("vehicle", r).value().schema.hash(), m.schema.hash());
  EXPECT_TRUE(rh::ml::check_schema(m, m.schema.hash()).ok());
  auto mismatch = rh::ml::check_schema(m, default_hash);
  EXPECT_EQ(mismatch.code(), rh::ErrorCode::incompatible);
  EXPECT_NE(mismatch.message().find("feature schema mismatch"), std::string::npos);
}

TEST_F(FleetFeaturesTest, WorkOrderColumnsMatchHandComputedValues) {
  auto m = at_mid_march("work-order");
  ASSERT_EQ(m.entity_ids, (std::vector<std::string>{"WO1", "WO2", "WO3"}));
  EXPECT_EQ(value(m, 0, "category"), 0);  // corrective
  EXPECT_EQ(value(m, 0, "priority"), 2);  // high
  EXPECT_EQ(value(m, 0, "system"), 1);    // doors
  EXPECT_EQ(value(m, 0, "has_failure"), 1);
  EXPECT_EQ(value(m, 0, "status"), 4);    // completed
  EXPECT_DOUBLE_EQ(value(m, 0, "age_days"), 43);
  EXPECT_DOUBLE_EQ(value(m, 0, "days_until_due"), -41);
  EXPECT_DOUBLE_EQ(value(m, 0, "planned_days"), 2);
  EXPECT_EQ(value(m, 0, "parts_count"), 2);
  EXPECT_EQ(value(m, 0, "parts_lines"), 1);
  EXPECT_EQ(value(m, 0, "parts_cost"), 20);
  EXPECT_EQ(value(m, 0, "labour_hours"), 3);
  EXPECT_EQ(value(m, 0, "labour_bookings"), 1);
  EXPECT_EQ(value(m, 0, "backlog_at_creation"), 0);
  EXPECT_EQ(value(m, 1, "backlog_at_creation"), 0);  // WO1 was closed by Mar 10
  EXPECT_EQ(value(m, 2, "backlog_at_creation"), 1);  // WO2 open on Mar 12
  EXPECT_TRUE(std::isnan(value(m, 1, "system")));
  EXPECT_EQ(value(m, 2, "category"), 1);  // preventive
  EXPECT_EQ(value(m, 2, "has_failure"), 0);
  EXPECT_EQ(value(m, 2, "status"), 0);    // created
}

}  // namespace
