#include "numeric/standardizer.hpp"

#include "numeric/checks.hpp"

namespace roundhouse::ml {

Result<Standardizer> Standardizer::fit(const Eigen::MatrixXd& x) {
  if (x.rows() == 0) return invalid("cannot standardize a matrix with no rows");
  if (auto s = require_finite(x, "features"); !s) return s;
  Standardizer out;
  out.mean_ = x.colwise().mean();
  const Eigen::MatrixXd centred = x.rowwise() - out.mean_;
  out.scale_ = (centred.colwise().squaredNorm() / static_cast<double>(x.rows())).cwiseSqrt();
  for (Eigen::Index j = 0; j < out.scale_.size(); ++j) {
    if (out.scale_(j) == 0.0) out.scale_(j) = 1.0;
  }
  return out;
}

Standardizer Standardizer::identity(Eigen::Index columns) {
  Standardizer out;
  out.mean_ = Eigen::RowVectorXd::Zero(columns);
  out.scale_ = Eigen::RowVectorXd::Ones(columns);
  return out;
}

Eigen::MatrixXd Standardizer::transform(const Eigen::MatrixXd& x) const {
  return (x.rowwise() - mean_).array().rowwise() / scale_.array();
}

}  // namespace roundhouse::ml
