// Linear, ridge and logistic regression against closed forms worked by hand.
#include <cmath>

#include <gtest/gtest.h>

#include "numeric/regression.hpp"

namespace ml = roundhouse::ml;

namespace {

Eigen::MatrixXd column(std::initializer_list<double> v) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(v.size()), 1);
  Eigen::Index i = 0;
  for (double x : v) m(i++, 0) = x;
  return m;
}

Eigen::VectorXd vec(std::initializer_list<double> v) { return column(v).col(0); }

// x = 1..4, y = 2 3 5 4: mean x 2.5, mean y 3.5, Sxx = 5, Sxy = 4.
const Eigen::MatrixXd kX = column({1, 2, 3, 4});
const Eigen::VectorXd kY = vec({2, 3, 5, 4});

}  // namespace

TEST(LinearRegression, OrdinaryLeastSquaresByHand) {
  for (bool standardize : {false, true}) {
    auto m = ml::fit_linear(kX, kY, {.l2 = 0.0, .standardize = standardize});
    ASSERT_TRUE(m);
    EXPECT_NEAR(m->coefficients(0), 0.8, 1e-12);  // Sxy / Sxx
    EXPECT_NEAR(m->intercept, 1.5, 1e-12);        // 3.5 - 0.8 * 2.5
    EXPECT_NEAR(m->predict(column({10}))(0), 9.5, 1e-12);
  }
}

TEST(LinearRegression, RecoversAnExactPlane) {
  Eigen::MatrixXd x(6, 2);
  x << 1, 0, 2, 1, 3, 5, 4, 2, 5, 7, 9, 1;
  const Eigen::VectorXd y = (1.0 + 2.0 * x.col(0).array() - 3.0 * x.col(1).array()).matrix();
  auto m = ml::fit_linear(x, y);
  ASSERT_TRUE(m);
  EXPECT_NEAR(m->intercept, 1.0, 1e-10);
  EXPECT_NEAR(m->coefficients(0), 2.0, 1e-10);
  EXPECT_NEAR(m->coefficients(1), -3.0, 1e-10);
}

TEST(RidgeRegression, ShrinksBySxyOverSxxPlusLambda) {
  // Raw features: slope = Sxy / (Sxx + l2) = 4 / 6.
  auto raw = ml::fit_linear(kX, kY, {.l2 = 1.0, .standardize = false});
  ASSERT_TRUE(raw);
  EXPECT_NEAR(raw->coefficients(0), 4.0 / 6.0, 1e-12);
  EXPECT_NEAR(raw->intercept, 3.5 - 4.0 / 6.0 * 2.5, 1e-12);
  // Standardized (population sd^2 = 5/4): the penalty acts on sd * slope, so
  // slope = Sxy / (Sxx + l2 sd^2) = 4 / 6.25 on the raw scale.
  auto scaled = ml::fit_linear(kX, kY, {.l2 = 1.0, .standardize = true});
  ASSERT_TRUE(scaled);
  EXPECT_NEAR(scaled->coefficients(0), 0.64, 1e-12);
  EXPECT_NEAR(scaled->intercept, 3.5 - 0.64 * 2.5, 1e-12);
}

TEST(RidgeRegression, HandlesCollinearFeaturesThatOrdinaryLeastSquaresRefuses) {
  Eigen::MatrixXd x(4, 2);
  x.col(0) = kX.col(0);
  x.col(1) = kX.col(0);
  auto ols = ml::fit_linear(x, kY);
  ASSERT_FALSE(ols);
  EXPECT_NE(ols.error().message.find("singular design"), std::string::npos);
  auto ridge = ml::fit_linear(x, kY, {.l2 = 0.5});
  ASSERT_TRUE(ridge);
  EXPECT_NEAR(ridge->coefficients(0), ridge->coefficients(1), 1e-12);  // the weight is shared
}

TEST(LinearRegression, RefusesBadInput) {
  EXPECT_NE(ml::fit_linear(kX, vec({1, 2, 3})).error().message.find("rows"), std::string::npos);
  EXPECT_FALSE(ml::fit_linear(column({1}), vec({1})));
  EXPECT_FALSE(ml::fit_linear(kX, kY, {.l2 = -1.0}));
  EXPECT_FALSE(ml::fit_linear(column({1, NAN, 3, 4}), kY));
}

// One binary feature: the unpenalized MLE reproduces each group's log-odds exactly.
// x = 0: 1 of 4 positive -> intercept = logit(1/4) = -ln 3; x = 1: 3 of 4 -> slope = 2 ln 3.
TEST(LogisticRegression, BinaryFeatureGivesGroupLogOdds) {
  const Eigen::MatrixXd x = column({0, 0, 0, 0, 1, 1, 1, 1});
  const Eigen::VectorXd y = vec({1, 0, 0, 0, 1, 1, 1, 0});
  for (bool standardize : {false, true}) {
    ml::LogisticOptions options;
    options.regression.standardize = standardize;
    auto m = ml::fit_logistic(x, y, options);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_NEAR(m->intercept, -std::log(3.0), 1e-9);
    EXPECT_NEAR(m->coefficients(0), 2.0 * std::log(3.0), 1e-9);
    EXPECT_NEAR(m->predict_probability(column({1}))(0), 0.75, 1e-9);
  }
}

// With an L2 penalty the optimum satisfies sum(p - y) = 0 and sum(x (p - y)) + l2 w = 0.
TEST(LogisticRegression, PenalizedOptimumSatisfiesItsStationarityConditions) {
  const Eigen::MatrixXd x = column({0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0});
  const Eigen::VectorXd y = vec({0, 0, 1, 0, 1, 0, 1, 1});
  ml::LogisticOptions options;
  options.regression = {.l2 = 2.0, .standardize = false};
  auto m = ml::fit_logistic(x, y, options);
  ASSERT_TRUE(m);
  const Eigen::VectorXd residual = m->predict_probability(x) - y;
  EXPECT_NEAR(residual.sum(), 0.0, 1e-9);
  EXPECT_NEAR(x.col(0).dot(residual) + 2.0 * m->coefficients(0), 0.0, 1e-9);
  auto unpenalized = ml::fit_logistic(x, y, {.regression = {.l2 = 0.0, .standardize = false}});
  ASSERT_TRUE(unpenalized);
  EXPECT_LT(m->coefficients(0), unpenalized->coefficients(0));
  EXPECT_GT(m->coefficients(0), 0.0);
}

TEST(LogisticRegression, RefusesSeparableDataWithoutPenaltyAndBadLabels) {
  const Eigen::MatrixXd x = column({1, 2, 3, 4});
  auto separable = ml::fit_logistic(x, vec({0, 0, 1, 1}));
  ASSERT_FALSE(separable);
  EXPECT_NE(separable.error().message.find("separable"), std::string::npos);
  EXPECT_TRUE(ml::fit_logistic(x, vec({0, 0, 1, 1}), {.regression = {.l2 = 1.0}}));
  EXPECT_NE(ml::fit_logistic(x, vec({0, 0, 0, 0})).error().message.find("both classes"),
            std::string::npos);
  EXPECT_NE(ml::fit_logistic(x, vec({0, 2, 1, 1})).error().message.find("0 or 1"), std::string::npos);
}
