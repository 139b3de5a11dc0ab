#pragma once
// Optimal preventive replacement interval under the age-replacement policy: a unit is replaced
// preventively at age T (cost Cp) or correctively on failure (cost Cf), whichever comes first,
// each replacement as good as new. The long-run cost per unit time is
//   C(T) = (Cp R(T) + Cf (1 - R(T))) / integral_0^T R(t) dt
// with R the Weibull reliability; the integral is (eta/beta) * lower_gamma(1/beta, (T/eta)^beta).
// dC/dT = 0 reduces to h(T) integral_0^T R - F(T) = Cp / (Cf - Cp), whose left side increases
// strictly when beta > 1, so the optimum is unique and found by bracketed root finding.
// With beta <= 1 (non-increasing hazard) or Cp >= Cf, preventive replacement never pays: there is
// no finite optimum and the cost rate is that of run-to-failure, Cf / mean life.

#include "numeric/weibull.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

struct ReplacementCosts {
  double preventive = 0.0;  // Cp > 0
  double corrective = 0.0;  // Cf > 0
};

struct ReplacementPlan {
  bool finite_optimum = false;
  double interval = 0.0;   // T*; +infinity when there is no finite optimum
  double cost_rate = 0.0;  // C(T*), or Cf / mean life for run-to-failure
};

// Errors: non-positive or non-finite costs or Weibull parameters.
Result<ReplacementPlan> optimal_replacement_interval(const WeibullParams& life,
                                                     const ReplacementCosts& costs);

// C(T) for a given interval T > 0 (for plotting the cost curve).
Result<double> replacement_cost_rate(const WeibullParams& life, const ReplacementCosts& costs,
                                     double interval);

}  // namespace roundhouse::ml
