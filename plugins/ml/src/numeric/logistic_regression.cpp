#include <cmath>

#include <Eigen/Cholesky>

#include "numeric/checks.hpp"
#include "numeric/design.hpp"
#include "numeric/regression.hpp"

namespace roundhouse::ml {
namespace {

constexpr double kDivergedWeight = 1e4;  // in standardized units: the fit ran off to infinity
// A fitted log-odds beyond +-30 (probability within 1e-13 of 0 or 1) at an unpenalized optimum
// means the classes are (quasi-)separated and the true optimum is at infinity.
constexpr double kSeparatedLogit = 30.0;
constexpr const char* kSeparated =
    "logistic regression did not converge: the classes are (nearly) perfectly separable or a "
    "feature is constant; use an l2 penalty > 0";

Eigen::VectorXd sigmoid(const Eigen::VectorXd& eta) {
  return (1.0 + (-eta.array()).exp()).inverse();
}

// Negative log-likelihood (computed from the linear predictor, stable for large |eta|) + penalty.
double objective(const Eigen::MatrixXd& a, const Eigen::VectorXd& y, const Eigen::VectorXd& w,
                 double l2) {
  const Eigen::VectorXd eta = a * w;
  double loss = 0.0;
  for (Eigen::Index i = 0; i < eta.size(); ++i) {
    const double e = eta(i);
    const double log1p_exp = e > 0 ? e + std::log1p(std::exp(-e)) : std::log1p(std::exp(e));
    loss += log1p_exp - y(i) * e;
  }
  return loss + 0.5 * l2 * w.tail(w.size() - 1).squaredNorm();
}

Status check_labels(const Eigen::VectorXd& y) {
  bool zero = false, one = false;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    if (y(i) == 0.0) zero = true;
    else if (y(i) == 1.0) one = true;
    else return invalid("logistic regression: every target must be 0 or 1");
  }
  if (!zero || !one) return invalid("logistic regression: the target needs both classes (0 and 1)");
  return {};
}

}  // namespace

Eigen::VectorXd LogisticModel::predict_probability(const Eigen::MatrixXd& x) const {
  return sigmoid((x * coefficients).array() + intercept);
}

Result<LogisticModel> fit_logistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                   const LogisticOptions& options) {
  auto design = make_design(x, y, options.regression, 2);
  if (!design) return design.status();
  if (auto s = check_labels(y); !s) return s;
  const double l2 = options.regression.l2;
  const Eigen::Index n = design->z.rows(), p = design->z.cols();
  Eigen::MatrixXd a(n, p + 1);  // [1, z]: weight 0 is the intercept
  a.col(0).setOnes();
  a.rightCols(p) = design->z;
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(p + 1, l2);
  penalty(0) = 0.0;

  Eigen::VectorXd w = Eigen::VectorXd::Zero(p + 1);
  double current = objective(a, y, w, l2);
  for (int iteration = 1; iteration <= options.max_iterations; ++iteration) {
    const Eigen::VectorXd prob = sigmoid(a * w);
    const Eigen::VectorXd gradient = a.transpose() * (prob - y) + penalty.cwiseProduct(w);
    Eigen::MatrixXd hessian = a.transpose() * (prob.array() * (1.0 - prob.array())).matrix().asDiagonal() * a;
    hessian.diagonal() += penalty;
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(hessian);
    const Eigen::VectorXd step = ldlt.solve(gradient);
    if (ldlt.info() != Eigen::Success || !step.allFinite()) break;
    // Halve the step until the objective does not increase (Newton can overshoot far from the optimum).
    double scale = 1.0, next = objective(a, y, w - step, l2);
    for (int h = 0; h < 40 && !(next <= current); ++h) {
      scale *= 0.5;
      next = objective(a, y, w - scale * step, l2);
    }
    w -= scale * step;
    current = next;
    if (w.cwiseAbs().maxCoeff() > kDivergedWeight) break;
    if ((scale * step).cwiseAbs().maxCoeff() < options.tolerance) {
      if (l2 == 0.0 && (a * w).cwiseAbs().maxCoeff() > kSeparatedLogit) return invalid(kSeparated);
      LogisticModel model;
      model.iterations = iteration;
      to_raw_scale(design->standardizer, w(0), w.tail(p), model.intercept, model.coefficients);
      return model;
    }
  }
  if (l2 == 0.0) return invalid(kSeparated);
  return Error{ErrorCode::internal, "logistic regression did not converge"};
}

}  // namespace roundhouse::ml
