#pragma once
// Linear, ridge and L2-penalized logistic regression on a design matrix X (rows = observations)
// with an unpenalized intercept. With standardization on (the default) the features are centred
// and scaled (see Standardizer) before fitting, so the L2 penalty treats every feature alike; the
// returned coefficients are mapped back to the original feature scale either way, so
// predict() takes raw features.
//
//   linear/ridge: minimize ||y - b0 - X b||^2 + l2 ||b||^2, solved in closed form on centred data
//                 (rank-revealing QR when l2 = 0, LDLT when l2 > 0).
//   logistic:     minimize -sum[y ln p + (1-y) ln(1-p)] + (l2/2) ||b||^2, p = 1/(1+exp(-(b0+Xb))),
//                 by Newton-Raphson (IRLS) with step halving.
// Fitted models are immutable values; predict is thread-safe.

#include <Eigen/Core>

#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

struct RegressionOptions {
  double l2 = 0.0;          // ridge penalty, >= 0 (applied in the standardized space)
  bool standardize = true;  // centre and scale features before fitting
};

struct LinearModel {
  double intercept = 0.0;
  Eigen::VectorXd coefficients;  // one per feature, original scale
  Eigen::VectorXd predict(const Eigen::MatrixXd& x) const;
};

// Errors: shape mismatch, non-finite values, fewer than two rows, and a singular design
// (collinear or constant features) when l2 = 0.
Result<LinearModel> fit_linear(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                               const RegressionOptions& options = {});

struct LogisticModel {
  double intercept = 0.0;
  Eigen::VectorXd coefficients;  // one per feature, original scale (log-odds per unit)
  int iterations = 0;
  Eigen::VectorXd predict_probability(const Eigen::MatrixXd& x) const;
};

struct LogisticOptions {
  RegressionOptions regression;
  int max_iterations = 100;
  double tolerance = 1e-10;  // on the largest Newton step, in standardized units
};

// y must be 0 or 1 with both classes present. Without a penalty, perfectly separable data has no
// finite optimum and is refused with a message suggesting l2 > 0.
Result<LogisticModel> fit_logistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                   const LogisticOptions& options = {});

}  // namespace roundhouse::ml
