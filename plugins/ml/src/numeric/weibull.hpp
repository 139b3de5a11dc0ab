#pragma once
// The 2-parameter Weibull distribution and the life data it is fitted to.
// F(t) = 1 - exp(-(t/eta)^beta), t >= 0; beta is the shape, eta the scale (characteristic life,
// also called alpha). All functions are pure; times are in whatever unit the data used.

#include <vector>

#include "roundhouse/core/status.hpp"

namespace roundhouse::ml {

struct WeibullParams {
  double beta = 1.0;  // shape, > 0
  double eta = 1.0;   // scale, > 0
};

// Observed lives: exact failure times and right-censored (suspended, still running) times.
struct LifeData {
  std::vector<double> failures;
  std::vector<double> right_censored;
};

// Every time finite and > 0, and at least `min_failures` failures.
Status validate_life_data(const LifeData& data, std::size_t min_failures);

double weibull_reliability(const WeibullParams& p, double t);         // R(t) = exp(-(t/eta)^beta)
double weibull_unreliability(const WeibullParams& p, double t);       // F(t) = 1 - R(t)
double weibull_pdf(const WeibullParams& p, double t);                 // f(t) = h(t) R(t)
double weibull_hazard(const WeibullParams& p, double t);              // h(t) = (beta/eta)(t/eta)^(beta-1)
double weibull_cumulative_hazard(const WeibullParams& p, double t);   // H(t) = (t/eta)^beta
double weibull_mean_life(const WeibullParams& p);                     // eta * Gamma(1 + 1/beta)
// Bp life: the time by which a fraction p (0 < p < 1) has failed; B10 is p = 0.10.
// t_p = eta * (-ln(1 - p))^(1/beta).
Result<double> weibull_b_life(const WeibullParams& p, double fraction_failed);

}  // namespace roundhouse::ml
