// Sensor windows against a direct computation over the same readings.
#include <random>

#include "features_fixture.hpp"

namespace {

struct Direct {
  double last, mean, std, min, max, slope;
};

// The statistics of values[from, to) computed the plain way: two passes, x = 0..n-1.
Direct direct(const std::vector<double>& v, std::size_t from, std::size_t to) {
  const double n = static_cast<double>(to - from);
  Direct d{v[to - 1], 0, std::nan(""), v[from], v[from], std::nan("")};
  for (auto i = from; i < to; ++i) {
    d.mean += v[i] / n;
    d.min = std::min(d.min, v[i]);
    d.max = std::max(d.max, v[i]);
  }
  if (n >= 2) {
    double ss = 0, xm = (n - 1) / 2, sxy = 0, sxx = 0;
    for (auto i = from; i < to; ++i) {
      ss += (v[i] - d.mean) * (v[i] - d.mean);
      const double x = static_cast<double>(i - from) - xm;
      sxy += x * (v[i] - d.mean);
      sxx += x * x;
    }
    d.std = std::sqrt(ss / (n - 1));
    d.slope = sxy / sxx;
  }
  return d;
}

TEST_F(FeaturesTest, SensorWindowStatisticsMatchADirectComputation) {
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 0.05);
  const rh::Timestamp base = at("2024-01-01");
  std::vector<double> temp, press;
  for (int cycle = 1; cycle <= 40; ++cycle) {
    temp.push_back(641.8 + 0.01 * cycle + noise(rng));   // C-MAPSS-like magnitudes: a drift in the decimals
    press.push_back(2388.0 + noise(rng));
    append("asset", "E1", "SensorReadingsRecorded",
           {{"cycle", cycle}, {"channels", {{"T24", temp.back()}, {"P30", press.back()}}}, {"settings", {{"alt", 0.0}}}},
           base + cycle * 3'600'000'000LL);
  }
  rh::ml::FeatureRequest r;
  r.rows = rh::ml::RowTimes::each_event;
  r.known_at = rh::now_micros();
  r.parameters = {{"window", 15}};
  auto m = extract("sensor-window", r).value();
  ASSERT_EQ(m.rows(), 40u);
  // Channels in natural order as found: P30, T24.
  EXPECT_EQ(m.schema.columns[3].name, "P30_last");
  EXPECT_EQ(m.schema.columns[9].name, "T24_last");
  for (std::size_t row = 0; row < 40; ++row) {
    SCOPED_TRACE("row " + std::to_string(row));
    EXPECT_EQ(m.as_of[row], base + static_cast<rh::Timestamp>(row + 1) * 3'600'000'000LL);
    EXPECT_EQ(value(m, row, "cycle"), static_cast<double>(row + 1));
    const std::size_t to = row + 1, from = to > 15 ? to - 15 : 0;
    EXPECT_EQ(value(m, row, "window_readings"), static_cast<double>(to - from));
    for (const auto& [name, series] : {std::pair{std::string("T24"), &temp}, std::pair{std::string("P30"), &press}}) {
      const auto d = direct(*series, from, to);
      EXPECT_EQ(value(m, row, name + "_last"), d.last);
      EXPECT_NEAR(value(m, row, name + "_mean"), d.mean, 1e-9);
      EXPECT_EQ(value(m, row, name + "_min"), d.min);
      EXPECT_EQ(value(m, row, name + "_max"), d.max);
      if (row == 0) {
        EXPECT_TRUE(std::isnan(value(m, row, name + "_std")));
        EXPECT_TRUE(std::isnan(value(m, row, name + "_slope")));
      } else {
        EXPECT_NEAR(value(m, row, name + "_std"), d.std, 1e-9);
        EXPECT_NEAR(value(m, row, name + "_slope"), d.slope, 1e-9);
      }
    }
  }
  // Named channels: only those, in the order given; one that never appears is all NaN.
  rh::ml::FeatureRequest last = as_of(base + 100 * 3'600'000'000LL, rh::now_micros());
  last.parameters = {{"window", 5}, {"channels", json::array{"T24", "N1"}}};
  m = extract("sensor-window", last).value();
  ASSERT_EQ(m.cols(), 3u + 2 * 6);
  EXPECT_EQ(m.schema.columns[3].name, "T24_last");
  EXPECT_NEAR(value(m, 0, "T24_mean"), direct(temp, 35, 40).mean, 1e-9);
  EXPECT_TRUE(std::isnan(value(m, 0, "N1_mean")));
  EXPECT_EQ(value(m, 0, "readings_to_date"), 40);
}

TEST_F(FeaturesTest, AReadingWithoutAChannelIsSkippedForThatChannel) {
  const rh::Timestamp base = at("2024-01-01");
  append("asset", "E2", "SensorReadingsRecorded", {{"channels", {{"a", 1.0}, {"b", 10.0}}}}, base + 1);
  append("asset", "E2", "SensorReadingsRecorded", {{"channels", {{"a", 3.0}}}}, base + 2);
  append("asset", "E2", "SensorReadingsRecorded", {{"channels", {{"a", 5.0}, {"b", 30.0}}}}, base + 3);
  auto m = extract("sensor-window", as_of(base + 10, rh::now_micros())).value();
  EXPECT_EQ(value(m, 0, "a_mean"), 3);
  EXPECT_EQ(value(m, 0, "a_slope"), 2);   // per reading
  EXPECT_EQ(value(m, 0, "b_mean"), 20);
  EXPECT_EQ(value(m, 0, "b_slope"), 10);  // x = 0 and 2: (30 - 10) / 2
  EXPECT_TRUE(std::isnan(value(m, 0, "cycle")));  // no cycle in these readings
}

}  // namespace

// Named entities and channels read only those assets' streams (a one-asset prediction must not
// scan the log); the rows must equal the same assets' rows of an all-assets extraction, with the
// as-of and known-at cutoffs applied to the late-recorded and back-dated readings alike.
TEST_F(FeaturesTest, NamedAssetsGiveTheSameRowsAsTheWholeLog) {
  const rh::Timestamp base = at("2024-01-01");
  const rh::Timestamp hour = 3'600'000'000LL;
  for (int cycle = 1; cycle <= 12; ++cycle)
    for (const char* id : {"A1", "A2", "A3"})
      append("asset", id, "SensorReadingsRecorded",
             {{"cycle", cycle}, {"channels", {{"x", cycle * 1.5 + id[1]}, {"y", 100.0 - cycle}}}},
             base + cycle * hour);
  const rh::Timestamp known = cut();
  // Recorded after `known`: invisible at it, visible to a later cutoff.
  append("asset", "A2", "SensorReadingsRecorded", {{"cycle", 13}, {"channels", {{"x", 99.0}, {"y", 1.0}}}},
         base + 5 * hour + 1);
  for (const auto known_at : {known, rh::now_micros()}) {
    rh::ml::FeatureRequest all;
    all.as_of = {base + 6 * hour, base + 20 * hour};
    all.known_at = known_at;
    all.parameters = {{"window", 4}, {"channels", json::array{"x", "y"}}};
    auto whole = extract("sensor-window", all).value();
    rh::ml::FeatureRequest named = all;
    named.entity_ids = {"A2", "A3"};
    auto some = extract("sensor-window", named).value();
    ASSERT_EQ(whole.rows(), 6u);
    ASSERT_EQ(some.rows(), 4u);
    for (std::size_t r = 0; r < 4; ++r) {
      EXPECT_EQ(some.entity_ids[r], whole.entity_ids[r + 2]);
      EXPECT_EQ(some.as_of[r], whole.as_of[r + 2]);
      for (std::size_t c = 0; c < some.cols(); ++c)
        EXPECT_EQ(some.at(r, c), whole.at(r + 2, c)) << "row " << r << " column " << some.schema.columns[c].name;
    }
  }
  auto missing = as_of(base + 20 * hour, rh::now_micros());
  missing.entity_ids = {"A1", "NOPE"};
  missing.parameters = {{"channels", json::array{"x"}}};
  auto refused = extract("sensor-window", missing);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, rh::ErrorCode::not_found);
  EXPECT_NE(refused.error().message.find("'NOPE'"), std::string::npos) << refused.error().message;
}
