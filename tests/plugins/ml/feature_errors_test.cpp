// Bad requests get clear errors; the plugin registers what it promises.
#include "features_fixture.hpp"
#include "fleet_fixture_events.hpp"

namespace {

TEST_F(FeaturesTest, UnknownExtractorIsNotFoundAndListsTheRegisteredOnes) {
  auto m = extract("vehicles", as_of(rh::now_micros()));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, rh::ErrorCode::not_found);
  EXPECT_EQ(m.error().message,
            "unknown feature extractor 'vehicles' (registered: inventory, sensor-window, vehicle, work-order)");
}

TEST_F(FeaturesTest, UnknownOrNotYetExistingEntityIsNotFound) {
  append_small_fleet(*this);
  auto r = as_of(at("2024-03-15"), rh::now_micros());
  r.entity_ids = {"V1", "GHOST"};
  auto m = extract("vehicle", r);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, rh::ErrorCode::not_found);
  EXPECT_EQ(m.error().message, "vehicle 'GHOST' has no event visible at the requested time");
  r.entity_ids = {"V2"};
  r.as_of = {at("2024-02-01")};  // V2 is registered on Mar 1
  m = extract("vehicle", r);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "vehicle 'V2' has no event visible at the requested time");
}

TEST_F(FeaturesTest, BadParametersAndRequestsAreInvalidArguments) {
  auto r = as_of(rh::now_micros());
  r.parameters = {{"window", 0}};
  auto m = extract("sensor-window", r);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_EQ(m.error().message, "sensor-window features: parameter 'window' must be >= 1, got 0");
  r.parameters = {{"window", "ten"}};
  EXPECT_EQ(extract("sensor-window", r).error().message,
            "sensor-window features: parameter 'window' must be a whole number, got \"ten\"");
  r.parameters = {{"windw", 5}};
  EXPECT_EQ(extract("sensor-window", r).error().message,
            "sensor-window features: unknown parameter 'windw' (parameters: baseline, channels, stats, window, windows)");
  r.parameters = {{"demand_window_days", -3}};
  EXPECT_EQ(extract("inventory", r).error().code, rh::ErrorCode::invalid_argument);
  r.parameters = {{"failure_windows_days", json::array{30, 30}}};
  EXPECT_EQ(extract("vehicle", r).error().message, "vehicle features: parameter 'failure_windows_days' lists 30 twice");
  rh::ml::FeatureRequest no_time;
  EXPECT_EQ(extract("vehicle", no_time).error().message,
            "no as-of time: give at least one (or ask for rows at each event)");
  EXPECT_EQ(store_->head_position().value(), 0u);
}

TEST_F(FeaturesTest, SchemasAreKnownWithoutReadingAndAreStable) {
  auto entry = registry_.features.find("vehicle");
  ASSERT_TRUE(entry);
  auto s = entry->value->schema({});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->columns.front().name, "age_days");
  EXPECT_EQ(s->hash().size(), 64u);
  EXPECT_EQ(s->hash(), entry->value->schema({}).value().hash());
  auto sensor = registry_.features.find("sensor-window")->value;
  EXPECT_EQ(sensor->schema({}).error().code, rh::ErrorCode::invalid_argument);
  auto named = sensor->schema({{"channels", json::array{"s2", "s3"}}}).value();
  EXPECT_EQ(named.columns.size(), 3u + 12);
  EXPECT_NE(named.hash(), sensor->schema({{"channels", json::array{"s3", "s2"}}}).value().hash());
}

TEST_F(FeaturesTest, PluginRegistersEventSchemasAndTheCommand) {
  EXPECT_TRUE(registry_.cli_commands.find("ml"));
  EXPECT_TRUE(registry_.validate_payload("SensorReadingsRecorded", json::parse(R"({"cycle":1,"channels":{"s1":1.5}})")).ok());
  auto bad = registry_.validate_payload("SensorReadingsRecorded", json::parse(R"({"channels":{"s1":"hot"}})"));
  EXPECT_EQ(bad.code(), rh::ErrorCode::schema_violation);
  EXPECT_FALSE(registry_.validate_payload("AssetRegistered", json::parse(R"({"unit":1})")).ok());
  EXPECT_TRUE(registry_.validate_payload("AssetFailed", json::parse(R"({"cycle":192})")).ok());
}

}  // namespace
