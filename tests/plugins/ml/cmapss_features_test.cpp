// C-MAPSS reader and RUL features on the FD001 files: no look-ahead, the constant sensors dropped,
// the capped target, malformed files refused with the line named.
#include <gtest/gtest.h>

#include <fstream>

#include "rul/rul_features.hpp"

namespace roundhouse::ml {
namespace {

const std::filesystem::path kDir = ROUNDHOUSE_CMAPSS_DIR;

TEST(CmapssFeatures, UseNoLaterReadings) {
  auto train = read_cmapss(kDir / "train_FD001.txt");
  ASSERT_TRUE(train);
  const RulFeatureSpec spec{.channels = informative_sensors(*train)};
  const RulDataset before = rul_features(*train, spec);
  // Corrupt everything engine 1 reports after cycle 50: features up to cycle 50 must not move.
  CmapssTable changed = *train;
  for (std::size_t r = 0; r < changed.unit.size(); ++r)
    if (changed.unit[r] == 1 && changed.cycle[r] > 50) changed.channels.row(r).array() += 1000.0;
  const RulDataset after = rul_features(changed, spec);
  EXPECT_EQ(before.x.topRows(50), after.x.topRows(50));
  EXPECT_NE(before.x.row(50), after.x.row(50));
}

TEST(CmapssFeatures, DropsConstantSensorsAndCapsTheTarget) {
  auto train = read_cmapss(kDir / "train_FD001.txt");
  ASSERT_TRUE(train);
  // s1, s5, s6 (two values), s10, s16, s18, s19 carry no information in FD001.
  const std::vector<int> expected{4, 5, 6, 9, 10, 11, 13, 14, 15, 16, 17, 19, 22, 23};  // s2 s3 s4 s7 ...
  EXPECT_EQ(informative_sensors(*train), expected);
  const RulDataset data = rul_features(*train, {.channels = expected});
  const Eigen::VectorXd y = capped_rul_target(data, 125);
  EXPECT_EQ(y(0), 125);     // engine 1 ran 192 cycles
  EXPECT_EQ(y(191), 0);     // its last cycle
  EXPECT_EQ(y(190), 1);
}

TEST(CmapssFile, RefusesMalformedLines) {
  const auto path = std::filesystem::temp_directory_path() / "roundhouse_cmapss_bad.txt";
  std::ofstream(path) << "1 1 0 0 100 1 2 3\n";
  auto table = read_cmapss(path);
  ASSERT_FALSE(table);
  EXPECT_EQ(table.error().message, "roundhouse_cmapss_bad.txt line 1: expected 26 numbers, got 8");
  std::ofstream(path) << "1 x\n";
  EXPECT_FALSE(read_cmapss(path));
  std::filesystem::remove(path);
  EXPECT_EQ(read_cmapss(path).error().code, ErrorCode::io_error);
}

}  // namespace
}  // namespace roundhouse::ml
