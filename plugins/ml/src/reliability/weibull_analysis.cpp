#include "reliability/weibull_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "numeric/weibull_bounds.hpp"
#include "numeric/weibull_fit.hpp"

namespace roundhouse::ml::reliability {
namespace {

boost::json::value interval_json(const std::optional<Interval>& i) {
  if (!i) return nullptr;
  return boost::json::object{{"lower", i->lower}, {"upper", i->upper}};
}

double log_likelihood(const LifeData& d, const WeibullParams& p) {
  double ll = 0;
  for (double t : d.failures) ll += std::log(weibull_pdf(p, t));
  for (double t : d.right_censored) ll -= weibull_cumulative_hazard(p, t);
  return ll;
}

// A fit that fails on valid input (all failures at one time, ...) is too little information, not a
// malformed request.
Error unidentifiable(const Error& e) { return {ErrorCode::rule_violation, "cannot fit a Weibull: " + e.message}; }

}  // namespace

Result<boost::json::object> weibull_analysis(const LifeData& data, const WeibullOptions& options) {
  if (options.method != "mle" && options.method != "rrx" && options.method != "rry")
    return Error{ErrorCode::invalid_argument, "method: 'mle', 'rrx' or 'rry', got '" + options.method + "'"};
  if (!(options.confidence > 0 && options.confidence < 1))
    return Error{ErrorCode::invalid_argument, "confidence must be in (0, 1), got " + std::to_string(options.confidence)};
  std::vector<double> b_lives = options.b_lives;
  for (double b : b_lives)
    if (!(b > 0 && b < 100))
      return Error{ErrorCode::invalid_argument, "b_lives: each percentage must be in (0, 100), got " + std::to_string(b)};
  if (std::find(b_lives.begin(), b_lives.end(), 10.0) == b_lives.end()) b_lives.push_back(10.0);
  std::sort(b_lives.begin(), b_lives.end());
  if (auto st = validate_life_data(data, 0); !st) return st.error();
  if (data.failures.size() < 2)
    return Error{ErrorCode::rule_violation, "too little data: a Weibull fit needs at least 2 failures, got " +
                                                std::to_string(data.failures.size())};

  WeibullParams params;
  std::optional<WeibullBounds> bounds;
  boost::json::object out;
  if (options.method == "mle") {
    auto fit = fit_weibull_mle(data);
    if (!fit) return unidentifiable(fit.error());
    params = fit->params;
    auto b = WeibullBounds::create(*fit, options.confidence);
    if (!b) return b.error();
    bounds = *b;
    out["r_squared"] = nullptr;
  } else {
    auto fit = fit_weibull_rank_regression(
        data, options.method == "rrx" ? RankRegressionAxis::x_on_y : RankRegressionAxis::y_on_x);
    if (!fit) return unidentifiable(fit.error());
    params = fit->params;
    out["r_squared"] = fit->r_squared;
  }
  out["method"] = options.method;
  out["beta"] = params.beta;
  out["eta"] = params.eta;
  out["mean_life"] = weibull_mean_life(params);
  out["log_likelihood"] = log_likelihood(data, params);
  out["failures"] = data.failures.size();
  out["suspensions"] = data.right_censored.size();
  out["confidence"] = options.confidence;
  boost::json::object b_json;
  if (bounds) {
    b_json["beta"] = interval_json(bounds->beta());
    b_json["eta"] = interval_json(bounds->eta());
  } else {
    b_json["beta"] = nullptr;
    b_json["eta"] = nullptr;
  }
  out["bounds"] = std::move(b_json);
  boost::json::array lives;
  for (double percent : b_lives) {
    auto life = weibull_b_life(params, percent / 100.0);
    if (!life) return life.error();
    std::optional<Interval> range;
    if (bounds) {
      auto r = bounds->b_life(percent / 100.0);
      if (!r) return r.error();
      range = *r;
    }
    if (percent == 10.0) out["b10"] = *life;
    lives.push_back(boost::json::object{{"percent", percent}, {"life", *life}, {"bounds", interval_json(range)}});
  }
  out["b_lives"] = std::move(lives);
  return out;
}

}  // namespace roundhouse::ml::reliability
