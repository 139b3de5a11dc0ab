// Deterministic convergence simulator: N devices and a server exchanging wire-encoded pushes and
// pulls over a network that drops, duplicates, reorders and partitions, with device clocks hours
// apart and devices crashing (losing whatever they had not yet persisted). Per seed it asserts that
// after the network heals all replicas converge, no acknowledged operation is lost, the surviving
// values are exactly the writes nobody overwrote, and causal order holds at every step. Seeds
// rotate through the conflict strategies: after each accepted push the server settles the batch's
// concurrent values as the engine does (a server write replacing them, settle.hpp), except under
// manual, where they stay.
//
// ROUNDHOUSE_SYNC_SIM_SEEDS=N runs N seeds instead of the default (e.g. 100000 for a soak).

#include <gtest/gtest.h>

#include <cstdlib>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/settle.hpp"
#include "protocol/device_replica.hpp"
#include "protocol/server_log.hpp"
#include "roundhouse/sync/wire.hpp"
#include "test_rng.hpp"

namespace roundhouse::sync {
namespace {

using protocol::DeviceReplica;
using protocol::ServerLog;
using testing::Rng;

constexpr std::int64_t kEpoch = 1'700'000'000'000;
constexpr std::int64_t kHour = 3'600'000;
constexpr ReplicaId kServer = 1'000'000;  // the server's own replica (its settlement writes)
constexpr Strategy kStrategies[] = {Strategy::manual, Strategy::timestamp, Strategy::server_wins,
                                    Strategy::client_wins, Strategy::version};

struct Msg {
  enum Kind { push, push_reply, pull, pull_reply } kind;
  std::size_t device;
  std::string bytes;
  std::uint64_t n = 0;
  std::uint64_t from = 0;  // pull replies: the cursor they answer
};

// What the oracle knows of each acknowledged operation.
struct OpRecord {
  std::string key;
  std::optional<Value> value;  // nullopt: an erase
  CausalContext seen;          // the writer's context just before the operation
  std::set<Dot> replaced;      // the values at the key it overwrote
};

struct Stats {
  std::uint64_t ops = 0, crashes = 0, clamped = 0, dropped = 0, duplicated = 0, resent = 0, stale_pulls = 0,
                settled = 0;
};

class Simulation {
 public:
  explicit Simulation(std::uint64_t seed)
      : rng_(seed), server_clock_(kServer, 60'000), strategy_(kStrategies[seed % std::size(kStrategies)]) {
    const std::size_t n = 2 + rng_.below(5);
    for (std::size_t i = 0; i < n; ++i) {
      devices_.emplace_back(static_cast<ReplicaId>(i + 1));
      skew_.push_back(static_cast<std::int64_t>(rng_.below(7)) * kHour - 3 * kHour);  // -3h .. +3h
      partitioned_.push_back(false);
    }
    durable_ = devices_;
    drop_ = static_cast<unsigned>(rng_.below(30));
    dup_ = static_cast<unsigned>(rng_.below(20));
    keys_ = 1 + rng_.below(12);
  }

  void run(int steps) {
    for (int s = 0; s < steps; ++s) {
      now_ += 1 + static_cast<std::int64_t>(rng_.below(2000));
      const std::size_t d = rng_.below(devices_.size());
      const auto roll = rng_.below(100);
      if (roll < 30) write(d);
      else if (roll < 42) send(push_msg(d));
      else if (roll < 54) send({Msg::pull, d, {}, devices_[d].cursor()});
      else if (roll < 90) deliver_one();
      else if (roll < 95) partitioned_[d] = !partitioned_[d];
      else crash(d);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }

  // Heal the network, then sync everyone until nothing changes.
  void settle() {
    drop_ = dup_ = 0;
    std::fill(partitioned_.begin(), partitioned_.end(), false);
    while (!net_.empty()) deliver_one();
    for (int round = 0; round < 4; ++round) {
      for (std::size_t d = 0; d < devices_.size(); ++d) {
        if (devices_[d].pending()) send(push_msg(d, /*whole_queue=*/true));
        while (!net_.empty()) deliver_one();
      }
      for (std::size_t d = 0; d < devices_.size(); ++d) {
        send({Msg::pull, d, {}, devices_[d].cursor()});
        while (!net_.empty()) deliver_one();
      }
    }
  }

  void check_converged(std::uint64_t seed) {
    const ChangeSet& truth = server_.state();
    for (const auto& dev : devices_) {
      ASSERT_EQ(dev.pending(), 0u) << "seed " << seed << ": device " << dev.id() << " still has a queue (device acked "
                                   << dev.acked() << ", first pending " << dev.first_pending() << ", server acked "
                                   << server_.acked(dev.id()) << ", own max " << dev.state().context().max(dev.id()) << ")";
      ASSERT_EQ(dev.state(), truth) << "seed " << seed << ": device " << dev.id() << " diverged";
    }
    // No acknowledged operation lost: the server has seen every one, and the live values are
    // exactly the writes that no other operation overwrote.
    std::set<Dot> replaced;
    for (const auto& [dot, op] : ops_) {
      ASSERT_TRUE(truth.context().contains(dot)) << "seed " << seed << ": lost operation";
      replaced.insert(op.replaced.begin(), op.replaced.end());
    }
    std::map<Dot, std::pair<std::string, Value>> expected, actual;
    for (const auto& [dot, op] : ops_)
      if (op.value && !replaced.count(dot)) expected.emplace(dot, std::make_pair(op.key, *op.value));
    for (const auto& [key, reg] : truth.entries())
      for (const auto& [dot, fv] : reg) actual.emplace(dot, std::make_pair(key, fv.value));
    ASSERT_EQ(actual, expected) << "seed " << seed << ": surviving values";
  }

  const Stats& stats() const { return stats_; }

 private:
  std::int64_t physical(std::size_t d) const { return now_ + skew_[d]; }
  // The whole queue, or (sometimes) only its newest operation, which arrives ahead of a gap.
  Msg push_msg(std::size_t d, bool whole_queue = false) {
    const auto& dev = devices_[d];
    if (!whole_queue && dev.pending() > 1 && rng_.chance(20)) {
      const std::uint64_t last = dev.state().context().max(dev.id());
      return {Msg::push, d, wire::encode(dev.last_queued()), last};
    }
    return {Msg::push, d, wire::encode(dev.batch()), dev.first_pending()};
  }

  void write(std::size_t d) {
    auto& dev = devices_[d];
    const std::string key = "vehicle/V" + std::to_string(rng_.below(keys_)) + "/status";
    OpRecord rec{key, std::nullopt, dev.state().context(), {}};
    if (const auto* reg = dev.state().get(key))
      for (const auto& [dot, _] : *reg) rec.replaced.insert(dot);
    Dot dot;
    if (rng_.chance(15)) {
      dot = dev.erase(key);
    } else {
      Value v = static_cast<std::int64_t>(rng_.below(1000));
      rec.value = v;
      dot = dev.write(key, v, physical(d));
    }
    if (rng_.chance(3)) {  // crashed before the write was committed: never acknowledged, gone
      devices_[d] = durable_[d];
      ++stats_.crashes;
      return;
    }
    ops_.emplace(dot, std::move(rec));
    durable_[d] = dev;  // committed: acknowledged to the user from here on
    ++stats_.ops;
  }

  void crash(std::size_t d) {
    devices_[d] = durable_[d];
    ++stats_.crashes;
  }

  void send(Msg m) {
    if (partitioned_[m.device] || rng_.chance(drop_)) {
      ++stats_.dropped;
      return;
    }
    if (rng_.chance(dup_)) {
      net_.push_back(m);
      ++stats_.duplicated;
    }
    net_.push_back(std::move(m));
  }

  void deliver_one() {
    if (net_.empty()) return;
    const std::size_t i = rng_.below(net_.size());  // any message in flight: reordering
    Msg m = std::move(net_[i]);
    net_.erase(net_.begin() + static_cast<std::ptrdiff_t>(i));
    if (partitioned_[m.device]) {
      ++stats_.dropped;
      return;
    }
    auto& dev = devices_[m.device];
    switch (m.kind) {
      case Msg::push: {
        auto batch = wire::decode_change_set(m.bytes);
        ASSERT_TRUE(batch.ok()) << batch.error().message;
        const std::uint64_t before = server_.acked(dev.id());
        auto reply = server_.push(dev.id(), m.n, *batch);
        ASSERT_TRUE(reply.ok()) << reply.error().message;
        if (!reply->applied) ++stats_.resent;
        for (const auto& [_, reg] : batch->entries())
          for (const auto& [__, fv] : reg) server_clock_.observe(fv.ts, now_);
        if (reply->applied) settle_batch(*batch, dev.id(), before);
        check_causal(server_.state(), "server");
        send({Msg::push_reply, m.device, {}, reply->acked});
        break;
      }
      case Msg::push_reply:
        dev.on_acked(m.n);
        if (rng_.chance(50)) durable_[m.device] = dev;  // the ack may be lost in a crash: resent later
        break;
      case Msg::pull: {
        auto reply = server_.pull(m.n);
        send({Msg::pull_reply, m.device, wire::encode(reply.changes), reply.cursor, reply.from});
        break;
      }
      case Msg::pull_reply: {
        auto changes = wire::decode_change_set(m.bytes);
        ASSERT_TRUE(changes.ok()) << changes.error().message;
        if (!dev.on_pulled(*changes, m.from, m.n, physical(m.device))) ++stats_.stale_pulls;
        check_causal(dev.state(), "device");
        if (rng_.chance(50)) durable_[m.device] = dev;
        break;
      }
    }
    stats_.clamped = server_clock_.clamped();
  }

  // The server settles each key of the batch that now holds concurrent values by the seed's strategy:
  // one server write replacing them with the chosen value (recorded like any operation).
  void settle_batch(const ChangeSet& batch, ReplicaId device, std::uint64_t acked_before) {
    for (const auto& [key, _] : batch.entries()) {
      const auto* reg = server_.state().get(key);
      if (!reg || reg->size() < 2) continue;
      std::vector<ConflictCandidate> candidates;
      for (const auto& [dot, fv] : *reg)
        candidates.push_back({fv.value, fv.ts, dot, dot.replica == kServer ? "server" : "device",
                              dot.replica == device && dot.counter > acked_before});
      const Settlement s = sync::settle(strategy_, candidates, nullptr, key);
      if (s.kind == Settlement::Kind::keep) continue;
      OpRecord rec{key, s.value, server_.state().context(), {}};
      CausalContext ctx;
      for (const auto& [dot, __] : *reg) ctx.insert(dot), rec.replaced.insert(dot);
      const Dot dot{kServer, server_.state().context().max(kServer) + 1};
      ctx.insert(dot);
      ChangeSet::Entries entries;
      entries[key].emplace(dot, FieldValue{s.value, server_clock_.now(now_)});
      server_.commit(kServer, ChangeSet::from_parts(std::move(entries), std::move(ctx)), dot.counter);
      ops_.emplace(dot, std::move(rec));
      ++stats_.settled;
    }
  }

  // Causal order: any operation visible at a replica comes with everything its writer had seen.
  void check_causal(const ChangeSet& state, const char* where) {
    for (const auto& [key, reg] : state.entries())
      for (const auto& [dot, _] : reg) {
        auto it = ops_.find(dot);
        ASSERT_NE(it, ops_.end()) << where << " shows an operation nobody acknowledged";
        ASSERT_TRUE(state.context().includes(it->second.seen)) << where << " shows an effect before its cause";
      }
  }

  Rng rng_;
  ServerLog server_;
  HybridClock server_clock_;
  std::vector<DeviceReplica> devices_, durable_;
  std::vector<std::int64_t> skew_;
  std::vector<bool> partitioned_;
  std::vector<Msg> net_;
  std::map<Dot, OpRecord> ops_;
  std::int64_t now_ = kEpoch;
  unsigned drop_ = 0, dup_ = 0;
  std::uint64_t keys_ = 1;
  Strategy strategy_;
  Stats stats_;
};

std::uint64_t seed_count() {
  const char* env = std::getenv("ROUNDHOUSE_SYNC_SIM_SEEDS");
  return env ? std::strtoull(env, nullptr, 10) : 3000;
}

TEST(SyncSimulator, AllReplicasConvergeUnderFaults) {
  Stats total;
  const std::uint64_t seeds = seed_count();
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    Simulation sim(seed);
    sim.run(150);
    ASSERT_FALSE(::testing::Test::HasFatalFailure()) << "seed " << seed;
    sim.settle();
    ASSERT_FALSE(::testing::Test::HasFatalFailure()) << "seed " << seed;
    sim.check_converged(seed);
    ASSERT_FALSE(::testing::Test::HasFatalFailure()) << "seed " << seed;
    total.ops += sim.stats().ops;
    total.crashes += sim.stats().crashes;
    total.clamped += sim.stats().clamped;
    total.dropped += sim.stats().dropped;
    total.duplicated += sim.stats().duplicated;
    total.resent += sim.stats().resent;
    total.settled += sim.stats().settled;
  }
  // The faults really happened (a simulator that never drops proves nothing).
  EXPECT_GT(total.crashes, seeds / 2);
  EXPECT_GT(total.dropped, seeds);
  EXPECT_GT(total.duplicated, seeds / 2);
  EXPECT_GT(total.resent, seeds / 2);
  EXPECT_GT(total.clamped, 0u) << "device clocks hours ahead were clamped at the server";
  EXPECT_GT(total.settled, seeds / 2) << "strategies settled conflicts";
  std::printf("%llu seeds, %llu acknowledged ops, %llu settled by a strategy, %llu crashes, %llu dropped, %llu duplicated, %llu resent or stale pushes, %llu clamped timestamps\n",
              static_cast<unsigned long long>(seeds), static_cast<unsigned long long>(total.ops),
              static_cast<unsigned long long>(total.settled), static_cast<unsigned long long>(total.crashes), static_cast<unsigned long long>(total.dropped),
              static_cast<unsigned long long>(total.duplicated), static_cast<unsigned long long>(total.resent),
              static_cast<unsigned long long>(total.clamped));
}

}  // namespace
}  // namespace roundhouse::sync
