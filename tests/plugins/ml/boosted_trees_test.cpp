// BoostedTrees: the XGBoost wrapper learns, round-trips through bytes exactly, and refuses bad
// input with a named error instead of crashing.
#include <gtest/gtest.h>

#include <cmath>

#include "trees/boosted_trees.hpp"

namespace roundhouse::ml {
namespace {

// y = 10 * [x0 > 0.5] + 3 * x1 on a grid: a step plus a ramp, learnable by shallow trees.
void step_data(Eigen::MatrixXd& x, Eigen::VectorXd& y) {
  const int n = 400;
  x.resize(n, 2);
  y.resize(n);
  for (int i = 0; i < n; ++i) {
    x(i, 0) = (i % 20) / 19.0;
    x(i, 1) = (i / 20) / 19.0;
    y(i) = 10.0 * (x(i, 0) > 0.5) + 3.0 * x(i, 1);
  }
}

TEST(BoostedTrees, LearnsAStepAndARamp) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  step_data(x, y);
  auto model = BoostedTrees::fit(x, y, {.rounds = 300, .learning_rate = 0.1, .max_depth = 3});
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ(model->feature_count(), 2);
  auto predicted = model->predict(x);
  ASSERT_TRUE(predicted);
  EXPECT_LT(std::sqrt((*predicted - y).squaredNorm() / y.size()), 0.2);
  // Fewer trees fit worse: predict(x, rounds) really uses only the first trees.
  auto early = model->predict(x, 5);
  ASSERT_TRUE(early);
  EXPECT_GT((*early - y).squaredNorm(), (*predicted - y).squaredNorm());
}

TEST(BoostedTrees, SaveLoadGivesIdenticalPredictions) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  step_data(x, y);
  auto model = BoostedTrees::fit(x, y, {.rounds = 50});
  ASSERT_TRUE(model);
  auto bytes = model->save();
  ASSERT_TRUE(bytes);
  auto loaded = BoostedTrees::load(*bytes);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->feature_count(), 2);
  EXPECT_EQ(*model->predict(x), *loaded->predict(x));
  const double row[] = {0.9, 0.25};
  auto one = loaded->predict_one(row);
  ASSERT_TRUE(one);
  EXPECT_NEAR(*one, 10.75, 0.5);
}

TEST(BoostedTrees, SameSeedSameModel) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  step_data(x, y);
  const BoostedTreesParams p{.rounds = 40, .subsample = 0.7, .colsample_bytree = 0.5, .seed = 7};
  EXPECT_EQ(*BoostedTrees::fit(x, y, p)->predict(x), *BoostedTrees::fit(x, y, p)->predict(x));
}

TEST(BoostedTrees, LogisticGivesProbabilities) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  step_data(x, y);
  const Eigen::VectorXd label = (x.col(0).array() > 0.5).cast<double>();
  auto model = BoostedTrees::fit(x, label, {.objective = "binary:logistic", .rounds = 50});
  ASSERT_TRUE(model) << model.error().message;
  auto p = model->predict(x);
  ASSERT_TRUE(p);
  EXPECT_TRUE((p->array() >= 0 && p->array() <= 1).all());
  EXPECT_GT((*p)(19), 0.9);  // x0 = 1
  EXPECT_LT((*p)(0), 0.1);   // x0 = 0
}

TEST(BoostedTrees, RefusesBadInput) {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  step_data(x, y);
  auto short_labels = BoostedTrees::fit(x, y.head(10), {});
  ASSERT_FALSE(short_labels);
  EXPECT_EQ(short_labels.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(short_labels.error().message.find("expected 400"), std::string::npos);
  auto bad_depth = BoostedTrees::fit(x, y, {.max_depth = 0});
  ASSERT_FALSE(bad_depth);
  EXPECT_NE(bad_depth.error().message.find("max_depth"), std::string::npos);
  EXPECT_FALSE(BoostedTrees::fit(x, y, {.objective = "binary:logistic"}));  // labels not 0/1

  auto model = BoostedTrees::fit(x, y, {.rounds = 5});
  ASSERT_TRUE(model);
  auto wrong_width = model->predict(Eigen::MatrixXd::Zero(3, 5));
  ASSERT_FALSE(wrong_width);
  EXPECT_EQ(wrong_width.error().message, "expected 2 features, got 5");

  const std::uint8_t garbage[] = {1, 2, 3, 4, 5};
  auto loaded = BoostedTrees::load(garbage);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(BoostedTrees::load({}));
}

}  // namespace
}  // namespace roundhouse::ml
