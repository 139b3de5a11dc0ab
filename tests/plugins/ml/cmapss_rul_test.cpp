// NASA C-MAPSS FD001: the RUL model (boosted trees on per-engine-normalised sensor windows,
// hyperparameters chosen by 3-fold cross-validation grouped by engine on the training set only)
// evaluated once at the last cycle of each test engine against RUL_FD001.txt. The bound is the
// figure reported in plugins/ml/README.md plus a small margin; seeds are fixed.
#include <gtest/gtest.h>

#include <cstdio>

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
  for (const CvScore& score : result->cv.scores)
    std::printf("cv: depth %d rounds %d rmse %.3f\n", score.params.max_depth, score.params.rounds, score.rmse);
  std::printf("FD001: chosen depth %d rounds %d (cv rmse %.2f); test rmse %.2f mae %.2f nasa %.1f; fit %.2f s\n",
              result->cv.best.params.max_depth, result->cv.best.params.rounds, result->cv.best.rmse,
              result->test_rmse, result->test_mae, result->test_nasa_score, result->fit_seconds);
  EXPECT_LT(result->test_rmse, ROUNDHOUSE_FD001_RMSE_BOUND);
  EXPECT_LT(result->test_nasa_score, ROUNDHOUSE_FD001_SCORE_BOUND);
}

}  // namespace
}  // namespace roundhouse::ml
