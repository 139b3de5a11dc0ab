// Weibull functions, Johnson/Benard ranks, Fisher-matrix bounds and the errors callers rely on.
#include <cmath>

#include <gtest/gtest.h>

#include "expect_digits.hpp"
#include "numeric/median_ranks.hpp"
#include "numeric/weibull_bounds.hpp"
#include "numeric/weibull_fit.hpp"

namespace ml = roundhouse::ml;
using ml::testing::agrees_to_digits;

namespace {
const ml::LifeData kKececioglu{{16, 34, 53, 75, 93, 120}, {}};
}

TEST(Weibull, FunctionsFollowTheirDefinitions) {
  const ml::WeibullParams p{2.0, 100.0};
  EXPECT_DOUBLE_EQ(ml::weibull_reliability(p, 100.0), std::exp(-1.0));
  EXPECT_DOUBLE_EQ(ml::weibull_unreliability(p, 100.0), 1.0 - std::exp(-1.0));
  EXPECT_DOUBLE_EQ(ml::weibull_hazard(p, 50.0), 2.0 / 100.0 * 0.5);
  EXPECT_DOUBLE_EQ(ml::weibull_cumulative_hazard(p, 50.0), 0.25);
  EXPECT_DOUBLE_EQ(ml::weibull_pdf(p, 50.0), 0.01 * std::exp(-0.25));
  EXPECT_NEAR(ml::weibull_mean_life(p), 100.0 * std::sqrt(M_PI) / 2.0, 1e-9);  // eta Gamma(1.5)
  EXPECT_DOUBLE_EQ(ml::weibull_reliability(p, 0.0), 1.0);
}

TEST(Weibull, BLifeInvertsTheCdf) {
  const ml::WeibullParams p{1.9327, 73.526};
  auto b10 = ml::weibull_b_life(p, 0.10);
  ASSERT_TRUE(b10);
  EXPECT_NEAR(ml::weibull_unreliability(p, *b10), 0.10, 1e-12);
  // Exponential (beta = 1): B50 is the median eta ln 2.
  EXPECT_NEAR(*ml::weibull_b_life({1.0, 10.0}, 0.5), 10.0 * std::log(2.0), 1e-12);
  EXPECT_FALSE(ml::weibull_b_life(p, 0.0));
  EXPECT_FALSE(ml::weibull_b_life(p, 1.0));
}

TEST(MedianRanks, BenardWithoutCensoring) {
  auto ranks = ml::benard_median_ranks({{30, 10, 20}, {}});
  ASSERT_TRUE(ranks);
  ASSERT_EQ(ranks->size(), 3u);
  EXPECT_EQ((*ranks)[0].time, 10);
  EXPECT_DOUBLE_EQ((*ranks)[1].adjusted_rank, 2.0);
  EXPECT_DOUBLE_EQ((*ranks)[2].median_rank, (3 - 0.3) / 3.4);
}

TEST(MedianRanks, JohnsonAdjustsForSuspensionsByHand) {
  // Order: F10 S20 F30 S40 F50, N = 5. Reverse ranks 5, 3, 1 at the failures:
  // (5*0 + 6)/6 = 1, (3*1 + 6)/4 = 2.25, (1*2.25 + 6)/2 = 4.125.
  auto ranks = ml::benard_median_ranks({{10, 30, 50}, {20, 40}});
  ASSERT_TRUE(ranks);
  ASSERT_EQ(ranks->size(), 3u);
  EXPECT_DOUBLE_EQ((*ranks)[0].adjusted_rank, 1.0);
  EXPECT_DOUBLE_EQ((*ranks)[1].adjusted_rank, 2.25);
  EXPECT_DOUBLE_EQ((*ranks)[2].adjusted_rank, 4.125);
  EXPECT_DOUBLE_EQ((*ranks)[2].median_rank, (4.125 - 0.3) / 5.4);
}

TEST(MedianRanks, AFailureTiedWithASuspensionComesFirst) {
  auto ranks = ml::benard_median_ranks({{10, 20}, {10}});
  ASSERT_TRUE(ranks);
  EXPECT_DOUBLE_EQ((*ranks)[0].adjusted_rank, 1.0);  // the suspension at 10 does not precede it
  EXPECT_DOUBLE_EQ((*ranks)[1].adjusted_rank, 1.0 + (4.0 - 1.0) / 2.0);
}

TEST(WeibullMle, SuspensionsBeyondTheFailuresRaiseTheScale) {
  auto complete = ml::fit_weibull_mle(kKececioglu);
  auto censored = ml::fit_weibull_mle({kKececioglu.failures, {150, 150}});
  ASSERT_TRUE(complete && censored);
  EXPECT_GT(censored->params.eta, complete->params.eta);
  EXPECT_EQ(censored->suspensions, 2u);
}

TEST(WeibullMle, ScaleOfTheTimeUnitDoesNotMatter) {
  ml::LifeData hours = kKececioglu;
  for (double& t : hours.failures) t *= 3600.0 * 1e6;  // huge values: t^beta must not overflow
  auto a = ml::fit_weibull_mle(kKececioglu);
  auto b = ml::fit_weibull_mle(hours);
  ASSERT_TRUE(a && b);
  EXPECT_NEAR(b->params.beta, a->params.beta, 1e-9);
  EXPECT_NEAR(b->params.eta / 3.6e9, a->params.eta, 1e-6);
}

TEST(WeibullMle, RefusesDataThatCannotBeFitted) {
  EXPECT_EQ(ml::fit_weibull_mle({{10}, {20, 30}}).error().message,
            "too few failures: need at least 2, got 1");
  EXPECT_NE(ml::fit_weibull_mle({{10, -1}, {}}).error().message.find("failure times must be finite and > 0"),
            std::string::npos);
  EXPECT_FALSE(ml::fit_weibull_mle({{10, 20}, {0.0}}));
  EXPECT_FALSE(ml::fit_weibull_mle({{10, NAN}, {}}));
  auto equal = ml::fit_weibull_mle({{5, 5, 5}, {}});
  ASSERT_FALSE(equal);
  EXPECT_EQ(equal.error().code, roundhouse::ErrorCode::invalid_argument);
  EXPECT_NE(equal.error().message.find("unbounded"), std::string::npos);
}

TEST(WeibullRankRegression, RefusesASingularDesign) {
  auto r = ml::fit_weibull_rank_regression({{7, 7}, {}}, ml::RankRegressionAxis::y_on_x);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("singular"), std::string::npos);
  EXPECT_FALSE(ml::fit_weibull_rank_regression({{7}, {}}, ml::RankRegressionAxis::x_on_y));
}

TEST(WeibullRankRegression, PointsOnAWeibullLineGiveRSquaredOne) {
  // Times placed exactly at the Benard median ranks of a (beta 2, eta 100) distribution.
  ml::LifeData data;
  const int n = 8;
  for (int i = 1; i <= n; ++i) {
    const double f = (i - 0.3) / (n + 0.4);
    data.failures.push_back(100.0 * std::pow(-std::log1p(-f), 0.5));
  }
  for (auto axis : {ml::RankRegressionAxis::x_on_y, ml::RankRegressionAxis::y_on_x}) {
    auto fit = ml::fit_weibull_rank_regression(data, axis);
    ASSERT_TRUE(fit);
    EXPECT_NEAR(fit->params.beta, 2.0, 1e-9);
    EXPECT_NEAR(fit->params.eta, 100.0, 1e-7);
    EXPECT_NEAR(fit->r_squared, 1.0, 1e-12);
  }
}

// Published: Altair Compose/Activate `wblfit` example (same convention as MATLAB): 20 failures,
// a = 10.411, b = 1.7397, 95% bounds a [7.974, 13.594], b [1.2667, 2.3893].
TEST(WeibullBounds, ParameterBoundsMatchThePublishedWblfitExample) {
  const ml::LifeData data{{13.22, 9.41, 8.58, 7.98, 4.12, 16.1, 5.62, 2.28, 9.69, 28.2, 13.84, 5.62,
                           5.26, 6.91, 8.92, 9.07, 9.83, 1.86, 12.66, 5.44},
                          {}};
  auto fit = ml::fit_weibull_mle(data);
  ASSERT_TRUE(fit);
  EXPECT_TRUE(agrees_to_digits(fit->params.eta, 10.411, 5));
  EXPECT_TRUE(agrees_to_digits(fit->params.beta, 1.7397, 5));
  auto bounds = ml::WeibullBounds::create(*fit, 0.95);
  ASSERT_TRUE(bounds);
  EXPECT_TRUE(agrees_to_digits(bounds->eta().lower, 7.974, 4));
  EXPECT_TRUE(agrees_to_digits(bounds->eta().upper, 13.594, 5));
  EXPECT_TRUE(agrees_to_digits(bounds->beta().lower, 1.2667, 5));
  EXPECT_TRUE(agrees_to_digits(bounds->beta().upper, 2.3893, 5));
}

// Reliability and B-life bounds: the delta method with the analytic gradients in the library,
// checked against values from an independent prototype that differentiated numerically (90%).
TEST(WeibullBounds, ReliabilityAndBLifeBoundsForTheKececiogluData) {
  auto fit = ml::fit_weibull_mle(kKececioglu);
  ASSERT_TRUE(fit);
  auto bounds = ml::WeibullBounds::create(*fit, 0.90);
  ASSERT_TRUE(bounds);
  EXPECT_TRUE(agrees_to_digits(bounds->z(), 1.644854, 7));
  auto r = bounds->reliability(50.0);
  ASSERT_TRUE(r);
  EXPECT_TRUE(agrees_to_digits(ml::weibull_reliability(fit->params, 50.0), 0.62213, 5));
  EXPECT_TRUE(agrees_to_digits(r->lower, 0.303758, 5));
  EXPECT_TRUE(agrees_to_digits(r->upper, 0.827751, 5));
  auto b10 = bounds->b_life(0.10);
  ASSERT_TRUE(b10);
  EXPECT_TRUE(agrees_to_digits(*ml::weibull_b_life(fit->params, 0.10), 22.9487, 5));
  EXPECT_TRUE(agrees_to_digits(b10->lower, 9.98780, 5));
  EXPECT_TRUE(agrees_to_digits(b10->upper, 52.7287, 5));
  // Wider confidence, wider interval; bounds contain the estimate.
  auto wide = ml::WeibullBounds::create(*fit, 0.99);
  EXPECT_LT(wide->b_life(0.10)->lower, b10->lower);
  EXPECT_LT(bounds->beta().lower, fit->params.beta);
  EXPECT_GT(bounds->eta().upper, fit->params.eta);
}

TEST(WeibullBounds, RefusesABadConfidenceLevelOrTime) {
  auto fit = ml::fit_weibull_mle(kKececioglu);
  ASSERT_TRUE(fit);
  EXPECT_FALSE(ml::WeibullBounds::create(*fit, 1.0));
  EXPECT_FALSE(ml::WeibullBounds::create(*fit, 95.0));
  EXPECT_FALSE(ml::WeibullBounds::create(*fit, 0.9)->reliability(0.0));
  EXPECT_FALSE(ml::WeibullBounds::create(*fit, 0.9)->b_life(1.5));
}
