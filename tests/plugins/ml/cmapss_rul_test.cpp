// NASA C-MAPSS FD001: the RUL model (boosted trees on per-engine-normalised sensor windows,
// hyperparameters chosen by 3-fold cross-validation grouped by engine on the training set only)
// evaluated once at the last cycle of each test engine against RUL_FD001.txt. The bound is the
// figure reported in plugins/ml/README.md plus a small margin; seeds are fixed.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "rul/cmapss_evaluation.hpp"

namespace roundhouse::ml {
namespace {

const std::filesystem::path kDir = ROUNDHOUSE_CMAPSS_DIR;

TEST(CmapssFd001, RulModelBeatsTheReportedRmse) {
  auto data = load_cmapss(kDir, "FD001");
  ASSERT_TRUE(data) << data.error().message;
  EXPECT_EQ(data->train.x.rows(), 20631);
  EXPECT_EQ(data->test_x.rows(), 100);
  EXPECT_EQ(data->train.names.size(), 1u + 14 * 5);  // cycle + 14 informative sensors x 5

  auto result = evaluate_cmapss(*data, default_rul_grid(), {.folds = 3, .seed = 0,
                                                            .round_counts = default_rul_round_counts()});
  ASSERT_TRUE(result) << result.error().message;
  std::printf("FD001: chosen depth %d rounds %d (cv rmse %.2f); test rmse %.2f mae %.2f nasa %.1f; fit %.2f s\n",
              result->cv.best.params.max_depth, result->cv.best.params.rounds, result->cv.best.rmse,
              result->test_rmse, result->test_mae, result->test_nasa_score, result->fit_seconds);
  EXPECT_LT(result->test_rmse, ROUNDHOUSE_FD001_RMSE_BOUND);
  EXPECT_LT(result->test_nasa_score, ROUNDHOUSE_FD001_SCORE_BOUND);
}

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
