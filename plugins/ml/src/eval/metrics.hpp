#pragma once
// Evaluation metrics for the training pipeline. Every function takes predictions and truths of
// equal, non-zero length (callers check; a mismatch is a bug) and is pure.

#include <Eigen/Core>

namespace roundhouse::ml {

double rmse(const Eigen::VectorXd& predicted, const Eigen::VectorXd& truth);
double mae(const Eigen::VectorXd& predicted, const Eigen::VectorXd& truth);
// PHM08 / NASA C-MAPSS score: sum over units of exp(-d/13) - 1 for early predictions (d < 0) and
// exp(d/10) - 1 for late ones, d = predicted - true RUL. Late predictions cost more.
double nasa_score(const Eigen::VectorXd& predicted, const Eigen::VectorXd& truth);
// Area under the ROC curve for labels in {0, 1}, ties in the score counted as half (the
// Mann-Whitney statistic). NaN when one class is absent.
double auc(const Eigen::VectorXd& score, const Eigen::VectorXd& label);

}  // namespace roundhouse::ml
