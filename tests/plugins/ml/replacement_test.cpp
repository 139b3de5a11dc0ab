// Optimal age-replacement interval for a Weibull life.
#include <cmath>

#include <gtest/gtest.h>

#include "expect_digits.hpp"
#include "numeric/replacement.hpp"

namespace ml = roundhouse::ml;
using ml::testing::agrees_to_digits;

// Published: the `reliability` package docs (optimal_replacement_time, after ReliaWiki's "Optimum
// Replacement Time Example"): Cp = 1, Cf = 5, Weibull alpha = 1000, beta = 2.5 -> optimal
// replacement time 493.19, minimum cost per unit time 0.0035 (2 significant digits). That
// package scans T over linspace(1, 3000, 10000), so its T* is only good to half a grid step
// (0.15). The exact optimum, 493.0470 at cost 0.00346204, was recomputed independently here
// (Simpson quadrature of R and a golden-section search on C(T)).
TEST(Replacement, MatchesThePublishedOptimum) {
  auto plan = ml::optimal_replacement_interval({2.5, 1000.0}, {1.0, 5.0});
  ASSERT_TRUE(plan);
  ASSERT_TRUE(plan->finite_optimum);
  EXPECT_NEAR(plan->interval, 493.19, 0.5 * 2999.0 / 9999.0);
  EXPECT_TRUE(agrees_to_digits(plan->cost_rate, 0.0035, 2));
  EXPECT_TRUE(agrees_to_digits(plan->interval, 493.0470, 7));
  EXPECT_TRUE(agrees_to_digits(plan->cost_rate, 0.00346204, 6));
}

TEST(Replacement, TheOptimumIsAMinimumOfTheCostCurve) {
  const ml::WeibullParams life{3.0, 200.0};
  const ml::ReplacementCosts costs{100.0, 900.0};
  auto plan = ml::optimal_replacement_interval(life, costs);
  ASSERT_TRUE(plan && plan->finite_optimum);
  EXPECT_DOUBLE_EQ(*ml::replacement_cost_rate(life, costs, plan->interval), plan->cost_rate);
  for (double factor : {0.5, 0.9, 0.99, 1.01, 1.1, 2.0}) {
    EXPECT_GT(*ml::replacement_cost_rate(life, costs, factor * plan->interval), plan->cost_rate)
        << factor;
  }
  // Replacing late approaches run-to-failure: Cf / mean life.
  EXPECT_NEAR(*ml::replacement_cost_rate(life, costs, 1e6), 900.0 / ml::weibull_mean_life(life), 1e-9);
}

TEST(Replacement, NoFiniteOptimumWithoutWearOutOrWhenPreventionCostsMore) {
  // beta = 1: constant hazard; replacing early never helps. Cost rate = Cf / MTTF = 5 / 100.
  auto constant = ml::optimal_replacement_interval({1.0, 100.0}, {1.0, 5.0});
  ASSERT_TRUE(constant);
  EXPECT_FALSE(constant->finite_optimum);
  EXPECT_TRUE(std::isinf(constant->interval));
  EXPECT_DOUBLE_EQ(constant->cost_rate, 0.05);
  EXPECT_FALSE(ml::optimal_replacement_interval({0.7, 100.0}, {1.0, 5.0})->finite_optimum);
  EXPECT_FALSE(ml::optimal_replacement_interval({3.0, 100.0}, {5.0, 5.0})->finite_optimum);
}

TEST(Replacement, RefusesNonPositiveInputs) {
  EXPECT_FALSE(ml::optimal_replacement_interval({0.0, 100.0}, {1.0, 5.0}));
  EXPECT_FALSE(ml::optimal_replacement_interval({2.0, -1.0}, {1.0, 5.0}));
  EXPECT_FALSE(ml::optimal_replacement_interval({2.0, 100.0}, {0.0, 5.0}));
  EXPECT_FALSE(ml::replacement_cost_rate({2.0, 100.0}, {1.0, 5.0}, 0.0));
}
