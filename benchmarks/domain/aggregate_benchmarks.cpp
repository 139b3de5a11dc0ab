// load.aggregate.snapshot.* and time_travel.state_at.*: the aggregate side of the fleet domain.
//
// load.aggregate.snapshot: AggregateRepository::load() of BENCH-100K (100,000 vehicle events) with
//   the default snapshot_every = 100: the newest snapshot (version 99,950) + the 50-event tail.
//   Baseline: load_without_snapshot() of the same aggregate, i.e. the full replay of 100,000 events.
//   Unit: loads/s; ratio = value / baseline = how many times faster the snapshot makes a load.
// time_travel.state_at: state_at() of BENCH-10K (10,000 vehicle events, one per hour) with an
//   occurred bound at its 5,000th event, so the call reads the stream and folds half of it (an
//   occurred bound never starts from a snapshot). Baseline: read_stream() of the same 10,000 events,
//   decoded and touched, nothing applied. Unit: calls/s (reads/s for the baseline).
#include <chrono>

#include "aggregates.hpp"
#include "domain/domain_benchmarks.hpp"
#include "domain/domain_fixtures.hpp"
#include "roundhouse/domain/repository.hpp"
#include "roundhouse/history/time_travel.hpp"
#include "store/raw_sqlite.hpp"
#include "store/workload.hpp"

namespace roundhouse::bench {
namespace {

using Clock = std::chrono::steady_clock;

void finish(benchmark::State& state, std::uint64_t ops, double seconds, const AggregateFixture& f) {
  report_rate(state, static_cast<double>(ops), seconds);
  state.counters["ms_per_op"] = benchmark::Counter(ops ? seconds * 1e3 / static_cast<double>(ops) : 0.0);
  state.counters["fixture_events"] = benchmark::Counter(static_cast<double>(f.events));
}

// --- load.aggregate.snapshot ----------------------------------------------------------------------

void load_aggregate(benchmark::State& state, const std::string& scheme, bool use_snapshot) {
  AggregateFixture& f = aggregate_fixture(scheme);
  AggregateRepository repo(f.store, domain_registry(), fleet::vehicle_type(), kSnapshotEvery);
  double seconds = 0;
  std::uint64_t loads = 0, applied = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    auto loaded = use_snapshot ? repo.load(kBigVehicle) : repo.load_without_snapshot(kBigVehicle);
    const double dt = seconds_since(t0);
    if (!loaded || loaded->version != kBigVehicleEvents ||
        loaded->snapshot_version != (use_snapshot ? f.snapshot_version : 0)) {
      state.SkipWithError(loaded ? "load did not give version 100000 from the expected snapshot"
                                 : loaded.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(loaded->state.get());
    state.SetIterationTime(dt);
    seconds += dt;
    ++loads;
    applied += loaded->version - loaded->snapshot_version;
  }
  finish(state, loads, seconds, f);
  state.counters["aggregate_events"] = benchmark::Counter(static_cast<double>(kBigVehicleEvents));
  state.counters["events_applied_per_load"] = benchmark::Counter(loads ? static_cast<double>(applied) / static_cast<double>(loads) : 0);
  state.counters["snapshot_version"] = benchmark::Counter(static_cast<double>(f.snapshot_version));
}

// --- time_travel.state_at -------------------------------------------------------------------------

void state_at_middle(benchmark::State& state, const std::string& scheme) {
  AggregateFixture& f = aggregate_fixture(scheme);
  AsOf as_of;
  as_of.occurred = f.middle_occurred;
  double seconds = 0;
  std::uint64_t calls = 0, folded = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    auto at = state_at(f.store, domain_registry(), fleet::kVehicle, kTimeTravelVehicle, as_of);
    const double dt = seconds_since(t0);
    if (!at || at->event_count != f.events_at_middle) {
      state.SkipWithError(at ? "state_at folded the wrong number of events" : at.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(at->state.size());
    state.SetIterationTime(dt);
    seconds += dt;
    ++calls;
    folded += at->event_count;
  }
  finish(state, calls, seconds, f);
  state.counters["stream_events"] = benchmark::Counter(static_cast<double>(kTimeTravelEvents));
  state.counters["events_folded"] = benchmark::Counter(calls ? static_cast<double>(folded) / static_cast<double>(calls) : 0);
}

void read_stream_raw(benchmark::State& state, const std::string& scheme) {
  AggregateFixture& f = aggregate_fixture(scheme);
  const StreamId id{fleet::kVehicle, kTimeTravelVehicle};
  double seconds = 0;
  std::uint64_t reads = 0;
  for (auto _ : state) {
    TouchSink sink;
    const auto t0 = Clock::now();
    auto events = f.store->read_stream(id, ReadStreamOptions{});
    if (events) for (const auto& e : *events) sink(e);
    const double dt = seconds_since(t0);
    if (!events || sink.events != kTimeTravelEvents) {
      state.SkipWithError(events ? "read_stream returned the wrong number of events" : events.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(sink.sum);
    state.SetIterationTime(dt);
    seconds += dt;
    ++reads;
  }
  finish(state, reads, seconds, f);
  state.counters["stream_events"] = benchmark::Counter(static_cast<double>(kTimeTravelEvents));
}

// The store's stream query as one prepared statement on the same file (same join, columns, index and
// reader pragmas), each column read through the C API, nothing copied: SQLite's share of the read.
void read_stream_sqlite_raw(benchmark::State& state) {
  AggregateFixture& f = aggregate_fixture("sqlite");
  RawDb db(f.file, kStoreReaderPragmas, /*read_only=*/true);
  sqlite3_stmt* q = db.prepare(
      "SELECT e.position, s.aggregate_type, s.aggregate_id, e.version, e.event_id, e.event_type, e.occurred_at, "
      "e.recorded_at, e.tenant, e.payload, e.metadata, e.hash FROM events e JOIN streams s ON s.stream_pk = e.stream_pk "
      "WHERE s.aggregate_type = ?1 AND s.aggregate_id = ?2 ORDER BY e.version");
  const std::string type = fleet::kVehicle, id = kTimeTravelVehicle;
  double seconds = 0;
  std::uint64_t reads = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    sqlite3_bind_text(q, 1, type.data(), static_cast<int>(type.size()), SQLITE_STATIC);
    sqlite3_bind_text(q, 2, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
    const ScanResult r = scan_rows(q);
    const double dt = seconds_since(t0);
    if (r.rc != SQLITE_DONE || r.rows != kTimeTravelEvents) {
      state.SkipWithError("raw stream query failed");
      break;
    }
    benchmark::DoNotOptimize(r.checksum);
    state.SetIterationTime(dt);
    seconds += dt;
    ++reads;
  }
  finish(state, reads, seconds, f);
}

}  // namespace

void register_aggregate_benchmarks() {
  const auto& n = domain_sizes();
  auto reg = [](const char* name, std::size_t iterations, auto fn) {
    benchmark::RegisterBenchmark(name, fn)
        ->Iterations(static_cast<benchmark::IterationCount>(iterations))
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  };
  for (const char* scheme : {"sqlite", "memory"}) {
    const std::string s = scheme;
    reg(("load.aggregate.snapshot." + s).c_str(), n.snapshot_loads,
        [s](benchmark::State& st) { load_aggregate(st, s, true); });
    reg(("load.aggregate.snapshot." + s + ":baseline").c_str(), n.full_loads,
        [s](benchmark::State& st) { load_aggregate(st, s, false); });
    reg(("time_travel.state_at." + s).c_str(), n.state_at_calls, [s](benchmark::State& st) { state_at_middle(st, s); });
    reg(("time_travel.state_at." + s + ":baseline").c_str(), n.state_at_calls,
        [s](benchmark::State& st) { read_stream_raw(st, s); });
    if (s == "sqlite") reg("time_travel.state_at.sqlite:baseline_raw", n.state_at_calls, read_stream_sqlite_raw);
  }
}

}  // namespace roundhouse::bench
