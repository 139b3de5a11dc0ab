// C-MAPSS FD001 (../shared/data/cmapss via ROUNDHOUSE_SHARED_DATA_DIR) imported as asset streams
// and read back through the sensor-window extractor.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "assets/cmapss.hpp"
#include "features_fixture.hpp"

namespace {

const std::filesystem::path kData = ROUNDHOUSE_CMAPSS_DIR;

// Cycles per unit, counted straight from the file.
std::map<int, int> cycles_per_unit(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::map<int, int> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    int unit = 0;
    if (fields >> unit) ++out[unit];
  }
  return out;
}

TEST_F(FeaturesTest, CmapssFd001RoundTrip) {
  const auto train = cycles_per_unit(kData / "train_FD001.txt");
  const auto test = cycles_per_unit(kData / "test_FD001.txt");
  ASSERT_EQ(train.size(), 100u) << "FD001 has 100 training engines";
  ASSERT_EQ(test.size(), 100u);
  std::uint64_t train_cycles = 0, test_cycles = 0;
  for (auto [_, n] : train) train_cycles += n;
  for (auto [_, n] : test) test_cycles += n;

  rh::ml::assets::CmapssOptions options;
  options.train = kData / "train_FD001.txt";
  options.test = kData / "test_FD001.txt";
  options.tenant = "default";
  auto summary = rh::ml::assets::import_cmapss(*store_, &registry_, options);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->dataset, "FD001");
  EXPECT_EQ(summary->train_engines, 100u);
  EXPECT_EQ(summary->test_engines, 100u);
  EXPECT_EQ(summary->train_cycles, train_cycles);
  EXPECT_EQ(summary->test_cycles, test_cycles);
  EXPECT_EQ(summary->events_written, train_cycles + test_cycles + 200 + 100);  // + registrations + failures
  EXPECT_EQ(store_->head_position().value(), summary->events_written);

  // Engine 1 of the training set: registration, one reading per cycle, failure at the last cycle.
  auto stream = store_->read_stream({"asset", "FD001-train-001"}, {}).value();
  ASSERT_EQ(stream.size(), static_cast<std::size_t>(train.at(1) + 2));
  EXPECT_EQ(stream.front().type, "AssetRegistered");
  EXPECT_EQ(stream.back().type, "AssetFailed");
  EXPECT_EQ(stream.back().payload_json().at("cycle").as_int64(), train.at(1));
  EXPECT_EQ(stream[1].payload_json().at("channels").at("s2").as_double(), 641.82);  // first line of the file
  EXPECT_EQ(stream[1].occurred_at, options.start + options.cycle_length);
  // Test engines are truncated: no failure event.
  auto test1 = store_->read_stream({"asset", "FD001-test-001"}, {}).value();
  EXPECT_EQ(test1.size(), static_cast<std::size_t>(test.at(1) + 1));
  EXPECT_EQ(test1.back().type, "SensorReadingsRecorded");

  // One row per reading through the feature extractor; the last cycle of each engine.
  rh::ml::FeatureRequest r;
  r.rows = rh::ml::RowTimes::each_event;
  r.known_at = rh::now_micros();
  r.parameters = {{"window", 5}};
  auto m = extract("sensor-window", r).value();
  EXPECT_EQ(m.rows(), train_cycles + test_cycles);
  EXPECT_EQ(m.cols(), 3u + 21 * 6);
  auto last = as_of(options.start + 1000 * options.cycle_length, rh::now_micros());
  m = extract("sensor-window", last).value();
  ASSERT_EQ(m.rows(), 200u);
  EXPECT_EQ(m.entity_ids[0], "FD001-test-001");
  EXPECT_EQ(value(m, 0, "cycle"), test.at(1));
  EXPECT_EQ(m.entity_ids[100], "FD001-train-001");
  EXPECT_EQ(value(m, 100, "cycle"), train.at(1));
  EXPECT_EQ(value(m, 100, "readings_to_date"), train.at(1));

  // A second import is refused and writes nothing.
  auto again = rh::ml::assets::import_cmapss(*store_, &registry_, options);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, rh::ErrorCode::rule_violation);
  EXPECT_NE(again.error().message.find("FD001-train-001"), std::string::npos);
  EXPECT_EQ(store_->head_position().value(), summary->events_written);
}

TEST_F(FeaturesTest, MalformedCmapssFileIsRefusedWithItsLineAndNothingIsWritten) {
  const auto dir = std::filesystem::temp_directory_path() / ("rh-cmapss-" + std::to_string(rh::now_micros()));
  std::filesystem::create_directories(dir);
  const std::string good = " 0 0 100 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21\n";
  auto write = [&](const char* name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  rh::ml::assets::CmapssOptions options;
  options.train = write("train_X.txt", "1 1" + good + "1 2 0 0 100 1 2\n");
  auto r = rh::ml::assets::import_cmapss(*store_, &registry_, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("train_X.txt:2: expected 26 numbers"), std::string::npos) << r.error().message;
  options.train = write("train_Y.txt", "1 1" + good + "1 3" + good);
  r = rh::ml::assets::import_cmapss(*store_, &registry_, options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("train_Y.txt:2: unit 1: cycle 3 follows cycle 1"), std::string::npos) << r.error().message;
  options.train = write("train_Z.txt", "1 1" + good + "1 x" + good);
  r = rh::ml::assets::import_cmapss(*store_, &registry_, options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("train_Z.txt:2: 'x"), std::string::npos) << r.error().message;
  EXPECT_EQ(store_->head_position().value(), 0u);
  std::filesystem::remove_all(dir);
}

}  // namespace
