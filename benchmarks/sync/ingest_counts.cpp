// roundhouse_sync_ingest_counts: heap allocations per message of sync ingest on the sync bench's
// workload (D devices x N single-key writes over K keys, one wire message per write pushed into
// protocol::ServerLog), in order and fully shuffled. Deterministic, unlike wall time on a shared
// machine; run it under callgrind for instructions per message (each phase is one function):
//
//   roundhouse_sync_ingest_counts [--ops N]
//   valgrind --tool=callgrind --toggle-collect='ingest_in_order*' roundhouse_sync_ingest_counts
//     (Collected / messages = instructions per message; likewise decode_only, ingest_shuffled)

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "mulberry32.hpp"
#include "protocol/server_log.hpp"
#include "roundhouse/sync/wire.hpp"

namespace {
std::size_t g_allocations = 0;
}  // namespace

// Counts every allocation of the process (the phases below reset the count).
void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {
using namespace roundhouse::sync;

using bench::Mulberry32;

struct Message {
  ReplicaId device;
  std::uint64_t seq;
  const std::string* bytes;
};

[[gnu::noipa]] void decode_only(const std::vector<Message>& order) {
  for (const auto& m : order)
    if (!wire::decode_change_set(*m.bytes)) std::abort();
}
[[gnu::noipa]] void ingest_in_order(const std::vector<Message>& order, protocol::ServerLog& server) {
  for (const auto& m : order)
    if (!server.push(m.device, m.seq, std::string_view(*m.bytes))) std::abort();
}
// One pass of shuffled delivery (what the hold-back window turned away is offered again after).
// noipa: without it GCC folds this identical body into ingest_in_order and callgrind sees one.
[[gnu::noipa]] void ingest_shuffled(const std::vector<Message>& order, protocol::ServerLog& server) {
  for (const auto& m : order)
    if (!server.push(m.device, m.seq, std::string_view(*m.bytes))) std::abort();
}

}  // namespace

int main(int argc, char** argv) {
  int keys = 1000, devices = 10, ops = 10000;
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--ops") ops = std::atoi(argv[i + 1]);
  std::vector<std::vector<std::string>> messages(devices);
  for (int d = 0; d < devices; ++d) {
    Mulberry32 r{static_cast<std::uint32_t>(1000 + d)};
    HybridClock clock(static_cast<ReplicaId>(d + 2));
    ChangeSet state;
    for (int i = 0; i < ops; ++i) {
      std::string key = "k" + std::to_string(static_cast<int>(r.next() * keys));
      const FieldValue v{std::int64_t{static_cast<std::int64_t>(d) * ops + i}, clock.now(1'700'000'000'000 + i)};
      messages[d].push_back(wire::encode(state.set(static_cast<ReplicaId>(d + 2), key, v)));
    }
  }
  std::vector<Message> order;
  for (int i = 0; i < ops; ++i)
    for (int d = 0; d < devices; ++d)
      order.push_back({static_cast<ReplicaId>(d + 2), static_cast<std::uint64_t>(i + 1), &messages[d][i]});
  const double n = static_cast<double>(order.size());

  g_allocations = 0;
  decode_only(order);
  const double decode = static_cast<double>(g_allocations) / n;

  protocol::ServerLog in_order;
  g_allocations = 0;
  ingest_in_order(order, in_order);
  const double single = static_cast<double>(g_allocations) / n;

  Mulberry32 sr{5};  // the bench's shuffle
  for (std::size_t i = order.size() - 1; i > 0; --i)
    std::swap(order[i], order[static_cast<std::size_t>(sr.next() * static_cast<double>(i + 1))]);
  protocol::ServerLog shuffled;
  g_allocations = 0;
  int passes = 0;
  while (!order.empty()) {
    ingest_shuffled(order, shuffled);
    ++passes;
    std::erase_if(order, [&](const Message& m) { return m.seq <= shuffled.acked(m.device); });
  }
  const double shuf = static_cast<double>(g_allocations) / n;
  const bool same = in_order.state() == shuffled.state();
  std::printf("{\"messages\": %.0f, \"decode_allocations_per_message\": %.2f, "
              "\"ingest_single_allocations_per_message\": %.2f, \"ingest_shuffled_allocations_per_message\": %.2f, "
              "\"shuffled_passes\": %d, \"converged\": %s}\n",
              n, decode, single, shuf, passes, same ? "true" : "false");
  return same ? 0 : 1;
}
