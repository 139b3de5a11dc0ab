// roundhouse_sync_bench: the sync engine on the crdt-js baseline's workload (../shared/baselines/
// crdt-js/bench.js: D devices each write N single-key register updates over K keys; device d draws
// keys from mulberry32(1000 + d), key = "k" + floor(r() * K), value = d * N + i). Prints one JSON
// object; benchmarks/sync/sync_bench.py turns it into rows beside the Yjs numbers of the same run.
//
//   roundhouse_sync_bench [--keys K] [--devices D] [--ops N] [--http URL --api-key KEY --admin-key KEY --dir DIR]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "client/sync_client.hpp"
#include "engine/settle.hpp"
#include "mulberry32.hpp"
#include "protocol/server_log.hpp"
#include "roundhouse/sync/wire.hpp"

namespace {
using namespace roundhouse::sync;
using Clock = std::chrono::steady_clock;

using bench::Mulberry32;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Workload {
  std::vector<std::vector<std::string>> messages;  // per device, one wire message per write
  std::vector<ChangeSet> devices;                  // each device's final state
  std::vector<ChangeSet> batches;                  // each device's queue compacted by join
};

Workload generate(int keys, int devices, int ops) {
  Workload w;
  for (int d = 0; d < devices; ++d) {
    Mulberry32 r{static_cast<std::uint32_t>(1000 + d)};
    HybridClock clock(static_cast<ReplicaId>(d + 2));
    ChangeSet state, batch;
    std::vector<std::string> msgs;
    for (int i = 0; i < ops; ++i) {
      std::string key = "k" + std::to_string(static_cast<int>(r.next() * keys));
      auto ts = clock.now(1'700'000'000'000 + i);
      ChangeSet delta = state.set(static_cast<ReplicaId>(d + 2), key,
                                  FieldValue{std::int64_t{static_cast<std::int64_t>(d) * ops + i}, ts});
      msgs.push_back(wire::encode(delta));
      batch.join(delta);
    }
    w.messages.push_back(std::move(msgs));
    w.devices.push_back(std::move(state));
    w.batches.push_back(std::move(batch));
  }
  return w;
}

// Server ingest, one message per push: decode, FIFO check, join, log (ServerLog::push of wire bytes).
// Returns seconds.
struct Message {
  int device;
  std::uint64_t seq;  // the operation it carries (1-based)
  const std::string* bytes;
};

double ingest(const std::vector<Message>& order, protocol::ServerLog& server) {
  auto t0 = Clock::now();
  for (const auto& m : order) {
    if (!server.push(static_cast<ReplicaId>(m.device + 2), m.seq, std::string_view(*m.bytes))) std::abort();
  }
  return seconds_since(t0);
}

// Plain JSON of the live data, resolved by greatest timestamp ({"k1":v,...}, sorted keys, no spaces).
std::size_t plain_json_bytes(const ChangeSet& s) {
  std::size_t n = 2;
  bool first = true;
  for (const auto& [k, reg] : s.entries()) {
    const FieldValue* best = nullptr;
    for (const auto& [_, fv] : reg)
      if (!best || best->ts < fv.ts) best = &fv;
    n += (first ? 0 : 1) + k.size() + 3 + std::to_string(std::get<std::int64_t>(best->value)).size();
    first = false;
  }
  return n;
}

// The server's state after it settles every key's concurrent values by the timestamp strategy: the
// engine's own rule (engine/settle.hpp) picks the value, written back as one server write per key.
ChangeSet settled_by_timestamp(const ChangeSet& state) {
  HybridClock server(1);
  CausalContext ctx;
  ChangeSet::Entries entries;
  std::int64_t latest = 0;
  for (const auto& [_, reg] : state.entries())
    for (const auto& [__, fv] : reg) latest = std::max(latest, fv.ts.wall_ms);
  for (const auto& [key, reg] : state.entries()) {
    if (reg.size() < 2) continue;
    std::vector<ConflictCandidate> candidates;
    for (const auto& [dot, fv] : reg) {
      ctx.insert(dot);
      // The timestamp rule takes the latest of all; which ones count as "pushed" does not matter.
      candidates.push_back({fv.value, fv.ts, dot, "device", candidates.empty()});
    }
    const Settlement kept = settle(Strategy::timestamp, candidates, nullptr, key);
    if (kept.kind != Settlement::Kind::replace) std::fprintf(stderr, "settle kept %s unsettled\n", key.c_str()), std::abort();
    const Dot dot = ctx.next(1);
    entries[key].emplace(dot, FieldValue{kept.value, server.now(latest)});
  }
  ChangeSet out = state;
  out.join(ChangeSet::from_parts(std::move(entries), std::move(ctx)));
  return out;
}

int http_roundtrip(const std::string& url, const std::string& key, const std::string& admin, const std::string& dir,
                   int ops, int rounds) {
  namespace c = roundhouse::sync::client;
  auto a = c::HttpTransport::create(url, admin);
  if (!a) return 2;
  std::vector<double> ms;
  for (int round = 0; round < rounds; ++round) {
    const std::string id = "bench-" + std::to_string(round);
    auto replica = c::SyncClient::register_device(*a, id, id, "bench");
    if (!replica) return std::fprintf(stderr, "%s\n", replica.error().message.c_str()), 1;
    const auto path = std::filesystem::path(dir) / (id + ".rhs");
    std::filesystem::remove(path);
    auto store = c::DeviceStore::create(path, id, *replica);
    if (!store) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
    Mulberry32 r{static_cast<std::uint32_t>(1000 + round)};
    for (int i = 0; i < ops; ++i)
      if (!(*store)->write("checklist/V" + std::to_string(static_cast<int>(r.next() * 1000)) + "/km",
                           std::int64_t{i}, 1'700'000'000'000 + i))
        return 1;
    // A transport of its own per round: each timed sync opens its connection (as a device coming
    // online does) and its pull goes out on the push's connection.
    auto t = c::HttpTransport::create(url, key);
    if (!t) return 2;
    c::SyncClient client(**store, *t);
    auto t0 = Clock::now();
    auto rep = client.sync();
    ms.push_back(seconds_since(t0) * 1000);
    if (!rep || rep->acked != static_cast<std::uint64_t>(ops)) return std::fprintf(stderr, "sync failed\n"), 1;
    std::filesystem::remove(path);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("{\"http_roundtrip_ms_median\": %.3f, \"http_roundtrip_ms_min\": %.3f, \"http_roundtrip_ms_max\": %.3f, "
              "\"http_roundtrip_ops\": %d, \"http_roundtrip_rounds\": %d}\n",
              ms[ms.size() / 2], ms.front(), ms.back(), ops, rounds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int keys = 1000, devices = 10, ops = 10000;
  std::string url, key, admin, dir = "/tmp";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--keys") keys = std::stoi(v);
    else if (a == "--devices") devices = std::stoi(v);
    else if (a == "--ops") ops = std::stoi(v);
    else if (a == "--http") url = v;
    else if (a == "--api-key") key = v;
    else if (a == "--admin-key") admin = v;
    else if (a == "--dir") dir = v;
  }
  if (!url.empty()) return http_roundtrip(url, key, admin, dir, 1000, 9);

  const double total = static_cast<double>(devices) * ops;
  auto t0 = Clock::now();
  Workload w = generate(keys, devices, ops);
  const double gen_s = seconds_since(t0);

  std::size_t unbatched = 0, batched = 0;
  for (const auto& msgs : w.messages)
    for (const auto& m : msgs) unbatched += m.size();
  std::vector<std::string> batch_bytes;
  for (const auto& b : w.batches) batch_bytes.push_back(wire::encode(b)), batched += batch_bytes.back().size();

  // One message at a time, device-interleaved (bench.js "mergeOne").
  std::vector<Message> order;
  for (int i = 0; i < ops; ++i)
    for (int d = 0; d < devices; ++d) order.push_back({d, static_cast<std::uint64_t>(i + 1), &w.messages[d][i]});

  // Fully shuffled delivery: messages ahead of a gap wait in the server's hold-back buffer.
  std::vector<Message> shuffled_order = order;
  Mulberry32 sr{5};
  for (std::size_t i = shuffled_order.size() - 1; i > 0; --i)
    std::swap(shuffled_order[i], shuffled_order[static_cast<std::size_t>(sr.next() * (i + 1))]);

  // Each phase takes ~0.1 s, where one run swings ±30 % with the process's warm-up and the
  // machine; so: one untimed round, then kRounds rounds on fresh logs, phases alternated, medians.
  constexpr int kRounds = 7;
  std::vector<double> one_runs, shuf_runs, batch_runs;
  std::size_t passes = 0;
  protocol::ServerLog in_order, shuffled_server, batch_server;
  for (int round = 0; round <= kRounds; ++round) {
    in_order = protocol::ServerLog();
    const double one_s = ingest(order, in_order);

    // The hold-back buffer is bounded (ServerLog::kMaxHeld per device); what it had to turn away is
    // offered again, as a device resends what was not acknowledged, until everything is in.
    shuffled_server = protocol::ServerLog();
    std::vector<Message> shuffled = shuffled_order;
    auto ts = Clock::now();
    passes = 0;
    while (!shuffled.empty()) {
      ingest(shuffled, shuffled_server);
      ++passes;
      std::erase_if(shuffled, [&](const Message& m) {
        return m.seq <= shuffled_server.acked(static_cast<ReplicaId>(m.device + 2));
      });
    }
    const double shuf_s = seconds_since(ts);

    // Batch: each device's compacted queue in one push (bench.js "mergeBatch").
    batch_server = protocol::ServerLog();
    auto tb = Clock::now();
    for (int d = 0; d < devices; ++d) {
      if (!batch_server.push(static_cast<ReplicaId>(d + 2), 1, std::string_view(batch_bytes[d]))) std::abort();
    }
    const double batch_s = seconds_since(tb);
    if (round == 0) continue;  // warm-up
    one_runs.push_back(one_s), shuf_runs.push_back(shuf_s), batch_runs.push_back(batch_s);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double one_s = median(one_runs), shuf_s = median(shuf_runs), batch_s = median(batch_runs);
  // Per-round ratio: both phases of a round ran under the same machine conditions.
  std::vector<double> slowdowns;
  for (int i = 0; i < kRounds; ++i) slowdowns.push_back(shuf_runs[i] / one_runs[i]);
  const double slowdown = median(slowdowns);
  const auto [fastest_one, slowest_one] = std::minmax_element(one_runs.begin(), one_runs.end());

  const bool converged = in_order.state() == batch_server.state() && in_order.state() == shuffled_server.state();
  if (!converged)
    std::fprintf(stderr, "not converged: batch %d shuffled %d; entries %d/%d ctx %d/%d\n",
                 in_order.state() == batch_server.state(), in_order.state() == shuffled_server.state(),
                 in_order.state().entries() == batch_server.state().entries(),
                 in_order.state().entries() == shuffled_server.state().entries(),
                 in_order.state().context() == batch_server.state().context(),
                 in_order.state().context() == shuffled_server.state().context());
  const std::string state = wire::encode(in_order.state());
  std::size_t values = 0;
  for (const auto& [_, reg] : in_order.state().entries()) values += reg.size();
  const std::size_t json = plain_json_bytes(in_order.state());
  const ChangeSet settled = settled_by_timestamp(in_order.state());
  const std::size_t settled_bytes = wire::encode(settled).size();
  if (plain_json_bytes(settled) != json) std::fprintf(stderr, "settlement changed the live data\n"), std::abort();
  std::printf(
      "{\"ops\": %.0f, \"keys\": %d, \"devices\": %d, \"gen_ops_per_s\": %.0f, \"wire_bytes_per_op_unbatched\": %.3f, "
      "\"wire_bytes_per_op_batched\": %.4f, \"ingest_single_ops_per_s\": %.0f, \"ingest_shuffled_ops_per_s\": %.0f, \"shuffled_passes\": %zu, "
      "\"ingest_batch_ops_per_s\": %.0f, \"ingest_rounds\": %d, \"ingest_single_ops_per_s_min\": %.0f, "
      "\"ingest_single_ops_per_s_max\": %.0f, \"shuffled_slowdown_median\": %.3f, \"state_bytes\": %zu, \"state_values\": %zu, \"state_bytes_settled\": %zu, "
      "\"live_keys\": %zu, \"plain_json_bytes\": %zu, \"converged\": %s}\n",
      total, keys, devices, total / gen_s, unbatched / total, batched / total, total / one_s, total / shuf_s, passes,
      total / batch_s, kRounds, total / *slowest_one, total / *fastest_one, slowdown, state.size(), values, settled_bytes, in_order.state().size(), json, converged ? "true" : "false");
  return converged ? 0 : 1;
}
