// Robust z-scores, the EWMA chart and Mahalanobis distances on small hand-checked data.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "numeric/anomaly.hpp"

namespace ml = roundhouse::ml;

TEST(RobustZ, MedianAndMadByHand) {
  // median 3, |deviations| 2 1 0 1 97 -> MAD 1, scale 1.4826.
  const std::vector<double> v{1, 2, 3, 4, 100};
  auto z = ml::robust_z_scores(v);
  ASSERT_TRUE(z);
  EXPECT_DOUBLE_EQ((*z)[0], -2.0 / 1.4826);
  EXPECT_DOUBLE_EQ((*z)[2], 0.0);
  EXPECT_DOUBLE_EQ((*z)[4], 97.0 / 1.4826);
  // Even count: median of 1 2 3 10 is 2.5.
  const std::vector<double> even{1, 2, 3, 10};
  EXPECT_DOUBLE_EQ((*ml::robust_z_scores(even))[1], -0.5 / (1.4826 * 1.0));
}

TEST(RobustZ, FallsBackToMeanAbsoluteDeviationWhenMadIsZero) {
  // median 5, MAD 0; mean |deviation| = 4/5 -> scale 1.2533 * 0.8.
  const std::vector<double> v{5, 5, 5, 5, 9};
  EXPECT_DOUBLE_EQ((*ml::robust_z_scores(v))[4], 4.0 / (1.2533 * 0.8));
  const std::vector<double> flat{7, 7, 7};
  EXPECT_EQ(*ml::robust_z_scores(flat), (std::vector<double>{0, 0, 0}));
  EXPECT_FALSE(ml::robust_z_scores(std::vector<double>{}));
}

// mu 10, sigma 2, lambda 0.5, L 3: e = 10, 11, 9.5, 14.75;
// half-widths 3 * 2 * sqrt(1/3 (1 - 0.25^t)) = 3, 3.3541, 3.4369, 3.4573.
TEST(Ewma, HandComputedChart) {
  const std::vector<double> v{10, 12, 8, 20};
  ml::EwmaOptions options{.lambda = 0.5, .width = 3.0, .mean = 10.0, .sigma = 2.0};
  auto chart = ml::ewma_chart(v, options);
  ASSERT_TRUE(chart);
  const double ewma[] = {10, 11, 9.5, 14.75};
  for (int t = 1; t <= 4; ++t) {
    const auto& p = (*chart)[static_cast<std::size_t>(t - 1)];
    const double half = 6.0 * std::sqrt((1.0 - std::pow(0.25, t)) / 3.0);
    EXPECT_DOUBLE_EQ(p.ewma, ewma[t - 1]);
    EXPECT_NEAR(p.upper, 10.0 + half, 1e-12);
    EXPECT_NEAR(p.lower, 10.0 - half, 1e-12);
  }
  EXPECT_NEAR((*chart)[0].upper, 13.0, 1e-12);
  EXPECT_FALSE((*chart)[2].out_of_control);
  EXPECT_TRUE((*chart)[3].out_of_control);  // 14.75 > 13.457
}

TEST(Ewma, EstimatesMeanAndSigmaFromTheBaseline) {
  // Baseline 9 10 11: mean 10, sample sd 1. lambda 1 makes the chart a Shewhart chart.
  const std::vector<double> v{9, 10, 11, 12.5, 13.5};
  auto chart = ml::ewma_chart(v, {.lambda = 1.0, .width = 3.0, .baseline = 3});
  ASSERT_TRUE(chart);
  EXPECT_DOUBLE_EQ((*chart)[0].upper, 13.0);
  EXPECT_FALSE((*chart)[3].out_of_control);
  EXPECT_TRUE((*chart)[4].out_of_control);
  const std::vector<double> flat{4, 4, 4};
  EXPECT_NE(ml::ewma_chart(flat, {}).error().message.find("sigma"), std::string::npos);
  EXPECT_FALSE(ml::ewma_chart(v, {.lambda = 0.0}));
  EXPECT_FALSE(ml::ewma_chart(v, {.baseline = 9}));
}

TEST(Mahalanobis, DiagonalCovarianceByHand) {
  // Rows (1,0), (-1,0), (0,2), (0,-2): mean 0, sample variances 2/3 and 8/3, no covariance.
  Eigen::MatrixXd ref(4, 2);
  ref << 1, 0, -1, 0, 0, 2, 0, -2;
  auto det = ml::MahalanobisDetector::fit(ref);
  ASSERT_TRUE(det);
  EXPECT_FALSE(det->regularized());
  Eigen::MatrixXd x(2, 2);
  x << 1, 2, 0, 0;
  auto d = det->distance(x);
  ASSERT_TRUE(d);
  EXPECT_NEAR((*d)(0), std::sqrt(1.0 / (2.0 / 3.0) + 4.0 / (8.0 / 3.0)), 1e-12);  // sqrt 3
  EXPECT_NEAR((*d)(1), 0.0, 1e-12);
}

TEST(Mahalanobis, CorrelationMakesOffAxisPointsFar) {
  Eigen::MatrixXd ref(5, 2);
  ref << 1, 1.1, 2, 1.9, 3, 3.2, 4, 3.9, 5, 5.0;
  auto det = ml::MahalanobisDetector::fit(ref);
  ASSERT_TRUE(det);
  Eigen::MatrixXd x(2, 2);
  x << 5.5, 5.5, 5.5, 1.0;  // along the trend, and against it
  auto d = det->distance(x);
  ASSERT_TRUE(d);
  EXPECT_LT((*d)(0), 3.0);
  EXPECT_GT((*d)(1), 10.0);
}

TEST(Mahalanobis, RegularizesASingularCovariance) {
  Eigen::MatrixXd ref(4, 3);  // column 2 = 2 * column 1, column 3 constant
  ref << 1, 2, 7, 2, 4, 7, 3, 6, 7, 4, 8, 7;
  auto det = ml::MahalanobisDetector::fit(ref);
  ASSERT_TRUE(det);
  EXPECT_TRUE(det->regularized());
  EXPECT_GT(det->ridge(), 0.0);
  Eigen::MatrixXd x(2, 3);
  x << 2.5, 5, 7, 2.5, 0, 7;
  auto d = det->distance(x);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->allFinite());
  EXPECT_NEAR((*d)(0), 0.0, 1e-6);   // the mean itself
  EXPECT_GT((*d)(1), 100.0);         // breaks the x2 = 2 x1 relation
}

TEST(Mahalanobis, RefusesBadShapes) {
  EXPECT_FALSE(ml::MahalanobisDetector::fit(Eigen::MatrixXd::Ones(1, 2)));
  auto det = ml::MahalanobisDetector::fit(Eigen::MatrixXd::Identity(3, 2));
  ASSERT_TRUE(det);
  auto d = det->distance(Eigen::MatrixXd::Zero(1, 3));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message, "Mahalanobis: expected 2 columns, got 3");
}
