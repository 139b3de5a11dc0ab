#include "numeric/design.hpp"

#include <cmath>
#include <sstream>

#include "numeric/checks.hpp"

namespace roundhouse::ml {

Result<Design> make_design(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                           const RegressionOptions& options, Eigen::Index min_rows) {
  if (x.rows() != y.size()) {
    std::ostringstream out;
    out << "features have " << x.rows() << " rows but the target has " << y.size() << " values";
    return invalid(out.str());
  }
  if (x.rows() < min_rows) {
    std::ostringstream out;
    out << "too few observations: need at least " << min_rows << ", got " << x.rows();
    return invalid(out.str());
  }
  if (x.cols() == 0) return invalid("the design has no feature columns");
  if (!(std::isfinite(options.l2) && options.l2 >= 0.0)) return invalid("l2 penalty must be finite and >= 0");
  if (auto s = require_finite(x, "features"); !s) return s;
  if (auto s = require_finite(as_span(y), "target"); !s) return s;
  Design d;
  if (options.standardize) {
    auto fitted = Standardizer::fit(x);
    if (!fitted) return fitted.status();
    d.standardizer = std::move(*fitted);
  } else {
    d.standardizer = Standardizer::identity(x.cols());
  }
  d.z = d.standardizer.transform(x);
  return d;
}

void to_raw_scale(const Standardizer& s, double z_intercept, const Eigen::VectorXd& z_weights,
                  double& intercept, Eigen::VectorXd& coefficients) {
  coefficients = z_weights.array() / s.scale().transpose().array();
  intercept = z_intercept - s.mean().dot(coefficients);
}

}  // namespace roundhouse::ml
