// Merge laws for every CRDT in roundhouse/sync: join is commutative, associative and idempotent on
// reachable states, and a replica that receives every delta (shuffled, duplicated) ends equal to the
// join of all states. Each type runs many seeds of random operations on a few replicas.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "roundhouse/sync/counters.hpp"
#include "roundhouse/sync/dot_kernel.hpp"
#include "roundhouse/sync/lww_register.hpp"
#include "roundhouse/sync/or_map.hpp"
#include "test_rng.hpp"

namespace roundhouse::sync {
namespace {

using testing::Rng;

constexpr int kSeeds = 400;
constexpr int kReplicas = 4;
constexpr int kSteps = 60;

// Per type: a random mutation at replica r that returns its delta. `clocks` and `now` are only used
// by the timestamped types; physical time deliberately jumps around (skew, clocks going back).
struct Env {
  Rng& rng;
  std::vector<HybridClock>& clocks;
  std::int64_t now() { return 1'700'000'000'000 + static_cast<std::int64_t>(rng.below(5000)); }
};

struct GCounterOps {
  using T = GCounter;
  static T mutate(T& s, ReplicaId r, Env& e) { return s.increment(r, 1 + e.rng.below(5)); }
};
struct PNCounterOps {
  using T = PNCounter;
  static T mutate(T& s, ReplicaId r, Env& e) { return s.add(r, static_cast<std::int64_t>(e.rng.below(11)) - 5); }
};
struct LwwRegisterOps {
  using T = LwwRegister<int>;
  static T mutate(T& s, ReplicaId r, Env& e) {
    return s.assign(static_cast<int>(e.rng.below(10)), e.clocks[r - 1], e.now());
  }
};
struct LwwMapOps {
  using T = LwwMap<std::string, int>;
  static T mutate(T& s, ReplicaId r, Env& e) {
    std::string k = "k" + std::to_string(e.rng.below(5));
    if (e.rng.chance(25)) return s.erase(k, e.clocks[r - 1], e.now());
    return s.set(k, static_cast<int>(e.rng.below(100)), e.clocks[r - 1], e.now());
  }
};
struct MvRegisterOps {
  using T = MvRegister<int>;
  static T mutate(T& s, ReplicaId r, Env& e) { return s.write(r, static_cast<int>(e.rng.below(10))); }
};
struct OrSetOps {
  using T = OrSet<int>;
  static T mutate(T& s, ReplicaId r, Env& e) {
    int x = static_cast<int>(e.rng.below(6));
    return e.rng.chance(40) ? s.remove(x) : s.add(r, x);
  }
};
struct OrMapOps {
  using T = OrMap<std::string, int>;
  static T mutate(T& s, ReplicaId r, Env& e) {
    std::string k = "f" + std::to_string(e.rng.below(5));
    if (e.rng.chance(20)) return s.erase(k);
    return s.set(r, k, static_cast<int>(e.rng.below(100)));
  }
};

template <class T>
T joined(T a, const T& b) {
  a.join(b);
  return a;
}

template <class Ops>
class CrdtLaws : public ::testing::Test {};
using AllTypes = ::testing::Types<GCounterOps, PNCounterOps, LwwRegisterOps, LwwMapOps, MvRegisterOps,
                                  OrSetOps, OrMapOps>;
TYPED_TEST_SUITE(CrdtLaws, AllTypes);

TYPED_TEST(CrdtLaws, JoinIsCommutativeAssociativeIdempotentAndDeltasConverge) {
  using Ops = TypeParam;
  using T = typename Ops::T;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    Rng rng(seed);
    std::vector<HybridClock> clocks;
    for (int r = 1; r <= kReplicas; ++r) clocks.emplace_back(static_cast<ReplicaId>(r));
    Env env{rng, clocks};
    std::vector<T> replicas(kReplicas);
    std::vector<T> deltas;
    for (int step = 0; step < kSteps; ++step) {
      std::size_t r = rng.below(kReplicas);
      if (rng.chance(70)) {
        deltas.push_back(Ops::mutate(replicas[r], static_cast<ReplicaId>(r + 1), env));
      } else if (!deltas.empty() && rng.chance(50)) {
        replicas[r].join(deltas[rng.below(deltas.size())]);  // some delta, possibly out of order
      } else {
        replicas[r].join(replicas[rng.below(kReplicas)]);  // anti-entropy with a peer's state
      }
    }
    const T& a = replicas[0];
    const T& b = replicas[1];
    const T& c = replicas[2];
    ASSERT_EQ(joined(a, b), joined(b, a)) << "commutative, seed " << seed;
    ASSERT_EQ(joined(joined(a, b), c), joined(a, joined(b, c))) << "associative, seed " << seed;
    ASSERT_EQ(joined(a, a), a) << "idempotent, seed " << seed;
    ASSERT_EQ(joined(joined(a, b), b), joined(a, b)) << "re-delivery, seed " << seed;
    const T& d = deltas[rng.below(deltas.size())];
    ASSERT_EQ(joined(joined(a, d), b), joined(a, joined(d, b))) << "delta associative, seed " << seed;

    // Everyone joins every state: one converged value.
    T all;
    for (const auto& s : replicas) all.join(s);
    // A fresh replica fed only the deltas, shuffled and with duplicates, reaches the same value.
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < deltas.size(); ++i) {
      order.push_back(i);
      if (rng.chance(30)) order.push_back(i);
    }
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    T from_deltas;
    for (auto i : order) from_deltas.join(deltas[i]);
    ASSERT_EQ(from_deltas, all) << "deltas in any order, seed " << seed;
    // The same with each delta and state moved in (OrMap then takes registers whole): same values,
    // and what was moved in is indexed like the rest (later joins remove from it).
    T moved_in;
    for (auto i : order) moved_in.join(T(deltas[i]));
    ASSERT_EQ(moved_in, all) << "deltas moved in, seed " << seed;
    T ab = a;
    ab.join(T(b));
    ASSERT_EQ(ab, joined(a, b)) << "state moved in, seed " << seed;
    ab.join(T(c));
    ab.join(T(d));
    ASSERT_EQ(ab, joined(joined(joined(a, b), c), d)) << "joins after a moved-in state, seed " << seed;
    // Compaction: the deltas joined into one message first give the same result.
    T compacted;
    for (const auto& dl : deltas) compacted.join(dl);
    ASSERT_EQ(joined(T{}, compacted), all) << "compacted deltas, seed " << seed;
  }
}

}  // namespace
}  // namespace roundhouse::sync
