#pragma once
// What linear and logistic regression share: input checks, the (optionally) standardized design,
// and mapping coefficients fitted on that design back to the raw feature scale.

#include <Eigen/Core>

#include "numeric/regression.hpp"
#include "numeric/standardizer.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

struct Design {
  Standardizer standardizer;
  Eigen::MatrixXd z;  // features after standardization (raw when it is switched off)
};

// Checks shapes, finiteness, l2 >= 0 and at least `min_rows` rows.
Result<Design> make_design(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                           const RegressionOptions& options, Eigen::Index min_rows);

// z-space model (intercept, weights) -> raw-space intercept and coefficients.
void to_raw_scale(const Standardizer& s, double z_intercept, const Eigen::VectorXd& z_weights,
                  double& intercept, Eigen::VectorXd& coefficients);

}  // namespace roundhouse::ml
