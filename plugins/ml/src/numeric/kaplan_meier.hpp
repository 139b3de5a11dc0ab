#pragma once
// Kaplan-Meier product-limit estimate of the survival function from right-censored lives, with
// Greenwood's variance. At each distinct failure time t_j with n_j units at risk (lives >= t_j;
// a unit censored at t_j counts as at risk there) and d_j failures:
//   S(t_j) = prod_{i<=j} (1 - d_i / n_i)
//   Var S(t_j) = S(t_j)^2 * sum_{i<=j} d_i / (n_i (n_i - d_i))
// Once every unit at risk has failed, S = 0 and its variance is reported as 0.
// Pure function; the returned table is a plain value.

#include <vector>

#include "numeric/weibull.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

struct KaplanMeierStep {
  double time = 0.0;         // a distinct failure time
  std::size_t at_risk = 0;   // n_j
  std::size_t failures = 0;  // d_j
  double survival = 1.0;     // S(time), holding until the next step
  double variance = 0.0;     // Greenwood
};

class KaplanMeier {
 public:
  static Result<KaplanMeier> fit(const LifeData& data);

  const std::vector<KaplanMeierStep>& steps() const { return steps_; }
  // S(t): 1 before the first failure, then the step value in force at t (right-continuous).
  double survival(double t) const;

 private:
  std::vector<KaplanMeierStep> steps_;
};

}  // namespace roundhouse::ml
