#include "numeric/weibull.hpp"

#include <cmath>
#include <sstream>

#include "numeric/checks.hpp"

namespace roundhouse::ml {

Status validate_life_data(const LifeData& data, std::size_t min_failures) {
  if (auto s = require_positive(data.failures, "failure times"); !s) return s;
  if (auto s = require_positive(data.right_censored, "right-censored times"); !s) return s;
  if (data.failures.size() < min_failures) {
    std::ostringstream out;
    out << "too few failures: need at least " << min_failures << ", got " << data.failures.size();
    return invalid(out.str());
  }
  return {};
}

double weibull_cumulative_hazard(const WeibullParams& p, double t) {
  return t <= 0.0 ? 0.0 : std::pow(t / p.eta, p.beta);
}

double weibull_reliability(const WeibullParams& p, double t) {
  return std::exp(-weibull_cumulative_hazard(p, t));
}

double weibull_unreliability(const WeibullParams& p, double t) {
  return -std::expm1(-weibull_cumulative_hazard(p, t));  // accurate for small F
}

double weibull_hazard(const WeibullParams& p, double t) {
  if (t < 0.0) return 0.0;
  return p.beta / p.eta * std::pow(t / p.eta, p.beta - 1.0);
}

double weibull_pdf(const WeibullParams& p, double t) {
  if (t < 0.0) return 0.0;
  return weibull_hazard(p, t) * weibull_reliability(p, t);
}

double weibull_mean_life(const WeibullParams& p) { return p.eta * std::tgamma(1.0 + 1.0 / p.beta); }

Result<double> weibull_b_life(const WeibullParams& p, double fraction_failed) {
  if (auto s = require_open_unit(fraction_failed, "fraction failed"); !s) return s;
  return p.eta * std::pow(-std::log1p(-fraction_failed), 1.0 / p.beta);
}

}  // namespace roundhouse::ml
