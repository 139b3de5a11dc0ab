#pragma once
// Zero-copy Eigen views of a FeatureMatrix. Header-only: the SDK itself does not depend on Eigen;
// include this where Eigen 3.4 is available. The view aliases matrix.values: keep the matrix alive
// and unchanged while using it (copy into an Eigen::MatrixXd when a column-major matrix is needed).

#include <Eigen/Core>

#include "roundhouse/ml/features.hpp"

namespace roundhouse::ml {

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

inline Eigen::Map<const RowMajorMatrix> as_eigen(const FeatureMatrix& m) {
  return {m.data(), static_cast<Eigen::Index>(m.rows()), static_cast<Eigen::Index>(m.cols())};
}
inline Eigen::Map<RowMajorMatrix> as_eigen(FeatureMatrix& m) {
  return {m.data(), static_cast<Eigen::Index>(m.rows()), static_cast<Eigen::Index>(m.cols())};
}

}  // namespace roundhouse::ml
