// Croston, SBA and additive Holt-Winters on short series worked by hand.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "numeric/demand_forecast.hpp"

namespace ml = roundhouse::ml;

// Demand 0 3 0 0 5 0 4, alpha 0.5:
//   period 2: first demand   z = 3,                       p = 2 (periods since the start)
//   period 5: d = 5, q = 3   z = 3 + 0.5 (5 - 3) = 4,     p = 2 + 0.5 (3 - 2) = 2.5
//   period 7: d = 4, q = 2   z = 4 + 0.5 (4 - 4) = 4,     p = 2.5 + 0.5 (2 - 2.5) = 2.25
//   Croston = 4 / 2.25 = 16/9; SBA = (1 - 0.25) * 16/9 = 4/3.
TEST(Croston, HandComputedSeries) {
  const std::vector<double> demand{0, 3, 0, 0, 5, 0, 4};
  auto croston = ml::croston_forecast(demand, 0.5);
  ASSERT_TRUE(croston);
  EXPECT_DOUBLE_EQ(croston->demand_size, 4.0);
  EXPECT_DOUBLE_EQ(croston->interval, 2.25);
  EXPECT_DOUBLE_EQ(croston->rate, 16.0 / 9.0);
  auto sba = ml::croston_forecast(demand, 0.5, ml::CrostonVariant::sba);
  ASSERT_TRUE(sba);
  EXPECT_DOUBLE_EQ(sba->rate, 4.0 / 3.0);
}

TEST(Croston, RefusesBadInput) {
  const std::vector<double> none{0, 0, 0};
  EXPECT_NE(ml::croston_forecast(none, 0.1).error().message.find("no non-zero demand"),
            std::string::npos);
  const std::vector<double> negative{1, -1};
  EXPECT_FALSE(ml::croston_forecast(negative, 0.1));
  const std::vector<double> ok{1, 2};
  EXPECT_FALSE(ml::croston_forecast(ok, 0.0));
  EXPECT_FALSE(ml::croston_forecast(ok, 1.0));
}

// y = 1 3 2 5 4 6, m = 2, alpha = beta = gamma = 0.5.
// Init: season means 2 and 3.5 -> b = 0.75, l = 2 + 0.75 * 0.5 = 2.375, s = (-0.625, 0.625).
//   t=2 y=2: err -0.5      l = 2.875     b = 0.625      s = -0.75
//   t=3 y=5: err 0.875     l = 3.9375    b = 0.84375    s = 0.84375
//   t=4 y=4: err -0.03125  l = 4.765625  b = 0.8359375  s = -0.7578125
//   t=5 y=6: err -0.4453125 l = 5.37890625 b = 0.724609375 s = 0.732421875
// Forecast: h=1 l+b-0.7578125 = 5.345703125, h=2 l+2b+0.732421875 = 7.560546875,
//           h=3 l+3b-0.7578125 = 6.794921875.
TEST(HoltWinters, HandComputedSeries) {
  const std::vector<double> y{1, 3, 2, 5, 4, 6};
  auto f = ml::holt_winters_additive(y, {2, 0.5, 0.5, 0.5}, 3);
  ASSERT_TRUE(f);
  EXPECT_DOUBLE_EQ(f->level, 5.37890625);
  EXPECT_DOUBLE_EQ(f->trend, 0.724609375);
  EXPECT_EQ(f->season, (std::vector<double>{-0.7578125, 0.732421875}));
  EXPECT_EQ(f->one_step_errors, (std::vector<double>{-0.5, 0.875, -0.03125, -0.4453125}));
  EXPECT_EQ(f->forecast, (std::vector<double>{5.345703125, 7.560546875, 6.794921875}));
}

TEST(HoltWinters, ReproducesAnExactTrendPlusSeasonSeries) {
  const double pattern[] = {2.0, -1.0, 0.5, -1.5};  // sums to zero
  std::vector<double> y;
  for (int t = 0; t < 12; ++t) y.push_back(10.0 + 0.5 * t + pattern[t % 4]);
  auto f = ml::holt_winters_additive(y, {4, 0.3, 0.2, 0.4}, 5);
  ASSERT_TRUE(f);
  for (double e : f->one_step_errors) EXPECT_NEAR(e, 0.0, 1e-12);
  for (int h = 1; h <= 5; ++h) {
    const int t = 11 + h;
    EXPECT_NEAR(f->forecast[static_cast<std::size_t>(h - 1)], 10.0 + 0.5 * t + pattern[t % 4], 1e-12);
  }
}

TEST(HoltWinters, RefusesTooShortSeriesAndBadConstants) {
  const std::vector<double> y{1, 2, 3};
  EXPECT_NE(ml::holt_winters_additive(y, {2, 0.5, 0.5, 0.5}, 1).error().message.find("two seasons"),
            std::string::npos);
  const std::vector<double> four{1, 2, 3, 4};
  EXPECT_FALSE(ml::holt_winters_additive(four, {1, 0.5, 0.5, 0.5}, 1));
  EXPECT_FALSE(ml::holt_winters_additive(four, {2, 1.5, 0.5, 0.5}, 1));
}
