// OrMap joins against a plain restatement of the join, for every mix of the map's internal forms: a
// decoded small delta carries no dot index until it is modified, joins reuse the nodes their
// removals free, and a moved join takes values as nodes. Each must give the same map as the
// definition, and leave a map that later writes and removals still treat correctly.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "random_changes.hpp"
#include "roundhouse/sync/wire.hpp"

namespace roundhouse::sync {
namespace {

using testing::random_changes;
using testing::random_value;
using testing::Rng;

// The join by its definition: a value survives when it is on both sides, or on one side and unseen
// by the other; the contexts unite.
ChangeSet reference_join(const ChangeSet& a, const ChangeSet& b) {
  ChangeSet::Entries out;
  auto keep = [&](const ChangeSet& self, const ChangeSet& other) {
    for (const auto& [k, reg] : self.entries())
      for (const auto& [d, v] : reg) {
        const auto* there = other.get(k);
        if ((there && there->count(d)) || !other.context().contains(d)) out[k].emplace(d, v);
      }
  };
  keep(a, b);
  keep(b, a);
  CausalContext ctx = a.context();
  ctx.join(b.context());
  return ChangeSet::from_parts(std::move(out), std::move(ctx));
}

// The documented invariants, checked from the outside.
void expect_invariants(const ChangeSet& m, const std::string& where) {
  std::size_t dots = 0;
  for (const auto& [k, reg] : m.entries()) {
    EXPECT_FALSE(reg.empty()) << where << ": key " << k << " without values";
    for (const auto& [d, _] : reg) EXPECT_TRUE(m.context().contains(d)) << where;
    dots += reg.size();
  }
  EXPECT_EQ(m.dot_count(), dots) << where;
}

ChangeSet decoded(const ChangeSet& cs) {
  auto back = wire::decode_change_set(wire::encode(cs));
  EXPECT_TRUE(back.ok());
  return *back;
}

TEST(OrMapJoin, EveryFormJoinsLikeTheDefinition) {
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    const auto changes = random_changes(seed);
    Rng rng(seed * 7919);
    for (std::size_t j = 0; j + 1 < changes.size(); ++j) {
      const ChangeSet& delta = changes[j];
      const ChangeSet& state = changes[rng.below(changes.size())];
      const ChangeSet want = reference_join(state, delta);
      const std::string where = "seed " + std::to_string(seed) + " delta " + std::to_string(j);

      ChangeSet copied = state, from_wire = state, moved = state, moved_wire = state;
      copied.join(delta);
      from_wire.join(decoded(delta));
      moved.join(ChangeSet(delta));
      moved_wire.join(decoded(delta));  // a temporary: the moved join
      ChangeSet reverse = decoded(delta);
      reverse.join(state);  // the unindexed side is the one that changes
      for (const auto* m : {&copied, &from_wire, &moved, &moved_wire, &reverse}) {
        ASSERT_EQ(*m, want) << where;
        expect_invariants(*m, where);
      }
    }
  }
}

// A decoded delta (no index yet) and the delta it came from take the same writes, removals and joins
// the same way, and report the same dot count before and after.
TEST(OrMapJoin, DecodedDeltasChangeLikeTheirOriginals) {
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    const auto changes = random_changes(seed);
    Rng rng(seed);
    for (std::size_t j = 0; j + 1 < changes.size(); ++j) {
      ChangeSet original = changes[j];
      ChangeSet wire_copy = decoded(original);
      ChangeSet copy_of_copy = wire_copy;  // copying an unindexed map keeps it small and separate
      const std::string where = "seed " + std::to_string(seed) + " delta " + std::to_string(j);
      ASSERT_EQ(wire_copy.dot_count(), original.dot_count()) << where;
      for (int step = 0; step < 6; ++step) {
        std::string key = "vehicle/EMU-" + std::to_string(rng.below(4)) + "/f" + std::to_string(rng.below(3));
        if (rng.chance(30)) {
          ASSERT_EQ(wire_copy.erase(key), original.erase(key)) << where;
        } else if (rng.chance(70)) {
          const FieldValue v{random_value(rng), HlcTimestamp{1'700'000'000'000, 0, 9}};
          ASSERT_EQ(wire_copy.set(9, key, v), original.set(9, key, v)) << where;
        } else {
          const ChangeSet& other = changes[rng.below(changes.size())];
          wire_copy.join(decoded(other));
          original.join(other);
        }
        ASSERT_EQ(wire_copy, original) << where;
        expect_invariants(wire_copy, where);
      }
      EXPECT_EQ(copy_of_copy, decoded(changes[j])) << "a copy is unaffected by changes to its source, " << where;
    }
  }
}

// One device replacing its own value at a key again and again, as the ingest benchmark does: the
// join reuses the replaced value's nodes and key, and the state keeps every other device's value.
TEST(OrMapJoin, RepeatedOwnWritesReplaceInPlace) {
  ChangeSet server, device_a, device_b;
  device_b.join(server);
  server.join(decoded(device_b.set(3, "k", FieldValue{std::int64_t{0}, HlcTimestamp{1, 0, 3}})));
  for (std::int64_t i = 1; i <= 50; ++i) {
    server.join(decoded(device_a.set(2, "k", FieldValue{i, HlcTimestamp{i, 0, 2}})));
    ASSERT_EQ(server.get("k")->size(), 2u) << "a's latest and b's concurrent value";
    ASSERT_EQ(server.dot_count(), 2u);
  }
  auto gone = device_a.erase("k");
  server.join(decoded(gone));
  ASSERT_EQ(server.get("k")->size(), 1u);
  EXPECT_EQ(std::get<std::int64_t>(server.get("k")->begin()->second.value), 0);
  server.join(decoded(device_b.erase("k")));
  EXPECT_EQ(server.get("k"), nullptr);
  EXPECT_EQ(server.size(), 0u);
  server.join(decoded(device_a.set(2, "k", FieldValue{std::int64_t{99}, HlcTimestamp{99, 0, 2}})));
  EXPECT_EQ(std::get<std::int64_t>(server.get("k")->begin()->second.value), 99);
  expect_invariants(server, "after");
}

}  // namespace
}  // namespace roundhouse::sync
