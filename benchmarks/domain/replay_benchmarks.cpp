// replay.projections.*: every event of the demo store (`small`: 69,062 events) replayed into the
// fleet's four built-in projections (vehicle-state, fleet-status-board, work-orders,
// inventory-levels) — apply only: one read_all pass on one thread, each event handed to every
// projection whose filter() matches, no checkpoints, no engine, no subscriptions.
// Baseline: the same read_all pass decoding every event and touching its fields, applying nothing.
#include <chrono>
#include <memory>
#include <vector>

#include "domain/domain_benchmarks.hpp"
#include "domain/domain_fixtures.hpp"
#include "domain/replay.hpp"
#include "store/raw_sqlite.hpp"
#include "store/workload.hpp"

namespace roundhouse::bench {
namespace {

using Clock = std::chrono::steady_clock;

void replay_store(benchmark::State& state, const std::string& scheme, bool per_projection) {
  DemoFixture& f = demo_fixture(scheme);
  double seconds = 0;
  std::uint64_t events = 0, applies = 0;
  for (auto _ : state) {
    ProjectionSet set = ProjectionSet::fleet(domain_registry());  // fresh, empty models (untimed)
    const auto t0 = Clock::now();
    auto r = set.replay(*f.store);
    const double dt = seconds_since(t0);
    if (!r || r->events != f.events) {
      state.SkipWithError(r ? "replay saw the wrong number of events" : r.error().message.c_str());
      break;
    }
    state.SetIterationTime(dt);
    seconds += dt;
    events += r->events;
    applies += r->applied;
  }
  report_rate(state, static_cast<double>(events), seconds);
  if (per_projection && !state.error_occurred()) {
    // Where the apply time goes: one untimed-by-the-row pass per projection alone, as microseconds
    // per event that projection applies (the memory store's read costs ~0.015 us per event).
    ProjectionSet names = ProjectionSet::fleet(domain_registry());
    for (std::size_t i = 0; i < names.size(); ++i) {
      ProjectionSet set = ProjectionSet::fleet(domain_registry());
      const auto t0 = Clock::now();
      auto r = set.replay(*f.store, static_cast<int>(i));
      const double dt = seconds_since(t0);
      if (r && r->applied)
        state.counters["us_per_apply." + names.names()[i]] = benchmark::Counter(dt * 1e6 / static_cast<double>(r->applied));
    }
  }
  state.counters["fixture_events"] = benchmark::Counter(static_cast<double>(f.events));
  state.counters["applies_per_event"] = benchmark::Counter(events ? static_cast<double>(applies) / static_cast<double>(events) : 0);
}

void scan_store(benchmark::State& state, const std::string& scheme) {
  DemoFixture& f = demo_fixture(scheme);
  double seconds = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    TouchSink sink;
    const auto t0 = Clock::now();
    auto st = f.store->read_all(ReadAllOptions{}, [&](const RecordedEvent& e) {
      sink(e);
      return true;
    });
    const double dt = seconds_since(t0);
    if (!st || sink.events != f.events) {
      state.SkipWithError(st ? "read_all returned the wrong number of events" : st.message().c_str());
      break;
    }
    benchmark::DoNotOptimize(sink.sum);
    state.SetIterationTime(dt);
    seconds += dt;
    events += sink.events;
  }
  report_rate(state, static_cast<double>(events), seconds);
  state.counters["fixture_events"] = benchmark::Counter(static_cast<double>(f.events));
}

// Raw sqlite3 scan of the store's events table with the streams join (the store's read_all query
// without decoding): SQLite's share of the scan, as read.all.sqlite:baseline_join.
void scan_sqlite_raw(benchmark::State& state) {
  DemoFixture& f = demo_fixture("sqlite");
  RawDb db(f.file, kStoreReaderPragmas, /*read_only=*/true);
  sqlite3_stmt* scan = db.prepare(
      "SELECT e.position, s.aggregate_type, s.aggregate_id, e.version, e.event_id, e.event_type, "
      "e.occurred_at, e.recorded_at, e.tenant, e.payload, e.metadata, e.hash "
      "FROM events e CROSS JOIN streams s ON s.stream_pk = e.stream_pk WHERE e.position >= 1 ORDER BY e.position");
  double seconds = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    const ScanResult r = scan_rows(scan);
    const double dt = seconds_since(t0);
    if (r.rc != SQLITE_DONE || r.rows != f.events) {
      state.SkipWithError("raw scan failed");
      break;
    }
    benchmark::DoNotOptimize(r.checksum);
    state.SetIterationTime(dt);
    seconds += dt;
    events += r.rows;
  }
  report_rate(state, static_cast<double>(events), seconds);
}

}  // namespace

void register_replay_benchmarks() {
  const auto passes = static_cast<benchmark::IterationCount>(domain_sizes().replay_passes);
  auto reg = [&](const char* name, auto fn) {
    benchmark::RegisterBenchmark(name, fn)->Iterations(passes)->UseManualTime()->Unit(benchmark::kMillisecond);
  };
  reg("replay.projections.sqlite", [](benchmark::State& s) { replay_store(s, "sqlite", false); });
  reg("replay.projections.sqlite:baseline", [](benchmark::State& s) { scan_store(s, "sqlite"); });
  reg("replay.projections.sqlite:baseline_raw", scan_sqlite_raw);
  reg("replay.projections.memory", [](benchmark::State& s) { replay_store(s, "memory", true); });
  reg("replay.projections.memory:baseline", [](benchmark::State& s) { scan_store(s, "memory"); });
}

}  // namespace roundhouse::bench
