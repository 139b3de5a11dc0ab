#pragma once
// Column standardization z = (x - mean) / scale, with the population standard deviation (divide by
// n) as scale. A constant column gets scale 1, so it maps to zeros instead of dividing by zero.
// Immutable after fit; thread-safe.

#include <Eigen/Core>

#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

class Standardizer {
 public:
  // Needs at least one row; every value finite.
  static Result<Standardizer> fit(const Eigen::MatrixXd& x);
  // The identity transform for `columns` columns (standardization switched off).
  static Standardizer identity(Eigen::Index columns);

  Eigen::MatrixXd transform(const Eigen::MatrixXd& x) const;
  const Eigen::RowVectorXd& mean() const { return mean_; }
  const Eigen::RowVectorXd& scale() const { return scale_; }

 private:
  Eigen::RowVectorXd mean_;
  Eigen::RowVectorXd scale_;
};

}  // namespace roundhouse::ml
