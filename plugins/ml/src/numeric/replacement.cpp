#include "numeric/replacement.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/roots.hpp>

#include "numeric/checks.hpp"

namespace roundhouse::ml {
namespace {

Status check(const WeibullParams& life, const ReplacementCosts& costs) {
  const double values[] = {life.beta, life.eta};
  if (auto s = require_positive(values, "Weibull parameters (beta, eta)"); !s) return s;
  const double money[] = {costs.preventive, costs.corrective};
  return require_positive(money, "replacement costs (preventive, corrective)");
}

// integral_0^T R(t) dt, the expected cycle length.
double mean_cycle(const WeibullParams& life, double t) {
  const double a = 1.0 / life.beta;
  return life.eta * std::tgamma(1.0 + a) * boost::math::gamma_p(a, std::pow(t / life.eta, life.beta));
}

double cost_rate(const WeibullParams& life, const ReplacementCosts& c, double t) {
  const double r = weibull_reliability(life, t);
  return (c.preventive * r + c.corrective * (1.0 - r)) / mean_cycle(life, t);
}

}  // namespace

Result<double> replacement_cost_rate(const WeibullParams& life, const ReplacementCosts& costs,
                                     double interval) {
  if (auto s = check(life, costs); !s) return s;
  if (!(std::isfinite(interval) && interval > 0.0)) return invalid("interval must be finite and > 0");
  return cost_rate(life, costs, interval);
}

Result<ReplacementPlan> optimal_replacement_interval(const WeibullParams& life,
                                                     const ReplacementCosts& costs) {
  if (auto s = check(life, costs); !s) return s;
  if (life.beta <= 1.0 || costs.preventive >= costs.corrective) {
    return ReplacementPlan{false, std::numeric_limits<double>::infinity(),
                           costs.corrective / weibull_mean_life(life)};
  }
  const double target = costs.preventive / (costs.corrective - costs.preventive);
  const auto stationarity = [&](double t) {
    return weibull_hazard(life, t) * mean_cycle(life, t) - weibull_unreliability(life, t) - target;
  };
  // The left side starts at -target < 0 and grows without bound: double until it changes sign.
  double hi = life.eta;
  while (stationarity(hi) < 0.0) {
    hi *= 2.0;
    if (hi > 1e12 * life.eta) return Error{ErrorCode::internal, "replacement optimum not bracketed"};
  }
  std::uintmax_t iterations = 200;
  const auto root = boost::math::tools::toms748_solve(
      stationarity, 0.0, hi, -target, stationarity(hi),
      boost::math::tools::eps_tolerance<double>(50), iterations);
  const double t = 0.5 * (root.first + root.second);
  return ReplacementPlan{true, t, cost_rate(life, costs, t)};
}

}  // namespace roundhouse::ml
