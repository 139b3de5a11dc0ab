#pragma once
// "Reproduced to N significant digits": |actual - expected| is at most half a unit in the N-th
// significant digit of the expected value.
#include <cmath>

#include <gtest/gtest.h>

namespace roundhouse::ml::testing {

inline ::testing::AssertionResult agrees_to_digits(double actual, double expected, int digits) {
  const double unit = std::pow(10.0, std::floor(std::log10(std::abs(expected))) - (digits - 1));
  if (std::abs(actual - expected) <= 0.5 * unit) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << actual << " differs from " << expected << " in the first "
                                       << digits << " significant digits";
}

}  // namespace roundhouse::ml::testing
