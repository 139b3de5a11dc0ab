// read.all.* and read.stream.*: decoded events through the EventStore API against raw SQLite
// statements over the same file (and, for the memory backend, against scanning a vector).
//
// The fixture is built once per backend and shared: `read_streams` vehicle streams of 100 events,
// written in 10 rounds of 10 events per stream, so a stream's events are spread over the log the
// way a real fleet's are. It is written with pipelined appends (group commit), untimed.
#include <benchmark/benchmark.h>

#include <map>
#include <random>

#include "append_window.hpp"
#include "benchmarks.hpp"
#include "raw_sqlite.hpp"
#include "workload.hpp"

namespace roundhouse::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Fixture {
  std::unique_ptr<TempDir> dir;
  std::string file;  // sqlite file ("" for memory)
  std::shared_ptr<EventStore> store;
  std::size_t streams = 0;
  std::uint64_t events = 0;
};

std::map<std::string, std::unique_ptr<Fixture>>& fixtures() {
  static std::map<std::string, std::unique_ptr<Fixture>> f;
  return f;
}

void populate(EventStore& store, std::size_t streams) {
  constexpr std::size_t kRounds = 10, kWindow = 256;
  const std::size_t per_round = kStreamEvents / kRounds;
  AppendWindow client(store, kWindow);
  std::uint64_t n = 0;
  for (std::size_t round = 0; round < kRounds; ++round) {
    for (std::size_t s = 0; s < streams; ++s) {
      AppendRequest r;
      r.stream = stream(s);
      r.tenant = kTenant;
      for (std::size_t i = 0; i < per_round; ++i) r.events.push_back(new_event(n++, s));
      if (!client.submit(std::move(r))) break;
    }
  }
  if (auto failure = client.drain()) throw std::runtime_error("populating the read fixture: " + failure->message);
}

Fixture& fixture(const std::string& scheme) {
  auto& slot = fixtures()[scheme];
  if (!slot) {
    auto f = std::make_unique<Fixture>();
    f->dir = std::make_unique<TempDir>("read-" + scheme);
    if (scheme == "sqlite") f->file = f->dir->file("store.db");
    f->store = open_store(scheme == "sqlite" ? "sqlite:" + f->file : "memory:");
    f->streams = sizes().read_streams;
    populate(*f->store, f->streams);
    f->events = f->store->head_position().value();
    if (!f->file.empty()) {
      // Move the log from the WAL into the main file, where a long-running store keeps all but its
      // newest commits (the store checkpoints every ~40 MB of WAL). Store and baselines read the
      // same file state either way.
      RawDb db(f->file, "");
      db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    slot = std::move(f);
  }
  return *slot;
}

// What a consumer of a decoded event reads: every field.
struct Sink {
  std::uint64_t events = 0, sum = 0;
  void operator()(const RecordedEvent& e) {
    ++events;
    sum += e.position + e.version + static_cast<std::uint64_t>(e.occurred_at + e.recorded_at) + e.stream.type.size() +
           e.stream.id.size() + e.type.size() + e.tenant.size() + e.payload.size() + e.metadata.size() + e.hash[0] +
           e.id.bytes()[0];
  }
};

void report(benchmark::State& state, double items, double seconds, std::uint64_t fixture_events) {
  state.counters["rate"] = benchmark::Counter(seconds > 0 ? items / seconds : 0.0);
  state.counters["items"] = benchmark::Counter(items);
  state.counters["seconds"] = benchmark::Counter(seconds);
  state.counters["fixture_events"] = benchmark::Counter(static_cast<double>(fixture_events));
}

// --- read.all -----------------------------------------------------------------------------------

void read_all_store(benchmark::State& state, const std::string& scheme) {
  Fixture& f = fixture(scheme);
  double seconds = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    Sink sink;
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
  report(state, static_cast<double>(events), seconds, f.events);
}

// Raw scan of the store's own events table: the same columns the store decodes, in position order,
// each column read through the C API, nothing copied. `join` adds the streams join the store uses
// to give every event its (type, id).
void read_all_sqlite_baseline(benchmark::State& state, bool join) {
  Fixture& f = fixture("sqlite");
  RawDb db(f.file, kStoreReaderPragmas, /*read_only=*/true);
  sqlite3_stmt* scan = db.prepare(
      join ? "SELECT e.position, s.aggregate_type, s.aggregate_id, e.version, e.event_id, e.event_type, "
             "e.occurred_at, e.recorded_at, e.tenant, e.payload, e.metadata, e.hash "
             "FROM events e JOIN streams s ON s.stream_pk = e.stream_pk WHERE e.position >= 1 ORDER BY e.position"
           : "SELECT position, stream_pk, version, event_id, event_type, occurred_at, recorded_at, tenant, payload, "
             "metadata, hash FROM events WHERE position >= 1 ORDER BY position");
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
  report(state, static_cast<double>(events), seconds, f.events);
}

// The memory floor: the same events, already decoded, in a std::vector.
void read_all_memory_baseline(benchmark::State& state) {
  Fixture& f = fixture("memory");
  auto all = f.store->read_all(ReadAllOptions{});
  if (!all) return state.SkipWithError(all.error().message.c_str());
  double seconds = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    Sink sink;
    const auto t0 = Clock::now();
    for (const auto& e : *all) sink(e);
    const double dt = seconds_since(t0);
    benchmark::DoNotOptimize(sink.sum);
    state.SetIterationTime(dt);
    seconds += dt;
    events += sink.events;
  }
  report(state, static_cast<double>(events), seconds, f.events);
}

// --- read.stream --------------------------------------------------------------------------------

void read_stream_store(benchmark::State& state, const std::string& scheme) {
  Fixture& f = fixture(scheme);
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::size_t> pick(0, f.streams - 1);
  double seconds = 0;
  std::uint64_t reads = 0;
  for (auto _ : state) {
    const StreamId id = stream(pick(rng));
    Sink sink;
    const auto t0 = Clock::now();
    auto events = f.store->read_stream(id, ReadStreamOptions{});
    if (events) for (const auto& e : *events) sink(e);
    const double dt = seconds_since(t0);
    if (!events || sink.events != kStreamEvents) {
      state.SkipWithError(events ? "read_stream returned the wrong number of events" : events.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(sink.sum);
    state.SetIterationTime(dt);
    seconds += dt;
    ++reads;
  }
  report(state, static_cast<double>(reads), seconds, f.events);
}

// The same rows by stream with one prepared statement: the store's stream query (same columns,
// same join, same index), each column read through the C API, nothing copied.
void read_stream_sqlite_baseline(benchmark::State& state) {
  Fixture& f = fixture("sqlite");
  RawDb db(f.file, kStoreReaderPragmas, /*read_only=*/true);
  sqlite3_stmt* q = db.prepare(
      "SELECT e.position, s.aggregate_type, s.aggregate_id, e.version, e.event_id, e.event_type, e.occurred_at, "
      "e.recorded_at, e.tenant, e.payload, e.metadata, e.hash FROM events e JOIN streams s ON s.stream_pk = e.stream_pk "
      "WHERE s.aggregate_type = ?1 AND s.aggregate_id = ?2 ORDER BY e.version");
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::size_t> pick(0, f.streams - 1);
  double seconds = 0;
  std::uint64_t reads = 0;
  for (auto _ : state) {
    const StreamId id = stream(pick(rng));
    const auto t0 = Clock::now();
    sqlite3_bind_text(q, 1, id.type.data(), static_cast<int>(id.type.size()), SQLITE_STATIC);
    sqlite3_bind_text(q, 2, id.id.data(), static_cast<int>(id.id.size()), SQLITE_STATIC);
    const ScanResult r = scan_rows(q);
    const double dt = seconds_since(t0);
    if (r.rc != SQLITE_DONE || r.rows != kStreamEvents) {
      state.SkipWithError("raw stream query failed");
      break;
    }
    benchmark::DoNotOptimize(r.checksum);
    state.SetIterationTime(dt);
    seconds += dt;
    ++reads;
  }
  report(state, static_cast<double>(reads), seconds, f.events);
}

}  // namespace

void register_read_benchmarks() {
  const auto passes = static_cast<benchmark::IterationCount>(sizes().read_all_passes);
  const auto reads = static_cast<benchmark::IterationCount>(sizes().read_stream_reads);
  auto reg = [](const char* name, benchmark::IterationCount n, auto fn) {
    benchmark::RegisterBenchmark(name, fn)->Iterations(n)->UseManualTime()->Unit(benchmark::kMillisecond);
  };
  reg("read.all.sqlite", passes, [](benchmark::State& s) { read_all_store(s, "sqlite"); });
  reg("read.all.sqlite:baseline", passes, [](benchmark::State& s) { read_all_sqlite_baseline(s, false); });
  reg("read.all.sqlite:baseline_join", passes, [](benchmark::State& s) { read_all_sqlite_baseline(s, true); });
  reg("read.stream.sqlite", reads, [](benchmark::State& s) { read_stream_store(s, "sqlite"); });
  reg("read.stream.sqlite:baseline", reads, read_stream_sqlite_baseline);
  reg("read.all.memory", passes, [](benchmark::State& s) { read_all_store(s, "memory"); });
  reg("read.all.memory:baseline", passes, read_all_memory_baseline);
}

void release_fixtures() {
  for (auto& [_, f] : fixtures()) {
    if (f && f->store) f->store->close();
    if (f) f->store.reset();
  }
  fixtures().clear();
}

}  // namespace roundhouse::bench
