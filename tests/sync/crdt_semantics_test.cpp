// What each CRDT means to its users: concurrent writes kept or ordered, add-wins, removals that stick,
// counters that count, and the causality checks of version vectors and contexts.

#include <gtest/gtest.h>

#include <string>

#include "roundhouse/sync/counters.hpp"
#include "roundhouse/sync/dot_kernel.hpp"
#include "roundhouse/sync/lww_register.hpp"
#include "roundhouse/sync/or_map.hpp"
#include "roundhouse/sync/version_vector.hpp"

namespace roundhouse::sync {
namespace {

constexpr std::int64_t kT = 1'700'000'000'000;

TEST(IntervalSet, MergesTouchingAndOverlappingRanges) {
  IntervalSet s;
  s.insert(5);
  s.insert(1, 2);
  s.insert(9, 12);
  EXPECT_EQ(s.ranges().size(), 3u);
  EXPECT_FALSE(s.contains(3));
  s.insert(3, 4);  // touches 1..2 and 5
  ASSERT_EQ(s.ranges().size(), 2u);
  EXPECT_EQ(s.prefix(), 5u);
  s.insert(6, 10);
  ASSERT_EQ(s.ranges().size(), 1u);
  EXPECT_EQ(s.prefix(), 12u);
  EXPECT_EQ(s.count(), 12u);
  IntervalSet t;
  t.insert(20, 30);
  t.insert(2, 3);
  EXPECT_FALSE(s.includes(t));
  s.join(t);
  EXPECT_TRUE(s.includes(t));
  EXPECT_EQ(s.count(), 23u);
}

TEST(VersionVector, ComparesHistories) {
  VersionVector a, b;
  EXPECT_EQ(a.compare(b), Causality::equal);
  a.increment(1);
  EXPECT_EQ(a.compare(b), Causality::after);
  EXPECT_EQ(b.compare(a), Causality::before);
  b.increment(2);
  EXPECT_EQ(a.compare(b), Causality::concurrent);
  b.join(a);
  EXPECT_EQ(a.compare(b), Causality::before);
  EXPECT_TRUE(b.contains(Dot{2, 1}));
  EXPECT_FALSE(b.contains(Dot{2, 2}));
}

TEST(Counters, CountAcrossReplicas) {
  GCounter a, b;
  auto d1 = a.increment(1, 3);
  b.increment(2, 4);
  b.join(d1);
  b.join(d1);  // duplicate delivery does not double count
  EXPECT_EQ(b.value(), 7u);
  PNCounter p, q;
  p.add(1, 10);
  q.add(2, -4);
  q.add(2, -1);
  p.join(q);
  EXPECT_EQ(p.value(), 5);
}

TEST(LwwRegister, LaterTimestampWinsAndTiesBreakByReplica) {
  HybridClock c1(1), c2(2);
  LwwRegister<std::string> a, b;
  a.assign("first", c1, kT);
  b.assign("second", c2, kT);  // same physical time: equal wall and logical, replica 2 > 1
  LwwRegister<std::string> x = a, y = b;
  x.join(b);
  y.join(a);
  EXPECT_EQ(x.value(), "second");
  EXPECT_EQ(y.value(), "second");
}

TEST(LwwRegister, WriteAfterSeeingAFutureValueStillWins) {
  HybridClock fast(1), slow(2);
  LwwRegister<int> reg;
  reg.assign(1, fast, kT + 3 * 3600 * 1000);  // a device three hours ahead
  LwwRegister<int> mine = reg;
  mine.assign(2, slow, kT);  // written after seeing it, with a correct clock
  LwwRegister<int> merged = reg;
  merged.join(mine);
  EXPECT_EQ(merged.value(), 2);
  EXPECT_LT(slow.state().wall_ms, kT + 1000) << "the slow clock was not dragged forward";
}

TEST(LwwMap, RemovalIsATimestampedTombstone) {
  HybridClock c1(1), c2(2);
  LwwMap<std::string, int> a, b;
  auto set = a.set("door", 1, c1, kT);
  b.join(set);
  auto gone = b.erase("door", c2, kT + 10);
  EXPECT_EQ(b.get("door"), nullptr);
  a.join(gone);
  a.join(set);  // a late duplicate of the older write does not resurrect it
  EXPECT_EQ(a.get("door"), nullptr);
  EXPECT_EQ(a.size(), 0u);
}

TEST(MvRegister, KeepsConcurrentValuesUntilAWriteResolvesThem) {
  MvRegister<int> a, b;
  a.write(1, 10);
  b.write(2, 20);
  a.join(b);
  EXPECT_EQ(a.values(), (std::vector<int>{10, 20}));
  auto resolved = a.write(1, 30);
  b.join(resolved);
  EXPECT_EQ(b.values(), (std::vector<int>{30}));
}

TEST(OrSet, AddWinsOverConcurrentRemoveAndRemovalSticks) {
  OrSet<std::string> a, b;
  auto add = a.add(1, "pantograph");
  b.join(add);
  auto rm = b.remove("pantograph");  // b removes what it saw...
  auto readd = a.add(1, "pantograph");  // ...while a adds it again concurrently
  a.join(rm);
  b.join(readd);
  EXPECT_TRUE(a.contains("pantograph"));
  EXPECT_TRUE(b.contains("pantograph"));
  auto rm2 = a.remove("pantograph");
  b.join(rm2);
  b.join(add);  // a stale re-delivery changes nothing
  EXPECT_FALSE(b.contains("pantograph"));
  EXPECT_TRUE(b.kernel().entries().empty()) << "no tombstones are kept";
}

TEST(OrMap, ConcurrentWritesConflictAndAWriteThatSawThemResolves) {
  OrMap<std::string, int> a, b;
  auto w1 = a.set(1, "status", 1);
  auto w2 = b.set(2, "status", 2);
  a.join(w2);
  b.join(w1);
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.get("status")->size(), 2u);
  auto w3 = a.set(1, "status", 3);
  EXPECT_EQ(w3.context().dot_count(), 3u) << "the delta names the two dots it replaced and its own";
  b.join(w3);
  ASSERT_EQ(b.get("status")->size(), 1u);
  EXPECT_EQ(b.get("status")->begin()->second, 3);
  // A delta that arrives before the write it replaced: the replaced write never shows up.
  OrMap<std::string, int> c;
  c.join(w3);
  c.join(w1);
  c.join(w2);
  EXPECT_EQ(c, b);
  auto gone = b.erase("status");
  c.join(gone);
  EXPECT_EQ(c.get("status"), nullptr);
}

// The map indexes its dots by the key that holds them; a copy must carry its own index, so that
// changing the copy never touches the original (and the reverse), and assignment replaces it.
TEST(OrMap, CopiesAndAssignmentsAreIndependent) {
  OrMap<std::string, int> a;
  a.set(1, "status", 1);
  a.set(1, "depot", 2);
  OrMap<std::string, int> b = a;
  a.erase("status");
  auto w = b.set(2, "status", 3);  // replaces the dot the original just erased
  ASSERT_NE(b.get("status"), nullptr);
  EXPECT_EQ(b.get("status")->begin()->second, 3);
  EXPECT_EQ(b.dot_count(), 2u);
  EXPECT_EQ(a.get("status"), nullptr);
  a.join(w);
  EXPECT_EQ(a.get("status")->begin()->second, 3);
  OrMap<std::string, int> c;
  c.set(3, "other", 4);
  c = b;
  b.erase("depot");
  EXPECT_EQ(c.get("depot")->begin()->second, 2);
  c.join(b);  // the erase reaches the assigned copy through its own index
  EXPECT_EQ(c.get("depot"), nullptr);
  EXPECT_EQ(c, b);
  OrMap<std::string, int> moved = std::move(c);
  moved.join(a.erase("status"));
  EXPECT_EQ(moved.get("status"), nullptr);
  EXPECT_EQ(moved.dot_count(), 0u);
}

}  // namespace
}  // namespace roundhouse::sync
