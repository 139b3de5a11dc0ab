#include <Eigen/Cholesky>
#include <Eigen/QR>

#include "numeric/checks.hpp"
#include "numeric/design.hpp"
#include "numeric/regression.hpp"

namespace roundhouse::ml {

Eigen::VectorXd LinearModel::predict(const Eigen::MatrixXd& x) const {
  return (x * coefficients).array() + intercept;
}

Result<LinearModel> fit_linear(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                               const RegressionOptions& options) {
  auto design = make_design(x, y, options, 2);
  if (!design) return design.status();
  // Centring removes the intercept from the least-squares problem (it is not penalized).
  const Eigen::RowVectorXd z_mean = design->z.colwise().mean();
  const Eigen::MatrixXd zc = design->z.rowwise() - z_mean;
  const double y_mean = y.mean();
  const Eigen::VectorXd yc = y.array() - y_mean;

  Eigen::VectorXd weights;
  if (options.l2 == 0.0) {
    const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(zc);
    if (qr.rank() < zc.cols()) {
      return invalid("singular design: features are collinear or constant (try an l2 penalty)");
    }
    weights = qr.solve(yc);
  } else {
    Eigen::MatrixXd gram = zc.transpose() * zc;
    gram.diagonal().array() += options.l2;
    weights = gram.ldlt().solve(zc.transpose() * yc);
  }
  LinearModel model;
  to_raw_scale(design->standardizer, y_mean - z_mean.dot(weights), weights, model.intercept,
               model.coefficients);
  return model;
}

}  // namespace roundhouse::ml
