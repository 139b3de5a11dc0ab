// Metrics worked by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "eval/metrics.hpp"

namespace roundhouse::ml {
namespace {

TEST(Metrics, RmseMaeNasaScore) {
  Eigen::VectorXd predicted(3), truth(3);
  predicted << 10, 30, 20;  // d = -10, +10, 0
  truth << 20, 20, 20;
  EXPECT_DOUBLE_EQ(rmse(predicted, truth), std::sqrt(200.0 / 3));
  EXPECT_DOUBLE_EQ(mae(predicted, truth), 20.0 / 3);
  // early: exp(10/13) - 1; late: exp(10/10) - 1; exact: 0. Late costs more.
  EXPECT_DOUBLE_EQ(nasa_score(predicted, truth), std::exp(10.0 / 13) - 1 + std::exp(1.0) - 1);
}

TEST(Metrics, AucCountsPairsAndTies) {
  Eigen::VectorXd score(4), label(4);
  score << 0.1, 0.4, 0.35, 0.8;
  label << 0, 0, 1, 1;
  EXPECT_DOUBLE_EQ(auc(score, label), 0.75);  // 3 of 4 positive-negative pairs ordered
  score << 0.5, 0.5, 0.5, 0.5;
  EXPECT_DOUBLE_EQ(auc(score, label), 0.5);
  label << 1, 1, 1, 1;
  EXPECT_TRUE(std::isnan(auc(score, label)));
}

}  // namespace
}  // namespace roundhouse::ml
