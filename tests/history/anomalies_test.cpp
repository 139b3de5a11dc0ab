// Audit anomaly flags: each rule triggering and not triggering, grouping, limits and bad rules.
//
// recorded_at comes from the store's clock, so rules are set relative to the events' own recorded
// times: several events appended in one commit share one recorded_at (a burst of zero length), and
// working hours are placed around the local hour the test computes from the event itself.
#include "history_test_support.hpp"

#include <chrono>

namespace {

using namespace history_test;

constexpr rh::Timestamp kHour = 3600LL * 1'000'000;
constexpr rh::Timestamp kDay = 24 * kHour;

// Only the named rule is enabled.
rh::AnomalyRules only(rh::AnomalyKind kind) {
  rh::AnomalyRules r;
  r.bulk.enabled = kind == rh::AnomalyKind::bulk_change;
  r.working_hours.enabled = kind == rh::AnomalyKind::outside_working_hours;
  r.backdated.enabled = kind == rh::AnomalyKind::backdated;
  return r;
}

int utc_hour(rh::Timestamp t) { return static_cast<int>(((t / kHour) % 24 + 24) % 24); }

class AnomaliesTest : public HistoryTest {
 protected:
  rh::AnomalyReport scan(const rh::AnomalyRules& rules) {
    auto r = rh::audit_anomalies(store_, rules);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : rh::AnomalyReport{};
  }
  // `n` events by `actor` in one commit (one recorded_at).
  std::vector<rh::RecordedEvent> burst(const std::string& actor, int n, const std::string& id = "V1") {
    std::vector<EventSpec> specs;
    for (int i = 0; i < n; ++i) specs.push_back({"MeterRead", {{"km", i}}, 0, actor});
    return append_all("vehicle", id, specs);
  }
};

// ---- bulk changes ----

TEST_F(AnomaliesTest, BulkChangeFlagsMoreThanNEventsByOneActorWithinTheWindow) {
  auto rules = only(rh::AnomalyKind::bulk_change);
  rules.bulk.max_events = 3;
  auto events = burst("j.smith", 5);
  auto report = scan(rules);
  ASSERT_EQ(report.flags.size(), 1u);
  const auto& f = report.flags[0];
  EXPECT_EQ(f.kind, rh::AnomalyKind::bulk_change);
  EXPECT_EQ(f.actor, "j.smith");
  EXPECT_EQ(f.count, 5u);
  EXPECT_EQ(f.first_position, events.front().position);
  EXPECT_EQ(f.last_position, events.back().position);
  EXPECT_EQ(f.positions.size(), 5u);
  EXPECT_EQ(f.window_start, events.front().recorded_at);
  EXPECT_NE(f.detail.find("j.smith recorded 5 events"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find("more than 3 within 5 min"), std::string::npos) << f.detail;
  EXPECT_EQ(report.events_scanned, 5u);
  EXPECT_FALSE(report.truncated);
}

TEST_F(AnomaliesTest, BulkChangeNotFlaggedAtTheLimitOrAcrossActors) {
  auto rules = only(rh::AnomalyKind::bulk_change);
  rules.bulk.max_events = 3;
  burst("j.smith", 3);
  burst("m.jones", 3, "V2");
  EXPECT_TRUE(scan(rules).flags.empty()) << "three each is not more than three";
  EXPECT_TRUE(scan(rh::AnomalyRules{.working_hours = {.enabled = false}, .backdated = {.enabled = false}})
                  .flags.empty())
      << "the default limit is 50";
}

TEST_F(AnomaliesTest, BulkChangesOutsideOneWindowAreSeparateFlags) {
  auto rules = only(rh::AnomalyKind::bulk_change);
  rules.bulk.max_events = 1;
  rules.bulk.window_micros = 1;  // only events with the same recorded_at are "within the window"
  burst("j.smith", 2);
  next_recorded_tick();
  burst("j.smith", 1);  // alone in its window
  next_recorded_tick();
  burst("j.smith", 3);
  auto report = scan(rules);
  ASSERT_EQ(report.flags.size(), 2u);
  EXPECT_EQ(report.flags[0].count, 2u);
  EXPECT_EQ(report.flags[1].count, 3u);
  EXPECT_EQ(report.flags[1].first_position, 4u);
}

TEST_F(AnomaliesTest, IgnoredActorsAreNotFlagged) {
  auto rules = only(rh::AnomalyKind::bulk_change);
  rules.bulk.max_events = 1;
  rules.ignore_actors = {"importer"};
  burst("importer", 10);
  EXPECT_TRUE(scan(rules).flags.empty());
}

TEST_F(AnomaliesTest, PositionsListIsCappedButCountIsExact) {
  auto rules = only(rh::AnomalyKind::bulk_change);
  rules.bulk.max_events = 1;
  rules.max_positions_per_flag = 3;
  burst("j.smith", 8);
  auto report = scan(rules);
  ASSERT_EQ(report.flags.size(), 1u);
  EXPECT_EQ(report.flags[0].count, 8u);
  EXPECT_EQ(report.flags[0].positions, (std::vector<rh::Position>{1, 2, 3}));
  EXPECT_EQ(report.flags[0].last_position, 8u);
}

// ---- outside working hours ----

class WorkingHoursTest : public AnomaliesTest {
 protected:
  // Two events by night.owl in one commit; the offset puts them at local noon (hour 12).
  void SetUp() override {
    AnomaliesTest::SetUp();
    events_ = burst("night.owl", 2);
    rules_ = only(rh::AnomalyKind::outside_working_hours);
    rules_.working_hours.utc_offset_minutes = (12 - utc_hour(events_[0].recorded_at)) * 60;
  }
  std::vector<rh::RecordedEvent> events_;
  rh::AnomalyRules rules_;
};

TEST_F(WorkingHoursTest, InsideWorkingHoursNothingIsFlagged) {
  EXPECT_TRUE(scan(rules_).flags.empty()) << "local 12:xx is within the default 06:00-20:00";
}

TEST_F(WorkingHoursTest, OutsideWorkingHoursFlagsOneGroupPerActorAndDay) {
  rules_.working_hours.start_hour = 6;
  rules_.working_hours.end_hour = 12;
  auto report = scan(rules_);
  ASSERT_EQ(report.flags.size(), 1u);
  const auto& f = report.flags[0];
  EXPECT_EQ(f.kind, rh::AnomalyKind::outside_working_hours);
  EXPECT_EQ(f.actor, "night.owl");
  EXPECT_EQ(f.count, 2u);
  EXPECT_EQ(f.positions, (std::vector<rh::Position>{1, 2}));
  EXPECT_NE(f.detail.find("outside working hours 06:00-12:00"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find(", local 12:"), std::string::npos) << f.detail;
}

TEST_F(WorkingHoursTest, ShiftOverMidnight) {
  rules_.working_hours.start_hour = 22;  // night shift 22:00-06:00: noon is outside
  rules_.working_hours.end_hour = 6;
  EXPECT_EQ(scan(rules_).flags.size(), 1u);
  rules_.working_hours.start_hour = 10;  // 10:00-06:00 wraps and covers noon
  EXPECT_TRUE(scan(rules_).flags.empty());
}

TEST_F(WorkingHoursTest, WeekendsFlaggedOnlyWhenAsked) {
  rules_.working_hours.start_hour = 0;
  rules_.working_hours.end_hour = 24;  // every hour is a working hour
  EXPECT_TRUE(scan(rules_).flags.empty());
  rules_.working_hours.weekends_off = true;
  using namespace std::chrono;
  const auto local = sys_time<microseconds>(
      microseconds(events_[0].recorded_at + rules_.working_hours.utc_offset_minutes * 60'000'000LL));
  const weekday day{floor<days>(local)};
  const bool weekend = day == Saturday || day == Sunday;
  auto report = scan(rules_);
  EXPECT_EQ(report.flags.size(), weekend ? 1u : 0u);
  if (weekend) {
    EXPECT_NE(report.flags.at(0).detail.find("Mon-Fri"), std::string::npos);
  }
}

// ---- back-dated ----

TEST_F(AnomaliesTest, BackdatedBeyondTheThresholdIsFlaggedPerEvent) {
  auto rules = only(rh::AnomalyKind::backdated);
  const auto now = rh::now_micros();
  auto old = vehicle("V1", {"StatusChanged", {{"status", "standby"}}, now - 30 * kDay, "auditor"});
  vehicle("V1", {"StatusChanged", {{"status", "in_service"}}, now - 1 * kDay, "auditor"});  // within 7 days
  vehicle("V2", {"Registered", {}, 0, "auditor"});  // occurred = recorded
  auto report = scan(rules);
  ASSERT_EQ(report.flags.size(), 1u);
  const auto& f = report.flags[0];
  EXPECT_EQ(f.kind, rh::AnomalyKind::backdated);
  EXPECT_EQ(f.first_position, old.position);
  EXPECT_EQ(f.count, 1u);
  ASSERT_TRUE(f.stream.has_value());
  EXPECT_EQ(*f.stream, (rh::StreamId{"vehicle", "V1"}));
  EXPECT_NE(f.detail.find("StatusChanged on vehicle/V1 by auditor"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find("back-dated by 30 days"), std::string::npos) << f.detail;
  EXPECT_NE(f.detail.find("(threshold 7 days)"), std::string::npos) << f.detail;

  rules.backdated.threshold_micros = 12 * kHour;  // now the one-day-old event counts too
  EXPECT_EQ(scan(rules).flags.size(), 2u);
}

// ---- window, limits, tenants, export ----

TEST_F(AnomaliesTest, RecordedWindowAndTenantBoundTheScan) {
  auto rules = only(rh::AnomalyKind::backdated);
  const auto now = rh::now_micros();
  auto a = vehicle("V1", {"StatusChanged", {}, now - 30 * kDay, "x"});
  next_recorded_tick();
  auto b = vehicle("V2", {"StatusChanged", {}, now - 30 * kDay, "y"}, "acme");
  rules.recorded = {.from = b.recorded_at};
  auto report = scan(rules);
  ASSERT_EQ(report.flags.size(), 1u);
  EXPECT_EQ(report.flags[0].first_position, b.position);
  EXPECT_EQ(report.events_scanned, 1u);
  rules.recorded = {.to = b.recorded_at};
  EXPECT_EQ(scan(rules).flags.at(0).first_position, a.position);
  rules.recorded = {};
  rules.tenant = "acme";
  EXPECT_EQ(scan(rules).flags.at(0).actor, "y");
}

TEST_F(AnomaliesTest, MaxFlagsTruncatesTheReport) {
  auto rules = only(rh::AnomalyKind::backdated);
  rules.max_flags = 2;
  const auto now = rh::now_micros();
  for (int i = 0; i < 4; ++i) vehicle("V" + std::to_string(i), {"Registered", {}, now - 30 * kDay, "x"});
  auto report = scan(rules);
  EXPECT_EQ(report.flags.size(), 2u);
  EXPECT_TRUE(report.truncated);
  EXPECT_EQ(report.scanned_through, 2u) << "the report covers events up to the last examined";
  rules.max_flags = 4;
  EXPECT_FALSE(scan(rules).truncated);
}

TEST_F(AnomaliesTest, AllRulesTogetherOrderedByPosition) {
  rh::AnomalyRules rules;
  rules.bulk.max_events = 2;
  rules.working_hours.start_hour = 0;
  rules.working_hours.end_hour = 24;
  const auto now = rh::now_micros();
  vehicle("V1", {"StatusChanged", {}, now - 30 * kDay, "auditor"});
  burst("j.smith", 3, "V2");
  auto report = scan(rules);
  ASSERT_EQ(report.flags.size(), 2u);
  EXPECT_EQ(report.flags[0].kind, rh::AnomalyKind::backdated);
  EXPECT_EQ(report.flags[1].kind, rh::AnomalyKind::bulk_change);
  auto j = rh::to_json(report);
  EXPECT_EQ(j.at("flags").as_array().size(), 2u);
  EXPECT_EQ(j.at("flags").as_array()[0].at("kind").as_string(), "backdated");
  EXPECT_EQ(j.at("flags").as_array()[0].at("stream").at("id").as_string(), "V1");
  EXPECT_TRUE(j.at("flags").as_array()[1].at("stream").is_null());
  EXPECT_EQ(j.at("flags").as_array()[1].at("count").to_number<int>(), 3);
}

TEST_F(AnomaliesTest, BadRulesAreRefusedClearly) {
  auto refused = [&](rh::AnomalyRules r) {
    auto res = rh::audit_anomalies(store_, r);
    EXPECT_FALSE(res.ok());
    return res.ok() ? std::string() : res.error().message;
  };
  rh::AnomalyRules r;
  r.recorded = {10, 5};
  EXPECT_NE(refused(r).find("recorded window is reversed"), std::string::npos);
  r = {};
  r.bulk.max_events = 0;
  EXPECT_NE(refused(r).find("bulk"), std::string::npos);
  r = {};
  r.working_hours.start_hour = 8;
  r.working_hours.end_hour = 8;
  EXPECT_NE(refused(r).find("working hours"), std::string::npos);
  r = {};
  r.working_hours.end_hour = 25;
  EXPECT_NE(refused(r).find("working hours"), std::string::npos);
  r = {};
  r.working_hours.utc_offset_minutes = 15 * 60;
  EXPECT_NE(refused(r).find("utc_offset_minutes"), std::string::npos);
  r = {};
  r.backdated.threshold_micros = -1;
  EXPECT_NE(refused(r).find("threshold"), std::string::npos);
  r = {};
  r.max_flags = 0;
  EXPECT_NE(refused(r).find("max_flags"), std::string::npos);
  EXPECT_EQ(rh::audit_anomalies(nullptr, {}).error().code, rh::ErrorCode::invalid_argument);
}

}  // namespace
