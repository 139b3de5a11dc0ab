#pragma once
// The C-MAPSS RUL protocol end to end: read a subset's train/test/RUL files, build RUL features,
// choose boosted-tree hyperparameters by grouped cross-validation on the training engines only,
// fit once on all training rows, and evaluate once at the last cycle of each test engine against
// the true RUL (uncapped, as most papers report). Predictions are clipped at 0.

#include <filesystem>
#include <string>
#include <vector>

#include "eval/grouped_cv.hpp"
#include "rul/rul_features.hpp"
#include "trees/boosted_trees.hpp"

namespace roundhouse::ml {

struct CmapssData {
  RulDataset train;
  Eigen::VectorXd train_target;  // capped RUL
  Eigen::MatrixXd test_x;        // last cycle of each test unit
  Eigen::VectorXd test_truth;    // RUL_FD00x.txt
};

// Reads <dir>/train_<subset>.txt, test_<subset>.txt, RUL_<subset>.txt. The kept sensors are chosen
// on the training file. Errors: unreadable or malformed files, a RUL count unequal to the test units.
Result<CmapssData> load_cmapss(const std::filesystem::path& dir, const std::string& subset, RulFeatureSpec spec = {});

// The grid searched by default: depth 3/4 x 200/400/600 rounds at learning rate 0.05, row
// subsample 0.8, column subsample 0.5, min child weight 5.
std::vector<BoostedTreesParams> default_rul_grid();
std::vector<int> default_rul_round_counts();

struct CmapssEvaluation {
  CvResult cv;
  double fit_seconds = 0.0;  // the final fit on all training rows
  double test_rmse = 0.0;
  double test_mae = 0.0;
  double test_nasa_score = 0.0;
  Eigen::VectorXd test_predicted;
};

Result<CmapssEvaluation> evaluate_cmapss(const CmapssData& data, const std::vector<BoostedTreesParams>& grid,
                                         const CvOptions& cv_options);

}  // namespace roundhouse::ml
