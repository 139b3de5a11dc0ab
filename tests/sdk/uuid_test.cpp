// Uuid: event identifiers. Parse/format is the wire form; generated ids are time-ordered UUIDv7.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include "roundhouse/core/time.hpp"
#include "roundhouse/events/uuid.hpp"

namespace rh = roundhouse;

namespace {
std::uint64_t unix_millis_of(const rh::Uuid& u) {
  std::uint64_t ms = 0;
  for (int i = 0; i < 6; ++i) ms = (ms << 8) | u.bytes()[i];
  return ms;
}
}  // namespace

TEST(Uuid, DefaultIsNil) {
  rh::Uuid u;
  EXPECT_TRUE(u.is_nil());
  EXPECT_EQ(u.to_string(), "00000000-0000-0000-0000-000000000000");
}

TEST(Uuid, ParsesAndFormatsCanonicalText) {
  const auto u = rh::Uuid::parse("0190f5a2-7b3c-7d4e-8f10-123456789abc");
  ASSERT_TRUE(u.has_value());
  EXPECT_FALSE(u->is_nil());
  EXPECT_EQ(u->to_string(), "0190f5a2-7b3c-7d4e-8f10-123456789abc");
  EXPECT_EQ(u->bytes()[0], 0x01);
  EXPECT_EQ(u->bytes()[15], 0xbc);
}

TEST(Uuid, ParsingIsCaseInsensitiveAndFormattingIsLowerCase) {
  const auto u = rh::Uuid::parse("0190F5A2-7B3C-7D4E-8F10-123456789ABC");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->to_string(), "0190f5a2-7b3c-7d4e-8f10-123456789abc");
  EXPECT_EQ(u, rh::Uuid::parse("0190f5a2-7b3c-7d4e-8f10-123456789abc"));
}

TEST(Uuid, AcceptsAnyRfc4122Version) {
  // Clients may supply v4 ids.
  EXPECT_TRUE(rh::Uuid::parse("f47ac10b-58cc-4372-a567-0e02b2c3d479").has_value());
  EXPECT_TRUE(rh::Uuid::parse("00000000-0000-0000-0000-000000000000").has_value());
}

TEST(Uuid, RejectsMalformedText) {
  for (const char* bad : {"", "not-a-uuid", "0190f5a27b3c7d4e8f10123456789abc",  // no hyphens
                          "0190f5a2-7b3c-7d4e-8f10-123456789ab",                  // too short
                          "0190f5a2-7b3c-7d4e-8f10-123456789abcd",                // too long
                          "0190f5a2-7b3c-7d4e-8f10-123456789abg",                 // not hex
                          "0190f5a27-b3c-7d4e-8f10-123456789abc",                 // hyphen misplaced
                          "{0190f5a2-7b3c-7d4e-8f10-123456789abc}",               // braces
                          " 0190f5a2-7b3c-7d4e-8f10-123456789abc"}) {             // whitespace
    EXPECT_EQ(rh::Uuid::parse(bad), std::nullopt) << "accepted: '" << bad << "'";
  }
}

TEST(Uuid, GeneratedIdsAreVersion7WithRfcVariant) {
  const rh::Uuid u = rh::Uuid::generate_v7();
  EXPECT_FALSE(u.is_nil());
  EXPECT_EQ(u.bytes()[6] >> 4, 7) << u.to_string();
  EXPECT_EQ(u.bytes()[8] >> 6, 0b10) << u.to_string();
  EXPECT_EQ(rh::Uuid::parse(u.to_string()), u);
}

TEST(Uuid, GeneratedIdsCarryTheCurrentUnixMilliseconds) {
  const auto before = static_cast<std::uint64_t>(rh::now_micros() / 1000);
  const rh::Uuid u = rh::Uuid::generate_v7();
  const auto after = static_cast<std::uint64_t>(rh::now_micros() / 1000);
  EXPECT_GE(unix_millis_of(u), before);
  EXPECT_LE(unix_millis_of(u), after);
}

TEST(Uuid, GeneratedIdsAreUnique) {
  std::set<rh::Uuid> seen;
  for (int i = 0; i < 20000; ++i) EXPECT_TRUE(seen.insert(rh::Uuid::generate_v7()).second);
}

TEST(Uuid, GeneratedIdsAreUniqueAcrossThreads) {
  constexpr int kThreads = 4, kEach = 5000;
  std::vector<std::vector<rh::Uuid>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) ids[t].push_back(rh::Uuid::generate_v7());
    });
  for (auto& th : threads) th.join();
  std::set<rh::Uuid> all;
  for (const auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
}

TEST(Uuid, GeneratedIdsSortByCreationTime) {
  // Ids made in a later millisecond sort after ids made earlier (keeps the unique index append-mostly).
  std::vector<rh::Uuid> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(rh::Uuid::generate_v7());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  for (std::size_t i = 1; i < ids.size(); ++i) {
    EXPECT_LT(ids[i - 1], ids[i]) << ids[i - 1].to_string() << " vs " << ids[i].to_string();
  }
}

TEST(Uuid, TimestampPrefixNeverDecreasesWithinAThread) {
  std::uint64_t last = 0;
  for (int i = 0; i < 10000; ++i) {
    const auto ms = unix_millis_of(rh::Uuid::generate_v7());
    ASSERT_GE(ms, last);
    last = ms;
  }
}

TEST(Uuid, OrderingFollowsBytes) {
  const auto a = *rh::Uuid::parse("00000000-0000-0000-0000-000000000001");
  const auto b = *rh::Uuid::parse("00000000-0000-0000-0000-000000000100");
  const auto c = *rh::Uuid::parse("10000000-0000-0000-0000-000000000000");
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(rh::UuidHash{}(a), rh::UuidHash{}(*rh::Uuid::parse("00000000-0000-0000-0000-000000000001")));
}
