// protocol::ServerLog's hold-back of batches that arrive ahead of a gap: they are validated when they
// arrive (a bad one is refused then, and nothing of it is kept), stored in the device's order once
// the gap fills, and reordered delivery leaves exactly the state and log that delivery in order does.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocol/server_log.hpp"
#include "roundhouse/sync/wire.hpp"

namespace roundhouse::sync {
namespace {

using protocol::ServerLog;

// One wire message per operation of `device`: op i writes i to one of `keys` keys.
std::vector<std::string> single_writes(ReplicaId device, int ops, int keys) {
  ChangeSet replica;
  HybridClock clock(device);
  std::vector<std::string> out;
  for (int i = 1; i <= ops; ++i) {
    const std::string key = "vehicle/V" + std::to_string(i % keys) + "/km";
    out.push_back(wire::encode(replica.set(device, key, FieldValue{std::int64_t{i}, clock.now(1'700'000'000'000 + i)})));
  }
  return out;
}

TEST(ServerLogHoldBack, ABatchAheadOfAGapIsValidatedWhenItArrives) {
  constexpr ReplicaId device = 2;
  const auto ops = single_writes(device, 6, 3);
  ServerLog server;

  auto held = server.push(device, 3, ops[2]);
  ASSERT_TRUE(held.ok()) << held.error().message;
  EXPECT_EQ(held->acked, 0u);
  EXPECT_FALSE(held->applied);

  // Another replica's operation pushed as this device's 5th: refused although it would be held.
  auto foreign = server.push(device, 5, single_writes(3, 5, 3)[4]);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, ErrorCode::forbidden);
  // A truncated message, and one that does not carry the operation it claims to start at.
  auto truncated = server.push(device, 4, std::string_view(ops[3]).substr(0, ops[3].size() - 1));
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(truncated.error().message.find("sync wire: "), std::string::npos);
  auto uncovered = server.push(device, 5, ops[5]);
  ASSERT_FALSE(uncovered.ok());
  EXPECT_EQ(uncovered.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(server.head(), 0u) << "nothing is stored while a gap is open";

  // The gap fills: 1, 2 and the held 3 are stored; the refused 4 and 5 were not kept.
  ASSERT_TRUE(server.push(device, 1, ops[0]).ok());
  auto filled = server.push(device, 2, ops[1]);
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(filled->acked, 3u);
  EXPECT_EQ(server.head(), 3u);
  // The device resends from 4: all of it is taken.
  for (int i = 4; i <= 6; ++i) ASSERT_TRUE(server.push(device, i, ops[i - 1]).ok());
  EXPECT_EQ(server.acked(device), 6u);
  ChangeSet expected;
  for (const auto& op : ops) ASSERT_TRUE(wire::apply(expected, op).ok());
  EXPECT_EQ(server.state(), expected);
}

TEST(ServerLogHoldBack, ReorderedDeliveryStoresWhatInOrderDeliveryStores) {
  // Three devices; each one's last operation arrives first and stays held while the rest arrive
  // with neighbours swapped and some duplicated, so the hold-back buffer keeps releasing batches
  // without ever emptying (it compacts its bytes along the way).
  constexpr int kOps = 4000;
  std::vector<std::vector<std::string>> devices;
  for (ReplicaId d = 2; d <= 4; ++d) devices.push_back(single_writes(d, kOps, 50));
  ServerLog in_order, reordered;
  for (int i = 0; i < kOps; ++i)
    for (std::size_t d = 0; d < devices.size(); ++d)
      ASSERT_TRUE(in_order.push(static_cast<ReplicaId>(d + 2), i + 1, devices[d][i]).ok());

  for (std::size_t d = 0; d < devices.size(); ++d)
    ASSERT_TRUE(reordered.push(static_cast<ReplicaId>(d + 2), kOps, devices[d][kOps - 1]).ok());
  for (int i = 0; i + 1 < kOps; i += 2) {
    for (std::size_t d = 0; d < devices.size(); ++d) {
      const auto device = static_cast<ReplicaId>(d + 2);
      if (i + 2 < kOps) ASSERT_TRUE(reordered.push(device, i + 2, devices[d][i + 1]).ok());
      if (i % 10 == 0) ASSERT_TRUE(reordered.push(device, i + 2, devices[d][i + 1]).ok());  // a duplicate
      ASSERT_TRUE(reordered.push(device, i + 1, devices[d][i]).ok());
    }
  }
  for (ReplicaId d = 2; d <= 4; ++d) EXPECT_EQ(reordered.acked(d), static_cast<std::uint64_t>(kOps));
  EXPECT_EQ(reordered.state(), in_order.state());
  ASSERT_EQ(reordered.head(), in_order.head());
}

}  // namespace
}  // namespace roundhouse::sync
