// append.batch.* and append.concurrent.*: the store's write path against plain SQLite (and, for the
// memory backend, against pushing the same rows into a vector).
//
// Every benchmark uses manual time: only the work under test is timed (building the request
// objects a client would hand over is not), and the rate counters are computed from that time.
#include <benchmark/benchmark.h>

#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <boost/json/serialize.hpp>

#include "benchmarks.hpp"
#include "raw_sqlite.hpp"
#include "workload.hpp"
#include "writers.hpp"

namespace roundhouse::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kPipelineWindow = 4;  // appends in flight for the pipelined batch client

// Every batch of the run (1000 events each), built before the clock starts (the client's
// objects, not the work under test). Store and baseline get identical input.
std::vector<AppendRequest> make_batches() { return bench::make_batches(sizes().append_batches, kBatchEvents); }

// --- append.batch -------------------------------------------------------------------------------

// One client appends every batch with at most `window` appends in flight (append_async), each
// acknowledged only once durable. window = 1 is the strictly serial client (append, wait, next);
// a window > 1 is what a bulk loader does (`roundhouse append --window N`) and lets the store's
// group commit put several batches into one transaction.
void append_batch_store(benchmark::State& state, const std::string& scheme, std::size_t window) {
  TempDir dir("append-batch");
  auto store = open_store(scheme == "sqlite" ? "sqlite:" + dir.file("store.db") : "memory:");
  run_pipelined(state, *store, window, [] { return make_batches(); });
  state.counters["payload_bytes"] = benchmark::Counter(static_cast<double>(payload_bytes()));
  store->close();
}

// The naive loop: one transaction per 1000 rows, one prepared INSERT per event, WAL +
// synchronous=FULL and SQLite's defaults otherwise. It does what the store must do for the same
// input objects (generate a UUID, serialize payload and metadata, stamp the time, number the
// version) minus everything an event store adds (hash chain, idempotency and version checks).
void append_batch_sqlite_baseline(benchmark::State& state) {
  TempDir dir("append-batch-baseline");
  NaiveWriter db(dir.file("naive.db"));
  std::map<std::string, std::int64_t> versions;
  const std::string tenant = kTenant;
  for (auto _ : state) {
    std::vector<AppendRequest> batches = make_batches();
    std::size_t events = 0;
    const auto t0 = Clock::now();
    for (auto& req : batches) {
      const std::string stream_text = to_string(req.stream);
      std::int64_t& version = versions[stream_text];
      db.check(db.begin(), "BEGIN");
      for (auto& e : req.events) {
        const std::string id = Uuid::generate_v7().to_string();
        const std::string payload = boost::json::serialize(e.payload);
        const std::string meta = boost::json::serialize(e.metadata.to_json());
        const Timestamp now = now_micros();
        db.check(db.insert(id, stream_text, ++version, e.type, tenant, now, payload, meta), "INSERT");
      }
      db.check(db.commit(), "COMMIT");
      events += req.events.size();
      req = AppendRequest{};  // the store frees each request as it goes, too
    }
    const double dt = seconds_since(t0);
    state.SetIterationTime(dt);
    report_rate(state, static_cast<double>(events), dt);
  }
}

// The memory floor: the same rows (UUID text, serialized payload and metadata) pushed into a vector.
struct NaiveRow {
  std::string id, stream, type, tenant, payload, metadata;
  std::int64_t version, occurred_at, recorded_at;
};

void append_batch_memory_baseline(benchmark::State& state) {
  std::vector<NaiveRow> rows;
  std::map<std::string, std::int64_t> versions;
  for (auto _ : state) {
    std::vector<AppendRequest> batches = make_batches();
    const auto t0 = Clock::now();
    for (auto& req : batches) {
      const std::string stream_text = to_string(req.stream);
      std::int64_t& version = versions[stream_text];
      for (auto& e : req.events) {
        const Timestamp now = now_micros();
        rows.push_back(NaiveRow{Uuid::generate_v7().to_string(), stream_text, e.type, kTenant,
                                boost::json::serialize(e.payload), boost::json::serialize(e.metadata.to_json()),
                                ++version, now, now});
      }
      req = AppendRequest{};
    }
    const double dt = seconds_since(t0);
    state.SetIterationTime(dt);
    report_rate(state, static_cast<double>(rows.size()), dt);
  }
}

// --- append.concurrent --------------------------------------------------------------------------

void append_concurrent_store(benchmark::State& state, const std::string& scheme) {
  TempDir dir("append-concurrent");
  auto store = open_store(scheme == "sqlite" ? "sqlite:" + dir.file("store.db") : "memory:");
  run_writers(state, kWriters, sizes().concurrent_seconds, [&](std::size_t t, std::uint64_t k) {
    return store->append(single_event_request(writer_event(t, k))).ok();
  });
  store->close();
}

// No group commit: every event is its own transaction (BEGIN IMMEDIATE; INSERT; COMMIT = one
// fsync), on one connection shared by the same 64 threads. SQLite admits one writer at a time, so
// this is also what 64 connections would get, minus their busy-wait back-off.
void append_concurrent_sqlite_baseline(benchmark::State& state) {
  TempDir dir("append-concurrent-baseline");
  NaiveWriter db(dir.file("naive.db"));
  std::mutex mu;
  std::unordered_map<std::size_t, std::int64_t> versions;
  const std::string tenant = kTenant;
  run_writers(state, kWriters, sizes().concurrent_seconds, [&](std::size_t t, std::uint64_t k) {
    const std::uint64_t n = writer_event(t, k);
    const std::size_t s = mix(n) % kStreams;
    NewEvent e = new_event(n, s);
    const std::string stream_text = to_string(stream(s));
    const std::string id = Uuid::generate_v7().to_string();
    const std::string payload = boost::json::serialize(e.payload);
    const std::string meta = boost::json::serialize(e.metadata.to_json());
    std::lock_guard lock(mu);
    const Timestamp now = now_micros();
    if (db.begin() != SQLITE_DONE) return false;
    if (db.insert(id, stream_text, ++versions[s], e.type, tenant, now, payload, meta) != SQLITE_DONE) {
      db.rollback();
      return false;
    }
    return db.commit() == SQLITE_DONE;
  });
}

}  // namespace

void register_append_benchmarks() {
  // One iteration each: the whole run is timed as one piece (appends overlap when pipelined).
  auto once = [](const char* name, auto fn) {
    benchmark::RegisterBenchmark(name, fn)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
  };
  once("append.batch.sqlite", [](benchmark::State& s) { append_batch_store(s, "sqlite", kPipelineWindow); });
  once("append.batch.sqlite:baseline", append_batch_sqlite_baseline);
  once("append.batch.sqlite.serial", [](benchmark::State& s) { append_batch_store(s, "sqlite", 1); });
  once("append.batch.memory", [](benchmark::State& s) { append_batch_store(s, "memory", kPipelineWindow); });
  once("append.batch.memory:baseline", append_batch_memory_baseline);

  once("append.concurrent.sqlite", [](benchmark::State& s) { append_concurrent_store(s, "sqlite"); });
  once("append.concurrent.sqlite:baseline", append_concurrent_sqlite_baseline);
}

}  // namespace roundhouse::bench
