#pragma once
// Hyperparameter selection for boosted trees by k-fold cross-validation grouped by unit: all rows
// of a unit fall in the same fold, so a unit's later cycles never help predict its earlier ones.
// Folds come from a seeded shuffle of the distinct units (deterministic). Each candidate is fitted
// once per fold with its largest round count; smaller round counts are scored from the first trees
// of the same fit.

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "trees/boosted_trees.hpp"

namespace roundhouse::ml {

struct CvScore {
  BoostedTreesParams params;  // rounds set to the scored count
  double rmse = 0.0;          // over all held-out rows of all folds
};

struct CvResult {
  std::vector<CvScore> scores;  // every candidate x round count, in grid order
  CvScore best;                 // lowest rmse (first on ties)
};

struct CvOptions {
  int folds = 5;
  std::uint64_t seed = 0;
  std::vector<int> round_counts;  // scored for every candidate; empty = each candidate's own rounds
};

// Errors: fewer distinct groups than folds, empty grid, and anything BoostedTrees::fit refuses.
Result<CvResult> grouped_cv(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<int>& groups,
                            const std::vector<BoostedTreesParams>& grid, const CvOptions& options);

}  // namespace roundhouse::ml
