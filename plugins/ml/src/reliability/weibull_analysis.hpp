#pragma once
// A Weibull analysis as served by POST /api/v1/reliability/weibull: fit life data by MLE or rank
// regression and report parameters, bounds, B-lives and the log-likelihood as JSON.
//
// Bounds are two-sided Fisher-matrix bounds (numeric/weibull_bounds.hpp) and exist for MLE only;
// for rank regression they are null and r_squared is reported instead. The log-likelihood is
// evaluated at the fitted parameters whatever the method (failures ln f(t), suspensions ln R(t)).

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "numeric/weibull.hpp"

namespace roundhouse::ml::reliability {

struct WeibullOptions {
  std::string method = "mle";                 // mle | rrx | rry
  double confidence = 0.95;                   // two-sided, in (0, 1)
  std::vector<double> b_lives = {10.0};       // percent failed, each in (0, 100); B10 always added
};

// invalid_argument for bad options or times; rule_violation (HTTP 422) when there are fewer than
// two failures or the data cannot identify a fit.
Result<boost::json::object> weibull_analysis(const LifeData& data, const WeibullOptions& options);

}  // namespace roundhouse::ml::reliability
