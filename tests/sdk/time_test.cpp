// Timestamps: microseconds since the Unix epoch, UTC; RFC 3339 text with microseconds.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "roundhouse/core/time.hpp"

namespace rh = roundhouse;

namespace {
constexpr rh::Timestamp kSecond = 1'000'000;
constexpr rh::Timestamp kHour = 3600 * kSecond;
// 2026-03-02T14:05:00Z
constexpr rh::Timestamp kMarch2 = 1772460300LL * kSecond;
}  // namespace

TEST(Time, FormatsTheEpoch) {
  EXPECT_EQ(rh::format_timestamp(0), "1970-01-01T00:00:00.000000Z");
}

TEST(Time, FormatsWithMicroseconds) {
  EXPECT_EQ(rh::format_timestamp(kMarch2), "2026-03-02T14:05:00.000000Z");
  EXPECT_EQ(rh::format_timestamp(kMarch2 + 123456), "2026-03-02T14:05:00.123456Z");
  EXPECT_EQ(rh::format_timestamp(kMarch2 + 7), "2026-03-02T14:05:00.000007Z");
}

TEST(Time, FormatsTimesBeforeTheEpoch) {
  EXPECT_EQ(rh::format_timestamp(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(rh::format_timestamp(-kSecond), "1969-12-31T23:59:59.000000Z");
}

TEST(Time, FormatsLeapDay) {
  // 2024-02-29T23:59:59.5Z
  EXPECT_EQ(rh::format_timestamp(1709251199LL * kSecond + 500000), "2024-02-29T23:59:59.500000Z");
}

TEST(Time, ParsesUtcWithMicroseconds) {
  EXPECT_EQ(rh::parse_timestamp("2026-03-02T14:05:00.123456Z"), kMarch2 + 123456);
  EXPECT_EQ(rh::parse_timestamp("2026-03-02T14:05:00Z"), kMarch2);
}

TEST(Time, ParsesOffsetsToUtc) {
  // 16:05 at +02:00 is 14:05 UTC; 09:05 at -05:00 is 14:05 UTC.
  EXPECT_EQ(rh::parse_timestamp("2026-03-02T16:05:00+02:00"), kMarch2);
  EXPECT_EQ(rh::parse_timestamp("2026-03-02T09:05:00-05:00"), kMarch2);
  EXPECT_EQ(rh::parse_timestamp("2026-03-02T19:35:00.000001+05:30"), kMarch2 + 1);
  EXPECT_EQ(rh::parse_timestamp("2026-03-02T14:05:00+00:00"), kMarch2);
}

TEST(Time, OffsetCanCrossMidnight) {
  EXPECT_EQ(rh::parse_timestamp("2026-03-03T00:05:00+10:00"), kMarch2);
}

TEST(Time, ParsesBareDateAsMidnightUtc) {
  EXPECT_EQ(rh::parse_timestamp("2026-03-02"), kMarch2 - 14 * kHour - 5 * 60 * kSecond);
  EXPECT_EQ(rh::parse_timestamp("1970-01-01"), 0);
}

TEST(Time, RoundTripsFormatAndParse) {
  for (rh::Timestamp t : {rh::Timestamp{0}, rh::Timestamp{1}, kMarch2, kMarch2 + 999999,
                          rh::Timestamp{-1}, rh::Timestamp{253402300799LL * kSecond},  // 9999-12-31T23:59:59
                          rh::now_micros()}) {
    const std::string text = rh::format_timestamp(t);
    EXPECT_EQ(rh::parse_timestamp(text), t) << text;
  }
}

TEST(Time, RejectsMalformedText) {
  for (const char* bad : {"", "garbage", "2026-03-02T14:05:00",  // no zone designator
                          "2026-13-02T14:05:00Z", "2026-00-10T14:05:00Z",
                          "2026-03-32T14:05:00Z", "2026-02-30T00:00:00Z", "2026-03-02T24:00:01Z",
                          "2026-03-02T14:60:00Z", "2026-03-02T14:05:61Z", "2026-03-02T14:05:00.Z",
                          "2026-03-02T14:05:00ZZ", "2026-03-02T14:05:00+2:00", "2026-03-02T14:05:00+02",
                          "2026-3-2", "2026-03-02x", "20260302",
                          "2026-03-02T14:05:00.12a456Z"}) {
    EXPECT_EQ(rh::parse_timestamp(bad), std::nullopt) << "accepted: '" << bad << "'";
  }
}

TEST(Time, NowIsCloseToTheSystemClock) {
  const auto sys = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const rh::Timestamp now = rh::now_micros();
  EXPECT_LT(std::llabs(now - sys), 60 * kSecond);
}
