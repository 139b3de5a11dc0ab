#pragma once
// Two-sided Fisher-matrix confidence bounds from a Weibull MLE fit (delta method, normal
// approximation), the convention of Weibull++ / ReliaWiki and of MATLAB's wblfit:
//   beta, eta:  p * exp(+-z sqrt(Var p) / p)          (log scale keeps them positive)
//   R(t):       u = beta (ln t - ln eta),
//               Var u = (u/beta)^2 Var beta + (beta/eta)^2 Var eta - 2 (u/eta) Cov,
//               R bounds = exp(-exp(u -+ z sqrt(Var u)))
//   Bp life:    ln t_p = ln eta + u_p / beta with u_p = ln(-ln(1-p)),
//               Var ln t_p = (u_p/beta^2)^2 Var beta + Var eta / eta^2 - 2 u_p/(beta^2 eta) Cov,
//               t_p bounds = exp(ln t_p -+ z sqrt(Var ln t_p))
// z is the standard normal quantile at (1 + confidence) / 2. Immutable after create; thread-safe.

#include "numeric/weibull_fit.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

struct Interval {
  double lower = 0.0;
  double upper = 0.0;
};

class WeibullBounds {
 public:
  // confidence: two-sided level in (0, 1), e.g. 0.95.
  static Result<WeibullBounds> create(const WeibullMleFit& fit, double confidence);

  Interval beta() const;
  Interval eta() const;
  Result<Interval> reliability(double t) const;  // t > 0
  Result<Interval> b_life(double fraction_failed) const;
  double z() const { return z_; }

 private:
  WeibullBounds(const WeibullMleFit& fit, double z) : fit_(fit), z_(z) {}
  WeibullMleFit fit_;
  double z_;
};

// Standard normal quantile, for callers that report their own bounds.
Result<double> standard_normal_quantile(double probability);

}  // namespace roundhouse::ml
