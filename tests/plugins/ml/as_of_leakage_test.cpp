// As-of correctness: features at T use only events with occurred_at <= T and recorded_at <= T
// (or <= known_at). Events recorded after the cut — later events and back-dated corrections —
// must not change the features at T. Each test also shows that those events do change the
// features once they are visible, so a leak could not hide.
#include "fleet_fixture_events.hpp"

namespace {

class LeakageTest : public FeaturesTest {
 protected:
  // Recorded after the cut: a later failure, and back-dated events that occurred before T.
  void append_after_cut(rh::Timestamp t) {
    append("failure", "F9", "FailureReported",
           {{"vehicle_id", "V1"}, {"system", "brakes"}, {"severity", "critical"}, {"service_affecting", true}},
           t + kDay);
    append("failure", "F8", "FailureReported",
           {{"vehicle_id", "V1"}, {"system", "bogie"}, {"severity", "major"}, {"service_affecting", true}},
           t - 3 * kDay);  // back-dated: occurred before T, recorded after it
    append("vehicle", "V1", "MeterReadingRecorded", {{"odometer_km", 99000.0}, {"engine_hours", nullptr}}, t - kDay);
    append("workorder", "WO1", "WorkOrderPartsConsumed", {{"part_number", "P1"}, {"quantity", 5}, {"unit_cost", 7.0}},
           at("2024-02-03T12:00:00Z"));
    append("workorder", "WO8", "WorkOrderCreated",
           {{"vehicle_id", "V1"}, {"category", "corrective"}, {"priority", "urgent"}, {"due_date", "2024-01-02"}},
           at("2024-01-01"));
  }
};

TEST_F(LeakageTest, EventsRecordedAfterTDoNotChangeFeaturesAtT) {
  for (const char* extractor : {"vehicle", "work-order"}) {
    SCOPED_TRACE(extractor);
    store_ = fresh_store();
    append_small_fleet(*this);
    const rh::Timestamp t = cut();  // history as known at t: exactly the small fleet
    const auto before = extract(extractor, as_of(t)).value();
    ASSERT_GT(before.rows(), 0u);
    append_after_cut(t);
    const auto again = extract(extractor, as_of(t)).value();
    expect_same(before, again);
    EXPECT_EQ(again.known_at[0], t);
    // Seen from later, the back-dated events are there.
    const auto later = extract(extractor, as_of(t, rh::now_micros())).value();
    EXPECT_NE(later.values, before.values);
  }
}

TEST_F(LeakageTest, KnownAtCutsOffBackDatedCorrectionsOfAnOldAsOfTime) {
  append_small_fleet(*this);
  const rh::Timestamp known = cut();
  append_after_cut(known);
  const auto request = as_of(at("2024-03-15"), known);
  const auto with_late = extract("vehicle", request).value();
  // The same as a store that never received the late events.
  auto clean = fresh_store();
  std::swap(store_, clean);
  append_small_fleet(*this);
  const auto reference = extract("vehicle", as_of(at("2024-03-15"), rh::now_micros())).value();
  std::swap(store_, clean);
  expect_same(with_late, reference);
  EXPECT_EQ(value(with_late, 0, "failures_total"), 2);
  EXPECT_EQ(value(with_late, 0, "parts_cost_to_date"), 20);
  // Known now, the back-dated events count.
  const auto now = extract("vehicle", as_of(at("2024-03-15"), rh::now_micros())).value();
  EXPECT_EQ(value(now, 0, "parts_cost_to_date"), 20 + 35);
  const auto work_orders = extract("work-order", as_of(at("2024-03-15"), rh::now_micros())).value();
  EXPECT_EQ(value(work_orders, 0, "backlog_at_creation"), 1);  // WO8 (Jan 1) was open on Feb 1
}

TEST_F(LeakageTest, EachEventRowsSeeNothingRecordedLater) {
  // Rows at each reading, as known at that moment: a reading back-dated into the past after
  // later readings were taken must not appear in those earlier rows.
  const rh::Timestamp base = rh::now_micros() - 10 * kDay;
  for (int i = 1; i <= 5; ++i)
    append("asset", "A1", "SensorReadingsRecorded", {{"cycle", i}, {"channels", {{"t", 10.0 * i}}}}, base + i * kDay);
  const auto before = [&] {
    rh::ml::FeatureRequest r;
    r.rows = rh::ml::RowTimes::each_event;
    r.parameters = {{"window", 10}};
    return r;
  }();
  const auto m1 = extract("sensor-window", before).value();
  append("asset", "A1", "SensorReadingsRecorded", {{"cycle", 0}, {"channels", {{"t", 1000.0}}}}, base);
  const auto m2 = extract("sensor-window", before).value();
  ASSERT_EQ(m2.rows(), m1.rows() + 1);
  for (std::size_t r = 0; r < m1.rows(); ++r)
    for (std::size_t c = 0; c < m1.cols(); ++c) {
      if (std::isnan(m1.at(r, c)) && std::isnan(m2.at(r, c))) continue;
      EXPECT_EQ(m1.at(r, c), m2.at(r, c)) << "row " << r << " " << m1.schema.columns[c].name;
    }
  // The last row (the late reading, as of when it was recorded) sees it, as the oldest reading.
  EXPECT_EQ(value(m2, m2.rows() - 1, "t_max"), 1000.0);
  EXPECT_EQ(value(m2, m2.rows() - 1, "t_last"), 50.0);
  EXPECT_EQ(value(m2, m2.rows() - 1, "readings_to_date"), 6);
  EXPECT_EQ(value(m1, m1.rows() - 1, "readings_to_date"), 5);
}

}  // namespace
