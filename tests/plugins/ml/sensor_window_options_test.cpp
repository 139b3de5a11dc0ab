// sensor-window with several windows, chosen statistics and drift from a per-asset baseline:
// values against a direct computation, as-of correctness of the baseline, parameter errors, and
// the single-window schema hashing as it did before these options existed.
#include <numeric>

#include "features_fixture.hpp"

namespace {

constexpr rh::Timestamp kHour = 3'600'000'000LL;

double mean_of(const std::vector<double>& v, std::size_t from, std::size_t to) {
  return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to), 0.0) /
         static_cast<double>(to - from);
}
double std_of(const std::vector<double>& v, std::size_t from, std::size_t to) {
  const double m = mean_of(v, from, to);
  double ss = 0;
  for (auto i = from; i < to; ++i) ss += (v[i] - m) * (v[i] - m);
  return std::sqrt(ss / static_cast<double>(to - from - 1));
}

class SensorWindowOptions : public FeaturesTest {
 protected:
  void SetUp() override {
    FeaturesTest::SetUp();
    base_ = at("2024-01-01");
    for (int cycle = 1; cycle <= 40; ++cycle) {
      // C-MAPSS-like: a level per engine, a slow drift in the decimals, some wobble.
      temp_.push_back(641.8 + 0.01 * cycle + 0.03 * std::sin(cycle * 1.7));
      append("asset", "E1", "SensorReadingsRecorded", {{"cycle", cycle}, {"channels", {{"T24", temp_.back()}}}},
             base_ + cycle * kHour);
    }
  }
  rh::ml::FeatureRequest each_event(json::object parameters) const {
    rh::ml::FeatureRequest r;
    r.rows = rh::ml::RowTimes::each_event;
    r.known_at = rh::now_micros();
    r.parameters = std::move(parameters);
    return r;
  }
  std::string error(json::object parameters) {
    auto m = extract("sensor-window", each_event(std::move(parameters)));
    EXPECT_FALSE(m.ok());
    return m.ok() ? "" : m.error().message;
  }
  rh::Timestamp base_ = 0;
  std::vector<double> temp_;
};

TEST_F(SensorWindowOptions, SeveralWindowsStatisticsAndDriftMatchADirectComputation) {
  auto m = extract("sensor-window",
                   each_event({{"windows", json::array{json::object{{"readings", 5}, {"stats", {"mean", "drift", "std"}}},
                                                       json::object{{"readings", 15}, {"stats", {"mean", "drift"}}}, 8}},
                               {"stats", {"last", "slope"}},
                               {"baseline", 4}}));
  ASSERT_TRUE(m.ok()) << m.error().message;
  std::vector<std::string> names;
  for (const auto& c : m->schema.columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"cycle", "readings_to_date", "T24_mean5", "T24_drift5", "T24_std5",
                                             "T24_mean15", "T24_drift15", "T24_last8", "T24_slope8"}));
  ASSERT_EQ(m->rows(), 40u);
  for (std::size_t row = 0; row < 40; ++row) {
    SCOPED_TRACE("row " + std::to_string(row));
    const std::size_t to = row + 1;
    const double baseline = mean_of(temp_, 0, std::min<std::size_t>(4, to));  // what exists so far
    const double mean5 = mean_of(temp_, to > 5 ? to - 5 : 0, to);
    const double mean15 = mean_of(temp_, to > 15 ? to - 15 : 0, to);
    EXPECT_NEAR(value(*m, row, "T24_mean5"), mean5, 1e-9);
    EXPECT_NEAR(value(*m, row, "T24_drift5"), mean5 - baseline, 1e-9);
    EXPECT_NEAR(value(*m, row, "T24_drift15"), mean15 - baseline, 1e-9);
    EXPECT_EQ(value(*m, row, "T24_last8"), temp_[row]);
    if (row == 0) EXPECT_TRUE(std::isnan(value(*m, row, "T24_std5")));
    else EXPECT_NEAR(value(*m, row, "T24_std5"), std_of(temp_, to > 5 ? to - 5 : 0, to), 1e-9);
  }
  // Least-squares slope per reading over the last 8, x = 0..7.
  double sxy = 0, sxx = 0;
  const double ym = mean_of(temp_, 32, 40);
  for (std::size_t i = 32; i < 40; ++i) {
    sxy += (static_cast<double>(i - 32) - 3.5) * (temp_[i] - ym);
    sxx += (static_cast<double>(i - 32) - 3.5) * (static_cast<double>(i - 32) - 3.5);
  }
  EXPECT_NEAR(value(*m, 39, "T24_slope8"), sxy / sxx, 1e-9);
}

// The baseline is the first readings visible at the row: a reading back-dated before them but
// recorded later moves the drift only for rows that may see it.
TEST_F(SensorWindowOptions, TheBaselineUsesOnlyReadingsVisibleAtTheRow) {
  const json::object params{{"windows", json::array{3}}, {"stats", json::array{"drift"}}, {"baseline", 2}};
  const rh::Timestamp known = cut();
  append("asset", "E1", "SensorReadingsRecorded", {{"cycle", 0}, {"channels", {{"T24", 700.0}}}}, base_);
  auto before = each_event(params);
  before.known_at = known;
  auto m = extract("sensor-window", before);
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->rows(), 40u);
  EXPECT_NEAR(value(*m, 39, "T24_drift3"), mean_of(temp_, 37, 40) - mean_of(temp_, 0, 2), 1e-9);
  auto now = extract("sensor-window", each_event(params));
  ASSERT_TRUE(now.ok());
  ASSERT_EQ(now->rows(), 41u);  // the back-dated reading is a row too
  EXPECT_NEAR(value(*now, 40, "T24_drift3"), mean_of(temp_, 37, 40) - (700.0 + temp_[0]) / 2, 1e-9);
}

TEST_F(SensorWindowOptions, BadParametersAreNamed) {
  EXPECT_EQ(error({{"window", 30}, {"windows", json::array{10}}}),
            "sensor-window features: parameter 'windows' and 'window' exclude each other; give one");
  EXPECT_EQ(error({{"windows", json::array{10}}, {"stats", {"mean", "drift"}}}),
            "sensor-window features: parameter 'stats' asks for 'drift', which needs 'baseline' (how many first "
            "readings of an asset define it)");
  EXPECT_EQ(error({{"windows", json::array{10}}, {"baseline", 5}}),
            "sensor-window features: parameter 'baseline' is only used by the 'drift' statistic, which no window asks for");
  EXPECT_EQ(error({{"stats", {"mean", "median"}}}),
            "sensor-window features: parameter 'stats' lists \"median\"; statistics are last, mean, std, min, max, "
            "slope, drift");
  EXPECT_EQ(error({{"stats", {"mean", "mean"}}}), "sensor-window features: parameter 'stats' lists 'mean' twice");
  EXPECT_EQ(error({{"windows", json::array{10, 10}}}), "sensor-window features: parameter 'windows' lists 10 readings twice");
  EXPECT_EQ(error({{"windows", json::array{10, json::object{{"readings", 0}}}}}),
            "sensor-window features: parameter 'windows[1].readings' must be a whole number >= 1, got 0");
  EXPECT_EQ(error({{"windows", json::array{json::object{{"readings", 5}, {"mean", true}}}}}),
            "sensor-window features: parameter 'windows[0]' has unknown member 'mean' (readings, stats)");
  EXPECT_EQ(error({{"windows", json::array{}}}),
            "sensor-window features: parameter 'windows' must be a non-empty list of lengths or {readings, stats} objects");
}

// Models stored before the options existed keep serving: the single-window schema's parameters,
// and so its hash, are unchanged (value computed by the extractor before this change).
TEST_F(SensorWindowOptions, TheSingleWindowSchemaHashesAsBefore) {
  auto sensor = registry_.features.find("sensor-window")->value;
  const json::object legacy{{"window", 30}, {"channels", json::array{"s2", "s3"}}};
  EXPECT_EQ(sensor->schema(legacy).value().hash(), "b51e44b15bc7c90a9decd325d465eeee40d77ae108442db299198da67106f1b7");
  // Naming the default statistics is the same schema; another set or a drift is not.
  json::object same = legacy;
  same["stats"] = json::array{"last", "mean", "std", "min", "max", "slope"};
  EXPECT_EQ(sensor->schema(same).value().hash(), sensor->schema(legacy).value().hash());
  json::object other = legacy;
  other["stats"] = json::array{"mean"};
  EXPECT_NE(sensor->schema(other).value().hash(), sensor->schema(legacy).value().hash());
  auto one = sensor->schema(other).value();
  ASSERT_EQ(one.columns.size(), 3u + 2);  // cycle, readings_to_date, window_readings, s2_mean, s3_mean
  EXPECT_EQ(one.columns[3].name, "s2_mean");
}

}  // namespace
