#include <gtest/gtest.h>

#include "roundhouse/cli/args.hpp"

namespace rh = roundhouse;

TEST(ArgReaderTest, SplitsInlineAndSeparateValuesFlagsAndPositionals) {
  const std::vector<std::string> args{"show", "--size=small", "--seed", "42", "--dry-run", "-h", "x=y"};
  rh::ArgReader a(args);
  ASSERT_TRUE(a.next());
  EXPECT_EQ(a.name(), "show");
  EXPECT_FALSE(a.is_option());
  ASSERT_TRUE(a.next());
  EXPECT_EQ(a.name(), "--size");
  EXPECT_EQ(a.value().value(), "small");
  ASSERT_TRUE(a.next());
  EXPECT_EQ(a.unsigned_value().value(), 42u);
  ASSERT_TRUE(a.next());
  EXPECT_EQ(a.name(), "--dry-run");
  EXPECT_TRUE(a.is_option());
  ASSERT_TRUE(a.next());
  EXPECT_TRUE(a.is_help());
  ASSERT_TRUE(a.next());
  EXPECT_EQ(a.name(), "x=y");  // '=' splits options only
  EXPECT_FALSE(a.next());
}

TEST(ArgReaderTest, MissingAndMalformedValuesAreOneLineErrors) {
  const std::vector<std::string> args{"--seed=-3", "--what=1", "--size"};
  rh::ArgReader a(args);
  ASSERT_TRUE(a.next());
  auto seed = a.unsigned_value();
  ASSERT_FALSE(seed.ok());
  EXPECT_EQ(seed.error().message, "--seed needs a non-negative integer, not '-3'");
  ASSERT_TRUE(a.next());
  EXPECT_EQ(a.unknown().message, "unknown argument '--what=1'");
  ASSERT_TRUE(a.next());
  auto size = a.value();
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_EQ(size.error().message, "--size needs a value");
}
