// Every built-in KPI on the hand-made March 2025 fixture (fixture_events.hpp), computed by hand.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "analytics_model.hpp"
#include "analytics_plugin.hpp"
#include "builtin_kpis.hpp"
#include "series_stats.hpp"
#include "fixture_events.hpp"

namespace rh = roundhouse;
namespace json = boost::json;
using rh::analytics::AnalyticsModel;

namespace {

class AnalyticsKpis : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& e : analytics_fixture::march_2025()) ASSERT_TRUE(model_.apply(e).ok());
  }
  json::object ask(json::object params) {
    auto r = model_.query(params);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->as_object() : json::object{};
  }
  // One KPI for March 2025 (window [2025-03-01, 2025-03-31)) in a scope.
  json::object kpi(const std::string& name, json::object scope = {}) {
    scope["op"] = "kpi";
    scope["name"] = name;
    scope["from"] = "2025-03-01";
    scope["to"] = "2025-03-30";  // a date as `to` means the end of that day
    return ask(scope).at("kpi").as_object();
  }
  double value(const std::string& name, json::object scope = {}) {
    auto k = kpi(name, std::move(scope));
    EXPECT_TRUE(k.at("value").is_number()) << name << ": " << json::serialize(k);
    return k.at("value").is_number() ? k.at("value").to_number<double>() : -1;
  }
  AnalyticsModel model_{rh::analytics::Settings{}, {}};
};

TEST_F(AnalyticsKpis, AvailabilityCountsEachVehicleOnlyWhileRegistered) {
  // V1: 720 h, 48 h down; V2 retired after 15 days (360 h up); V3 registered for the last 10 days (240 h standby).
  EXPECT_NEAR(value("availability"), 1272.0 / 1320.0, 1e-12);
  EXPECT_NEAR(value("availability", {{"depot", "North"}}), 912.0 / 960.0, 1e-12);
  EXPECT_DOUBLE_EQ(value("availability", {{"vehicle_id", "V2"}}), 1.0);
  auto basis = kpi("availability").at("basis").as_object();
  EXPECT_DOUBLE_EQ(basis.at("downtime_hours").to_number<double>(), 48.0);
  EXPECT_EQ(basis.at("vehicles").to_number<int>(), 3);
}

TEST_F(AnalyticsKpis, MtbfMdbfMttrAndInherentAvailability) {
  EXPECT_DOUBLE_EQ(value("mtbf"), 1032.0 / 2);        // in-service hours: 672 + 360 + 0
  EXPECT_DOUBLE_EQ(value("mtbf", {{"depot", "North"}}), 672.0 / 2);
  EXPECT_DOUBLE_EQ(value("mdbf"), 3700.0);            // 3000 + 700 km, one service-affecting failure
  EXPECT_DOUBLE_EQ(value("mttr"), (30.0 + 6.0) / 2);  // WO2 began before the window, ended inside it
  EXPECT_NEAR(value("inherent_availability"), 516.0 / (516.0 + 18.0), 1e-12);
  EXPECT_DOUBLE_EQ(value("failures"), 2);
}

TEST_F(AnalyticsKpis, NoFailuresMeansNoMtbfRatherThanInfinity) {
  auto k = kpi("mtbf", {{"vehicle_id", "V2"}});
  EXPECT_TRUE(k.at("value").is_null());
  EXPECT_EQ(k.at("basis").at("failures").to_number<int>(), 0);
  EXPECT_DOUBLE_EQ(k.at("basis").at("operating_hours").to_number<double>(), 360.0);
  EXPECT_TRUE(kpi("mdbf", {{"vehicle_type", "coach"}}).at("value").is_null());
}

TEST_F(AnalyticsKpis, WorkOrderCompliance) {
  EXPECT_DOUBLE_EQ(value("pm_compliance"), 0.5);        // WO3 on time, WO4 late, WO5 cancelled
  EXPECT_DOUBLE_EQ(value("schedule_compliance"), 0.5);  // WO3 inside its slot, WO4 after it
  auto b = kpi("backlog");
  EXPECT_DOUBLE_EQ(b.at("value").to_number<double>(), 2);  // WO7 (58 days) and WO6 (3 days)
  EXPECT_DOUBLE_EQ(b.at("basis").at("oldest_age_days").to_number<double>(), 58.0);
  EXPECT_DOUBLE_EQ(b.at("basis").at("average_age_days").to_number<double>(), 30.5);
}

TEST_F(AnalyticsKpis, InventoryAndCost) {
  // On hand: 1000 for 10 days, 800 for 10, 0 for 5, 600 (re-valued at 12) for 5: average 700.
  EXPECT_NEAR(value("inventory_turnover"), 1000.0 / 700.0, 1e-12);
  EXPECT_DOUBLE_EQ(value("stockout_rate"), 0.5);
  EXPECT_TRUE(kpi("inventory_turnover", {{"depot", "North"}}).at("value").is_null());  // stock is fleet-wide
  EXPECT_NEAR(value("maintenance_cost_per_km"), (100.0 + 10 * 75.0) / 3700.0, 1e-12);
}

TEST_F(AnalyticsKpis, PreviousPeriodAndTrend) {
  auto a = kpi("availability");
  EXPECT_DOUBLE_EQ(a.at("previous").to_number<double>(), 1.0);
  EXPECT_NEAR(a.at("change_pct").to_number<double>(), (1272.0 / 1320.0 - 1) * 100, 1e-9);
  EXPECT_EQ(a.at("trend"), "down");
  EXPECT_EQ(a.at("assessment"), "worse");
  auto m = kpi("mtbf");
  EXPECT_TRUE(m.at("previous").is_null());  // no failures in February
  EXPECT_TRUE(m.at("trend").is_null());
  EXPECT_EQ(kpi("backlog").at("trend"), "flat");  // two open at the start of March too
}

TEST_F(AnalyticsKpis, TimeSeriesBucketsAddUp) {
  auto s = ask({{"op", "timeseries"}, {"name", "failures"}, {"from", "2025-03-01"}, {"to", "2025-03-30"}, {"interval", "day"}});
  const auto& points = s.at("points").as_array();
  ASSERT_EQ(points.size(), 30u);
  double sum = 0;
  for (const auto& p : points) sum += p.at("value").to_number<double>();
  EXPECT_DOUBLE_EQ(sum, 2);
  EXPECT_EQ(points[8].at("label"), "2025-03-09");
  EXPECT_DOUBLE_EQ(points[8].at("value").to_number<double>(), 1);
  EXPECT_EQ(s.at("chart").at("labels").as_array().size(), 30u);
  // Weeks start on Monday; 2025-03-01 is a Saturday, so the first bucket is clipped to two days.
  auto w = ask({{"op", "timeseries"}, {"name", "failures"}, {"from", "2025-03-01"}, {"to", "2025-03-30"}, {"interval", "week"}});
  const auto& weeks = w.at("points").as_array();
  EXPECT_EQ(weeks.front().at("label"), "2025-02-24");
  EXPECT_EQ(weeks.front().at("to"), "2025-03-03T00:00:00.000000Z");
}

// The one-pass series must give each bucket exactly what a separate pass over its window gives.
TEST_F(AnalyticsKpis, SeriesBucketsEqualSeparateWindows) {
  using namespace rh::analytics;
  for (auto interval : {Interval::day, Interval::week, Interval::month})
    for (const Scope& scope : {Scope{}, Scope{"", "", "North"}, Scope{"V2", "", ""}}) {
      std::vector<rh::KpiWindow> windows;
      for (const auto& b : buckets({rh::parse_timestamp("2025-02-10").value(), rh::parse_timestamp("2025-04-02").value()}, interval))
        windows.push_back(b.window);
      const auto series = collect_series(model_.facts(), windows, scope, Needs{});
      for (std::size_t i = 0; i < windows.size(); ++i) {
        const auto one = collect(model_.facts(), windows[i], scope);
        for (const auto& k : builtin_kpis()) {
          const auto a = k.compute(series[i], Settings{}).value, b = k.compute(one, Settings{}).value;
          ASSERT_EQ(a.has_value(), b.has_value()) << k.name << " bucket " << i;
          if (a) EXPECT_EQ(*a, *b) << k.name << " bucket " << i;  // exactly, not nearly
        }
        EXPECT_EQ(series[i].backlog_oldest_days, one.backlog_oldest_days);
      }
    }
}

TEST_F(AnalyticsKpis, DashboardHasKpisChartsWorstVehiclesAndInsights) {
  auto d = ask({{"op", "dashboard"}, {"name", "operations"}, {"to", "2025-03-30"}, {"days", "30"}});
  EXPECT_EQ(d.at("name"), "operations");
  EXPECT_EQ(d.at("kpis").as_array().size(), 5u);
  const auto& charts = d.at("charts").as_array();
  ASSERT_FALSE(charts.empty());
  EXPECT_EQ(charts[0].at("labels").as_array().size(), 30u);
  EXPECT_EQ(charts[0].at("datasets").as_array()[0].at("data").as_array().size(), 30u);
  EXPECT_EQ(d.at("worst_vehicles").as_array()[0].at("vehicle_id"), "V1");
  std::vector<std::string> texts;
  for (const auto& i : d.at("insights").as_array()) {
    EXPECT_NE(i.at("kpi"), "availability");  // a 3.6% fall is below the 10% threshold
    texts.emplace_back(i.at("text").as_string());
  }
  ASSERT_EQ(texts.size(), 1u) << json::serialize(d.at("insights"));
  EXPECT_EQ(texts[0], "2 work orders are open; the oldest has waited 58 days.");
}

TEST_F(AnalyticsKpis, ANewEventChangesTheCachedAnswer) {
  EXPECT_DOUBLE_EQ(value("failures"), 2);
  ASSERT_TRUE(model_.apply(analytics_fixture::event("failure", "F3", "FailureReported", "2025-03-25",
                                                   R"({"vehicle_id":"V3","system":"doors","severity":"minor","service_affecting":true})"))
                  .ok());
  EXPECT_DOUBLE_EQ(value("failures"), 3);
  EXPECT_DOUBLE_EQ(value("mdbf"), 3700.0 / 2);
}

TEST_F(AnalyticsKpis, BadQueriesAreRefusedWithTheParameterNamed) {
  auto r = model_.query({{"op", "kpis"}, {"dpot", "North"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("dpot"), std::string::npos);
  r = model_.query({{"op", "kpis"}, {"from", "yesterday"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("from"), std::string::npos);
  r = model_.query({{"op", "kpis"}, {"from", "2025-03-10"}, {"to", "2025-03-01"}});
  EXPECT_FALSE(r.ok());
  r = model_.query({{"op", "kpi"}, {"name", "mtbx"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::not_found);
  EXPECT_NE(r.error().message.find("mtbf"), std::string::npos);  // lists the KPIs there are
  r = model_.query({{"op", "dashboard"}, {"name", "finance"}});
  EXPECT_EQ(r.error().code, rh::ErrorCode::not_found);
}

// A plugin KPI through the SDK: door failures of the vehicles in scope.
class DoorFailures : public rh::KpiCalculator {
 public:
  rh::Status apply(const rh::RecordedEvent& e) override {
    auto p = json::parse(e.payload).as_object();
    if (p.at("system") == "doors") at_.push_back({e.occurred_at, std::string(p.at("vehicle_id").as_string())});
    return {};
  }
  std::optional<double> value(const rh::KpiWindow& w, const rh::VehicleScope& in_scope) const override {
    double n = 0;
    for (const auto& [t, v] : at_)
      if (t >= w.from && t < w.to && in_scope(v)) ++n;
    return n;
  }

 private:
  std::vector<std::pair<rh::Timestamp, std::string>> at_;
};

TEST(AnalyticsPlugin, APluginRegisteredKpiIsServedBesideTheBuiltIns) {
  rh::Registry registry;
  ASSERT_TRUE(rh::plugins::register_analytics(registry).ok());
  rh::KpiDefinition def{"Door failures", "count", "FailureReported with system doors", false,
                        rh::EventFilter{{}, {"FailureReported"}, std::nullopt},
                        [] { return std::make_unique<DoorFailures>(); }};
  ASSERT_TRUE(registry.kpis.add("door_failures", "door-plugin", def).ok());
  auto model = registry.projections.find("analytics")->value();
  for (const auto& e : analytics_fixture::march_2025()) ASSERT_TRUE(model->apply(e).ok());
  auto r = model->query({{"op", "kpi"}, {"name", "door_failures"}, {"from", "2025-03-01"}, {"to", "2025-03-30"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_DOUBLE_EQ(r->at("kpi").at("value").to_number<double>(), 1);
  r = model->query({{"op", "kpi"}, {"name", "door_failures"}, {"vehicle_type", "coach"}, {"from", "2025-03-01"}});
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->at("kpi").at("value").to_number<double>(), 0);
  auto defs = model->query({{"op", "definitions"}});
  ASSERT_TRUE(defs.ok());
  EXPECT_EQ(defs->at("kpis").as_array().back().at("provider"), "door-plugin");
  // The registered analytics routes are all GETs for readers.
  int routes = 0;
  for (const auto& r2 : registry.routes.list()) routes += r2.value.pattern.starts_with("/api/v1/analytics/") ? 1 : 0;
  EXPECT_EQ(routes, 8);
}

TEST(AnalyticsPlugin, BadSettingsAreNamed) {
  auto s = rh::plugins::analytics_settings_from({{"labour_rate", -1}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("labour_rate"), std::string::npos);
  EXPECT_FALSE(rh::plugins::analytics_settings_from({{"labor_rate", 5}}).ok());
  EXPECT_DOUBLE_EQ(rh::plugins::analytics_settings_from({{"labour_rate", 90}})->labour_rate, 90);
}

TEST_F(AnalyticsKpis, EventsOutsideTheFleetDoNotMoveTheDataClock) {
  // A model trained and a prediction recorded long after the fleet's last event (back-filled data).
  const auto before = ask({{"op", "summary"}}).at("latest_event_at");
  ASSERT_TRUE(model_.apply(analytics_fixture::event("model", "rul", "ModelVersionTrained", "2026-11-23T10:00:00Z", "{}")).ok());
  ASSERT_TRUE(model_.apply(analytics_fixture::event("prediction", "V1", "PredictionMade", "2026-11-23T10:00:01Z", "{}")).ok());
  EXPECT_EQ(ask({{"op", "summary"}}).at("latest_event_at"), before);
  // The default window still ends with the fleet's newest day, so it still holds the failures.
  auto k = ask({{"op", "kpi"}, {"name", "failures"}}).at("kpi").as_object();
  EXPECT_GT(k.at("value").to_number<double>(), 0) << json::serialize(k);
}

}  // namespace
