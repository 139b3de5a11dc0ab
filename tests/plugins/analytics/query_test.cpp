// Windows and buckets: defaults from the data clock, month and week boundaries.
#include <gtest/gtest.h>

#include "query.hpp"

namespace rh = roundhouse;
using namespace rh::analytics;

namespace {

rh::Timestamp at(const char* s) { return rh::parse_timestamp(s).value(); }

TEST(AnalyticsQuery, DefaultWindowEndsAtTheEndOfTheNewestEventsDay) {
  AnalyticsQuery q;
  auto w = resolve_window(q, at("2025-12-30T13:00:00Z"), 30);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->to, at("2025-12-31"));
  EXPECT_EQ(w->from, at("2025-12-01"));
  EXPECT_EQ(previous_window(*w).from, at("2025-11-01"));
}

TEST(AnalyticsQuery, MonthBucketsFollowTheCalendar) {
  auto b = buckets({at("2024-01-15"), at("2024-04-01")}, Interval::month);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].label, "2024-01");
  EXPECT_EQ(b[0].window.from, at("2024-01-15"));  // clipped to the window
  EXPECT_EQ(b[1].window.from, at("2024-02-01"));
  EXPECT_EQ(b[1].window.to, at("2024-03-01"));    // a leap February
  EXPECT_EQ(b[2].label, "2024-03");
}

TEST(AnalyticsQuery, DatesAndNumbersAreChecked) {
  EXPECT_FALSE(parse_query({{"days", "0"}}).ok());
  EXPECT_FALSE(parse_query({{"days", "-3"}}).ok());
  EXPECT_FALSE(parse_query({{"interval", "hour"}}).ok());
  EXPECT_FALSE(parse_query({{"limit", "x"}}).ok());
  auto q = parse_query({{"to", "2025-03-30"}, {"depot", "North"}});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*q->to, at("2025-03-31"));
  EXPECT_EQ(q->scope.depot, "North");
}

}  // namespace
