// Every case in shared/data/weibull/reference_cases.json, every method and quantity it lists under
// "expected" (published values) and "computed_here" (an independent fit of the same conventions),
// reproduced to 4 significant digits. An unknown method or quantity fails the test instead of
// being skipped, so the file cannot grow checks this suite silently ignores.
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include "expect_digits.hpp"
#include "numeric/weibull_fit.hpp"

namespace ml = roundhouse::ml;
namespace json = boost::json;
using ml::testing::agrees_to_digits;

namespace {

// Null when the file is missing or not JSON.
json::value load_cases() {
  std::ifstream in(ROUNDHOUSE_WEIBULL_REFERENCE_CASES);
  std::ostringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value v = json::parse(text.str(), ec);
  return ec ? json::value() : v;
}

std::vector<double> numbers(const json::value& v) {
  std::vector<double> out;
  for (const auto& x : v.as_array()) out.push_back(x.to_number<double>());
  return out;
}

// Checks one method block ({"beta": ..., "eta": ..., "source": ...}); returns quantities checked.
int check_method(const std::string& method, const json::object& quantities, const ml::LifeData& data) {
  const bool mle = method == "MLE";
  const bool rrx = method == "RRX_benard";
  const bool rry = method == "RRY_benard" || method == "LS";  // LS: least squares on y = RRY
  if (!mle && !rrx && !rry) {
    ADD_FAILURE() << "unknown method " << method;
    return 0;
  }
  ml::WeibullMleFit mle_fit;
  ml::WeibullRankFit rank_fit;
  if (mle) {
    auto fit = ml::fit_weibull_mle(data);
    if (!fit) {
      ADD_FAILURE() << fit.error().message;
      return 0;
    }
    mle_fit = *fit;
  } else {
    auto fit = ml::fit_weibull_rank_regression(
        data, rrx ? ml::RankRegressionAxis::x_on_y : ml::RankRegressionAxis::y_on_x);
    if (!fit) {
      ADD_FAILURE() << fit.error().message;
      return 0;
    }
    rank_fit = *fit;
  }
  const ml::WeibullParams p = mle ? mle_fit.params : rank_fit.params;
  const Eigen::Matrix2d& c = mle_fit.covariance;

  int checked = 0;
  for (const auto& [key, value] : quantities) {
    if (key == "source" || key == "note") continue;
    const double expected = value.to_number<double>();
    double actual = NAN;
    if (key == "beta") actual = p.beta;
    else if (key == "eta" || key == "alpha_eta") actual = p.eta;
    else if (mle && key == "loglik") actual = mle_fit.log_likelihood;
    else if (mle && key == "var_beta") actual = c(0, 0);
    else if (mle && key == "var_eta") actual = c(1, 1);
    else if (mle && key == "cov_beta_eta") actual = c(0, 1);
    else if (mle && key == "se_beta") actual = std::sqrt(c(0, 0));
    else if (mle && key == "se_alpha") actual = std::sqrt(c(1, 1));
    else {
      ADD_FAILURE() << "unknown quantity " << method << "." << key;
      continue;
    }
    EXPECT_TRUE(agrees_to_digits(actual, expected, 4)) << method << "." << key;
    ++checked;
  }
  return checked;
}

}  // namespace

TEST(WeibullReferenceCases, EveryCaseEveryQuantityToFourSignificantDigits) {
  const json::value root = load_cases();
  ASSERT_TRUE(root.is_object()) << "cannot read " << ROUNDHOUSE_WEIBULL_REFERENCE_CASES;
  const auto& cases = root.at("cases").as_array();
  ASSERT_GE(cases.size(), 4u);
  int checked = 0;
  for (const auto& entry : cases) {
    const auto& c = entry.as_object();
    SCOPED_TRACE(c.at("id").as_string().c_str());
    const ml::LifeData data{numbers(c.at("failures")), numbers(c.at("right_censored"))};
    for (const char* block : {"expected", "computed_here"}) {
      if (!c.contains(block)) continue;
      for (const auto& [method, quantities] : c.at(block).as_object()) {
        checked += check_method(std::string(method), quantities.as_object(), data);
      }
    }
  }
  // 4 cases x (MLE + RRX + RRY, published and recomputed): dozens of values, not a handful.
  EXPECT_GE(checked, 40);
}
