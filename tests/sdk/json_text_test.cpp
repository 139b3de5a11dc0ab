#include <gtest/gtest.h>

#include <limits>

#include <boost/json/parse.hpp>

#include "roundhouse/core/json_text.hpp"

namespace rh = roundhouse;
namespace json = boost::json;

TEST(JsonTextTest, DoublesAreShortestDecimalsThatReadBackExactly) {
  EXPECT_EQ(rh::to_json_text(json::value(0.0)), "0.0");
  EXPECT_EQ(rh::to_json_text(json::value(12.5)), "12.5");
  EXPECT_EQ(rh::to_json_text(json::value(-3.0)), "-3.0");
  EXPECT_EQ(rh::to_json_text(json::value(0.1)), "0.1");
  EXPECT_EQ(rh::to_json_text(json::value(1e21)), "1e+21");
  for (double d : {0.1, 1.0 / 3.0, 123456.789, 5e-324, 1.7976931348623157e308})
    EXPECT_EQ(json::parse(rh::to_json_text(json::value(d))).as_double(), d);
  EXPECT_EQ(rh::to_json_text(json::value(std::numeric_limits<double>::quiet_NaN())), "null");
}

TEST(JsonTextTest, EverythingElseIsWrittenAsBoostWritesIt) {
  const char* text = R"({"a":[1,-2,18446744073709551615,true,null,"q\"\u0001é"],"b":{},"c":[],"d":{"e":2.5}})";
  const json::value v = json::parse(text);
  EXPECT_EQ(rh::to_json_text(v), R"({"a":[1,-2,18446744073709551615,true,null,"q\"\u0001é"],"b":{},"c":[],"d":{"e":2.5}})");
  EXPECT_EQ(json::parse(rh::to_json_text(v)), v);
}
