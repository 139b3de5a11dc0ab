#pragma once
// Fitting a 2-parameter Weibull to life data with right censoring.
//
// Maximum likelihood: the profile equation in beta
//   g(beta) = sum_all t^beta ln t / sum_all t^beta - 1/beta - mean_failures(ln t) = 0
// is strictly increasing, so it is solved by Newton steps kept inside a sign-change bracket
// (bisection when a step leaves it); eta = (sum_all t^beta / r)^(1/beta). Times are scaled by their
// maximum first so t^beta cannot overflow. The covariance is the inverse of the observed Fisher
// information (negative Hessian of the log-likelihood at the estimate), in (beta, eta) order.
//
// Rank regression: points (ln t, ln(-ln(1 - F))) with F the Benard median rank (Johnson-adjusted
// when censored). RRY regresses ln(-ln(1-F)) on ln t (least squares in the probability axis), RRX
// regresses ln t on ln(-ln(1-F)) (least squares in the time axis).
//
// All functions are pure and thread-safe.

#include <Eigen/Core>

#include "numeric/weibull.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

struct WeibullMleFit {
  WeibullParams params;
  double log_likelihood = 0.0;  // sum over failures of ln f(t) + sum over suspensions of ln R(t)
  Eigen::Matrix2d covariance;   // [[var beta, cov], [cov, var eta]]
  int iterations = 0;           // profile-equation iterations used
  std::size_t failures = 0;
  std::size_t suspensions = 0;
};

// Needs at least two failures, and at least one failure earlier than the latest time (otherwise
// the likelihood grows without bound in beta).
Result<WeibullMleFit> fit_weibull_mle(const LifeData& data);

enum class RankRegressionAxis {
  x_on_y,  // RRX: ln t = ln eta + (1/beta) ln(-ln(1-F))
  y_on_x,  // RRY: ln(-ln(1-F)) = beta ln t - beta ln eta
};

struct WeibullRankFit {
  WeibullParams params;
  double r_squared = 0.0;  // squared correlation of the plotted points
};

// Needs at least two failures at two distinct times.
Result<WeibullRankFit> fit_weibull_rank_regression(const LifeData& data, RankRegressionAxis axis);

}  // namespace roundhouse::ml
