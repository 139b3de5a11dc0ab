// The hybrid logical clock: monotonic, causal, close to physical time, clamps remote timestamps that
// are too far ahead (and counts them), restarts from its persisted state.

#include <gtest/gtest.h>

#include "roundhouse/sync/hlc.hpp"
#include "test_rng.hpp"

namespace roundhouse::sync {
namespace {

constexpr std::int64_t kT = 1'700'000'000'000;

TEST(HybridClock, MonotonicWhenPhysicalTimeGoesBack) {
  HybridClock c(7);
  auto a = c.now(kT);
  auto b = c.now(kT - 5000);  // NTP stepped the clock back
  auto d = c.now(kT);
  EXPECT_LT(a, b);
  EXPECT_LT(b, d);
  EXPECT_EQ(b.wall_ms, kT);
  EXPECT_EQ(d.replica, 7u);
}

TEST(HybridClock, ReceiveIsAfterTheRemoteEvent) {
  HybridClock a(1), b(2);
  auto sent = a.now(kT + 500);
  auto got = b.observe(sent, kT);
  EXPECT_LT(sent, got);
  EXPECT_LT(got, b.now(kT));
  EXPECT_EQ(b.clamped(), 0u);
}

TEST(HybridClock, ClampsRemoteTimestampsTooFarAheadAndCountsThem) {
  HybridClock server(1, /*max_ahead_ms=*/60'000);
  HybridClock device(2);
  auto skewed = device.now(kT + 3 * 3600 * 1000);  // three hours ahead
  auto got = server.observe(skewed, kT);
  EXPECT_EQ(server.clamped(), 1u);
  EXPECT_LE(got.wall_ms, kT + 60'000);
  EXPECT_LE(server.now(kT).wall_ms, kT + 60'000);
}

TEST(HybridClock, RestoredStateNeverGoesBackwards) {
  HybridClock c(3);
  HlcTimestamp last{};
  for (int i = 0; i < 100; ++i) last = c.now(kT);
  HlcState saved = c.state();
  HybridClock restarted(3, 60'000, saved);
  EXPECT_LT(last, restarted.now(kT - 100'000));
}

TEST(HybridClock, RandomTrafficStaysMonotonicAndCausal) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    testing::Rng rng(seed);
    HybridClock clocks[3] = {HybridClock(1), HybridClock(2), HybridClock(3)};
    std::int64_t skew[3] = {0, 3'600'000, -7'200'000};
    HlcTimestamp last[3]{};
    for (int step = 0; step < 200; ++step) {
      int i = static_cast<int>(rng.below(3));
      std::int64_t phys = kT + step * 10 + skew[i] + static_cast<std::int64_t>(rng.below(50));
      HlcTimestamp t;
      if (rng.chance(50)) {
        t = clocks[i].now(phys);
      } else {
        HlcTimestamp remote = last[rng.below(3)];
        t = clocks[i].observe(remote, phys);
        if (clocks[i].clamped() == 0) ASSERT_LT(remote, t) << "seed " << seed;
      }
      ASSERT_LT(last[i], t) << "seed " << seed;
      last[i] = t;
    }
  }
}

}  // namespace
}  // namespace roundhouse::sync
