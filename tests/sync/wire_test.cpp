// The sync wire format: round trips, its documented byte layout, and clear errors for malformed
// input that leave the receiving state untouched.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "random_changes.hpp"
#include "roundhouse/sync/wire.hpp"

namespace roundhouse::sync {
namespace {

using testing::random_changes;

TEST(Wire, RoundTripsRandomChangeSetsAndContexts) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    for (const auto& cs : random_changes(seed)) {
      std::string bytes = wire::encode(cs);
      auto back = wire::decode_change_set(bytes);
      ASSERT_TRUE(back.ok()) << back.error().message << " seed " << seed;
      ASSERT_EQ(*back, cs) << "seed " << seed;
      ASSERT_EQ(wire::encode(*back), bytes) << "encoding is deterministic, seed " << seed;
      auto ctx = wire::decode_context(wire::encode(cs.context()));
      ASSERT_TRUE(ctx.ok()) << ctx.error().message;
      ASSERT_EQ(*ctx, cs.context());
    }
  }
}

TEST(Wire, MatchesTheDocumentedLayout) {
  // One write of 300 at "a/1/x" by replica 5 as its 2nd operation, at wall 1000 logical 1, after it
  // replaced its 1st: the example in plugins/sync/WIRE-FORMAT.md.
  ChangeSet state;
  state.set(5, "a/1/x", FieldValue{std::int64_t{1}, HlcTimestamp{900, 0, 5}});
  ChangeSet delta = state.set(5, "a/1/x", FieldValue{std::int64_t{300}, HlcTimestamp{1000, 1, 5}});
  const std::string expected(
      "RHS\x01\x01"             // magic, version 1, kind 1 (change set)
      "\x01\x05"                // replica table: [5]
      "\x01\x05" "a/1/x"        // key table: ["a/1/x"]
      "\x01\x00\x01\x00\x01"    // context: replica #0, one range, lo = 1 + 0, hi = lo + 1
      "\x01"                    // one entry
      "\x00\x01"                // dot: replica #0, counter 1 + 1
      "\x00"                    // key #0
      "\xd0\x0f\x01\x00"        // wall +1000 (zigzag 2000), logical 1, ts replica #0
      "\x03\xd8\x04",           // integer 300 (zigzag 600)
      5 + 2 + 7 + 5 + 1 + 2 + 1 + 4 + 3);
  EXPECT_EQ(wire::encode(delta), expected);
}

// Reads a message without building it (what the server does with a batch it holds back).
struct Validator {
  static constexpr bool kValues = false;
  std::vector<std::string_view> keys;
  std::size_t entries = 0;
  void key(std::string_view k) { keys.push_back(k); }
  void context(const wire::ContextRanges&) {}
  void entry(std::size_t, const Dot&, FieldValue&&) { ++entries; }
};

TEST(Wire, EveryTruncationIsAClearErrorAndChangesNothing) {
  auto changes = random_changes(7);
  const ChangeSet& big = changes.back();
  std::string bytes = wire::encode(big);
  ChangeSet state = changes.front();
  const ChangeSet before = state;
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    Status s = wire::apply(state, std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(s.ok()) << "prefix of " << n << " bytes decoded";
    Validator v;
    Status validated = wire::read_change_set(std::string_view(bytes).substr(0, n), v);
    ASSERT_FALSE(validated.ok());
    ASSERT_EQ(validated.message(), s.message()) << "validation alone finds the same fault";
    ASSERT_EQ(s.code(), ErrorCode::invalid_argument);
    ASSERT_NE(s.message().find("sync wire: "), std::string::npos);
    ASSERT_EQ(state, before);
  }
  EXPECT_TRUE(wire::apply(state, bytes).ok());
  Validator v;
  ASSERT_TRUE(wire::read_change_set(bytes, v).ok());
  std::size_t dots = 0;
  for (const auto& [_, reg] : big.entries()) dots += reg.size();
  EXPECT_EQ(v.entries, dots);
  EXPECT_EQ(v.keys.size(), big.entries().size());
}

TEST(Wire, RejectsMalformedMessagesWithTheirReason) {
  ChangeSet cs;
  cs.set(2, "k", FieldValue{std::string("x"), HlcTimestamp{1, 0, 2}});
  std::string good = wire::encode(cs);
  auto reason = [](std::string bytes) {
    auto r = wire::decode_change_set(bytes);
    return r.ok() ? std::string("ok") : r.error().message;
  };
  std::string bad = good;
  bad[0] = 'X';
  EXPECT_EQ(reason(bad), "sync wire: bad magic at byte 5");
  bad = good;
  bad[3] = 2;
  EXPECT_EQ(reason(bad), "sync wire: unsupported version 2 at byte 5");
  EXPECT_NE(reason(good + std::string(1, '\0')).find("trailing bytes"), std::string::npos);
  EXPECT_NE(reason(wire::encode(cs.context())).find("unexpected message kind"), std::string::npos);
  // A value NaN, an unknown tag, an entry the context does not cover.
  ChangeSet real;
  real.set(2, "k", FieldValue{1.5, HlcTimestamp{1, 0, 2}});
  std::string nan = wire::encode(real);
  double q = std::numeric_limits<double>::quiet_NaN();
  std::memcpy(nan.data() + nan.size() - 8, &q, 8);
  EXPECT_NE(reason(nan).find("NaN"), std::string::npos);
  bad = good;
  bad[bad.size() - 3] = 9;  // the string tag
  EXPECT_NE(reason(bad).find("unknown value tag 9"), std::string::npos);
  bad = good;
  // context range length byte sits after header(5) + replicas(2) + keys(3) + ctx count, index, ranges, gap
  bad[5 + 2 + 3 + 3] = 0x7f;  // gap: the range now starts at 128, the entry's dot 1 is outside it
  EXPECT_NE(reason(bad).find("not covered"), std::string::npos);
}

TEST(Wire, CompactedBatchesAreSmall) {
  // 10,000 writes over 1,000 keys by one replica, compacted by join: about one live entry per key.
  ChangeSet device, queue;
  HybridClock clock(1);
  testing::Rng rng(1000);
  for (int i = 0; i < 10'000; ++i) {
    auto ts = clock.now(1'700'000'000'000);
    queue.join(device.set(1, "k" + std::to_string(rng.below(1000)), FieldValue{std::int64_t{i}, ts}));
  }
  std::string bytes = wire::encode(queue);
  EXPECT_LT(bytes.size(), 3 * 10'000u) << "under 3 bytes per queued operation";
  ChangeSet server;
  ASSERT_TRUE(wire::apply(server, bytes).ok());
  EXPECT_EQ(server, device);
}

}  // namespace
}  // namespace roundhouse::sync
