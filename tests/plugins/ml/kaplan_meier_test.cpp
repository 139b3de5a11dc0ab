// Kaplan-Meier with Greenwood variance against a fixture worked by hand.
#include <gtest/gtest.h>

#include "numeric/kaplan_meier.hpp"

namespace ml = roundhouse::ml;

// Lives: failures at 2, 3, 3, 6, 8; suspensions at 3, 5, 9 (N = 8).
//   t  n  d  S                      Greenwood sum d/(n(n-d))     Var = S^2 * sum
//   2  8  1  7/8                    1/56                         (49/64)(1/56)   = 7/512
//   3  7  2  7/8 * 5/7  = 5/8       1/56 + 2/35 = 3/40           (25/64)(3/40)   = 15/512
//   6  3  1  5/8 * 2/3  = 5/12      3/40 + 1/6  = 29/120         (25/144)(29/120)
//   8  2  1  5/12 * 1/2 = 5/24      29/120 + 1/2 = 89/120        (25/576)(89/120)
// At t = 3 the suspension is still at risk; by t = 6 the suspensions at 3 and 5 have left.
TEST(KaplanMeier, MatchesTheHandComputedTable) {
  auto km = ml::KaplanMeier::fit({{6, 2, 3, 8, 3}, {9, 3, 5}});
  ASSERT_TRUE(km);
  const auto& s = km->steps();
  ASSERT_EQ(s.size(), 4u);
  const double times[] = {2, 3, 6, 8};
  const std::size_t at_risk[] = {8, 7, 3, 2};
  const std::size_t deaths[] = {1, 2, 1, 1};
  const double survival[] = {7.0 / 8, 5.0 / 8, 5.0 / 12, 5.0 / 24};
  const double variance[] = {7.0 / 512, 15.0 / 512, 25.0 / 144 * 29.0 / 120, 25.0 / 576 * 89.0 / 120};
  for (std::size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(s[i].time, times[i]);
    EXPECT_EQ(s[i].at_risk, at_risk[i]);
    EXPECT_EQ(s[i].failures, deaths[i]);
    EXPECT_NEAR(s[i].survival, survival[i], 1e-15);
    EXPECT_NEAR(s[i].variance, variance[i], 1e-15);
  }
  // The step function: 1 before the first failure, right-continuous, flat past the last.
  EXPECT_EQ(km->survival(1.9), 1.0);
  EXPECT_NEAR(km->survival(2.0), 7.0 / 8, 1e-15);
  EXPECT_NEAR(km->survival(5.9), 5.0 / 8, 1e-15);
  EXPECT_NEAR(km->survival(100), 5.0 / 24, 1e-15);
}

TEST(KaplanMeier, SurvivalReachesZeroWithZeroVarianceWhenTheLastUnitFails) {
  auto km = ml::KaplanMeier::fit({{1, 2}, {}});
  ASSERT_TRUE(km);
  EXPECT_EQ(km->steps().back().survival, 0.0);
  EXPECT_EQ(km->steps().back().variance, 0.0);
}

TEST(KaplanMeier, RefusesNoFailuresAndBadTimes) {
  EXPECT_EQ(ml::KaplanMeier::fit({{}, {4, 5}}).error().message, "too few failures: need at least 1, got 0");
  EXPECT_FALSE(ml::KaplanMeier::fit({{1, -2}, {}}));
}
