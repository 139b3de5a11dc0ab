#include "numeric/weibull_bounds.hpp"

#include <cmath>

#include <boost/math/distributions/normal.hpp>

#include "numeric/checks.hpp"

namespace roundhouse::ml {
namespace {

Interval log_scale(double value, double variance, double z) {
  const double spread = std::exp(z * std::sqrt(variance) / value);
  return {value / spread, value * spread};
}

}  // namespace

Result<double> standard_normal_quantile(double probability) {
  if (auto s = require_open_unit(probability, "probability"); !s) return s;
  return boost::math::quantile(boost::math::normal_distribution<double>(), probability);
}

Result<WeibullBounds> WeibullBounds::create(const WeibullMleFit& fit, double confidence) {
  if (auto s = require_open_unit(confidence, "confidence level"); !s) return s;
  auto z = standard_normal_quantile(0.5 * (1.0 + confidence));
  if (!z) return z.status();
  return WeibullBounds(fit, *z);
}

Interval WeibullBounds::beta() const {
  return log_scale(fit_.params.beta, fit_.covariance(0, 0), z_);
}

Interval WeibullBounds::eta() const {
  return log_scale(fit_.params.eta, fit_.covariance(1, 1), z_);
}

Result<Interval> WeibullBounds::reliability(double t) const {
  if (!(std::isfinite(t) && t > 0.0)) return invalid("time must be finite and > 0");
  const auto [beta, eta] = fit_.params;
  const Eigen::Matrix2d& c = fit_.covariance;
  const double u = beta * (std::log(t) - std::log(eta));
  const double var_u = (u / beta) * (u / beta) * c(0, 0) + (beta / eta) * (beta / eta) * c(1, 1) -
                       2.0 * (u / eta) * c(0, 1);
  const double half = z_ * std::sqrt(std::max(var_u, 0.0));
  return Interval{std::exp(-std::exp(u + half)), std::exp(-std::exp(u - half))};
}

Result<Interval> WeibullBounds::b_life(double fraction_failed) const {
  if (auto s = require_open_unit(fraction_failed, "fraction failed"); !s) return s;
  const auto [beta, eta] = fit_.params;
  const Eigen::Matrix2d& c = fit_.covariance;
  const double up = std::log(-std::log1p(-fraction_failed));
  const double log_t = std::log(eta) + up / beta;
  const double d_beta = -up / (beta * beta);
  const double d_eta = 1.0 / eta;
  const double var = d_beta * d_beta * c(0, 0) + d_eta * d_eta * c(1, 1) + 2.0 * d_beta * d_eta * c(0, 1);
  const double half = z_ * std::sqrt(std::max(var, 0.0));
  return Interval{std::exp(log_t - half), std::exp(log_t + half)};
}

}  // namespace roundhouse::ml
