// append.batch.postgres and append.concurrent.postgres: the store's write path on PostgreSQL
// against raw libpq INSERTs of the same rows into a table of the store's shape (and, for the
// concurrent row, against the server's own pgbench running a single-row INSERT script).
//
// Every benchmark runs on a fresh schema and uses manual time around the work under test only.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

#include <boost/json/serialize.hpp>

#include "postgres/pg_fixture.hpp"
#include "postgres/pg_sizes.hpp"
#include "store/workload.hpp"
#include "store/writers.hpp"

namespace roundhouse::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kPipelineWindow = 4;  // as in append.batch.sqlite

std::vector<AppendRequest> pg_batches() { return make_batches(pg_sizes().batches, kPgBatchEvents); }

// Events per commit of the store's group commit over the run.
void report_commits(benchmark::State& state, const BenchSchema& schema) {
  const double commits = static_cast<double>(store_commits(schema.name()));
  const double events = state.counters.count("items") ? state.counters["items"].value : 0.0;
  state.counters["commits"] = benchmark::Counter(commits);
  state.counters["events_per_commit"] = benchmark::Counter(commits > 0 ? events / commits : 0.0);
}

// --- append.batch -------------------------------------------------------------------------------

void append_batch_store(benchmark::State& state, std::size_t window) {
  BenchSchema schema("batch");
  auto store = open_pg_store(schema.store_uri());
  run_pipelined(state, *store, window, [] { return pg_batches(); });
  state.counters["batch_events"] = benchmark::Counter(static_cast<double>(kPgBatchEvents));
  store->close();
  report_commits(state, schema);
}

// One client, one multi-row INSERT of the batch's 100 rows per statement (autocommit: one
// transaction, one WAL flush each), waiting for each before the next.
void append_batch_baseline(benchmark::State& state) {
  BenchSchema schema("batch_base");
  create_naive_table(schema);
  NaivePgWriter db(schema.name(), kPgBatchEvents);
  std::map<std::size_t, std::int64_t> versions;
  for (auto _ : state) {
    std::vector<AppendRequest> batches = pg_batches();
    std::size_t events = 0;
    const auto t0 = Clock::now();
    for (auto& req : batches) {
      const std::size_t s = std::stoul(req.stream.id.substr(4));  // "ICE-04711"
      if (!db.insert(static_cast<std::int64_t>(s), versions[s], req.events)) {
        state.SkipWithError(db.error().c_str());
        return;
      }
      events += req.events.size();
      req = AppendRequest{};  // the store frees each request as it goes, too
    }
    const double dt = seconds_since(t0);
    state.SetIterationTime(dt);
    report_rate(state, static_cast<double>(events), dt);
  }
}

// --- append.concurrent --------------------------------------------------------------------------

// `writers` threads appending one event each and waiting for it; `uri_extra` is added to the
// store's URI (libpq parameters).
void append_concurrent_store(benchmark::State& state, std::size_t writers, const std::string& uri_extra) {
  BenchSchema schema("concurrent");
  auto store = open_pg_store(schema.store_uri() + uri_extra);
  run_writers(state, writers, pg_sizes().concurrent_seconds, [&](std::size_t t, std::uint64_t k) {
    return store->append(single_event_request(writer_event(t, k))).ok();
  });
  store->close();
  report_commits(state, schema);
}

// pgbench-style: 8 clients, each its own connection, one single-row INSERT per transaction
// (autocommit), the same events the store's writers send. The server merges concurrent WAL
// flushes on its own; nothing else groups them.
void append_concurrent_baseline(benchmark::State& state) {
  BenchSchema schema("concurrent_base");
  create_naive_table(schema);
  std::vector<std::unique_ptr<NaivePgWriter>> clients;
  for (std::size_t c = 0; c < kPgBaselineClients; ++c)
    clients.push_back(std::make_unique<NaivePgWriter>(schema.name(), 1));
  std::vector<std::atomic<std::int64_t>> versions(kStreams);
  run_writers(state, kPgBaselineClients, pg_sizes().concurrent_seconds, [&](std::size_t t, std::uint64_t k) {
    const AppendRequest r = single_event_request(writer_event(t, k));
    const std::size_t s = std::stoul(r.stream.id.substr(4));
    std::int64_t version = versions[s].fetch_add(1);
    return clients[t]->insert(static_cast<std::int64_t>(s), version, r.events);
  });
}

// The server's own pgbench: the newest /usr/lib/postgresql/*/bin/pgbench (or $ROUNDHOUSE_PGBENCH).
std::string pgbench_path() {
  if (const char* p = std::getenv("ROUNDHOUSE_PGBENCH"); p && *p) return p;
  std::string best;
  int best_major = -1;
  std::error_code ec;
  for (const auto& dir : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const auto exe = dir.path() / "bin" / "pgbench";
    const int major = std::atoi(dir.path().filename().c_str());
    if (major > best_major && std::filesystem::exists(exe)) {
      best_major = major;
      best = exe.string();
    }
  }
  return best;
}

// A SQL string literal for the pgbench script: pgbench reads ":name" as a variable, so ':' is
// written as the escape \x3a inside an E'' literal.
std::string pgbench_literal(const std::string& text) {
  std::string out = "E'";
  for (char c : text) {
    if (c == ':') out += "\\x3a";
    else if (c == '\'' || c == '\\') (out += '\\') += c;
    else out += c;
  }
  return out + "'";
}

// Real pgbench: -c 8 -j 2 -M prepared, a custom script of one single-row INSERT into the same
// table shape (random stream and version, a typical payload and metadata as literals, the id from
// gen_random_uuid(), times from clock_timestamp()); per-transaction latencies from its log.
void append_concurrent_pgbench(benchmark::State& state) {
  const std::string exe = pgbench_path();
  if (exe.empty()) {
    for (auto _ : state) state.SkipWithError("pgbench not found under /usr/lib/postgresql/*/bin");
    return;
  }
  BenchSchema schema("pgbench");
  create_naive_table(schema);
  TempDir dir("pgbench");
  const std::string script = dir.file("insert.sql");
  {
    NewEvent e = new_event(0, 0);
    std::ofstream f(script);
    f << "\\set s random(0, " << kStreams - 1 << ")\n"
      << "\\set v random(1, 9000000000000000000)\n"
      << "INSERT INTO " << schema.name()
      << ".events (stream_pk, version, event_id, event_type, tenant, occurred_at, recorded_at, payload, metadata) "
         "VALUES (:s, :v, uuid_send(gen_random_uuid()), '" << e.type << "', '" << kTenant << "', "
      << "(extract(epoch from clock_timestamp()) * 1000000)::bigint, "
      << "(extract(epoch from clock_timestamp()) * 1000000)::bigint, "
      << pgbench_literal(boost::json::serialize(e.payload)) << ", "
      << pgbench_literal(boost::json::serialize(e.metadata.to_json())) << ");\n";
  }
  const int seconds = std::max(1, static_cast<int>(pg_sizes().concurrent_seconds + 0.5));
  for (auto _ : state) {
    const std::string log_prefix = dir.file("log");
    std::ostringstream cmd;
    cmd << "'" << exe << "' -n -c " << kPgBaselineClients << " -j 2 -M prepared -T " << seconds << " -f '" << script
        << "' -l --log-prefix='" << log_prefix << "' '" << postgres_uri() << "' 2>&1";
    FILE* p = ::popen(cmd.str().c_str(), "r");
    std::string output;
    char buf[4096];
    while (p && std::fgets(buf, sizeof buf, p)) output += buf;
    const int rc = p ? ::pclose(p) : -1;
    if (rc != 0) {
      state.SkipWithError(("pgbench failed: " + output).c_str());
      return;
    }
    // Every transaction's latency (µs, third column) from pgbench's per-thread logs.
    std::vector<double> latencies;
    double first_epoch = 0, last_epoch = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      if (entry.path().filename().string().rfind("log.", 0) != 0) continue;
      std::ifstream in(entry.path());
      long client, txn, script_no;
      double latency_us, epoch_s, epoch_us;
      while (in >> client >> txn >> latency_us >> script_no >> epoch_s >> epoch_us) {
        latencies.push_back(latency_us / 1000.0);
        const double end = epoch_s + epoch_us / 1e6;
        if (first_epoch == 0 || end - latency_us / 1e6 < first_epoch) first_epoch = end - latency_us / 1e6;
        last_epoch = std::max(last_epoch, end);
      }
      std::filesystem::remove(entry.path());
    }
    std::sort(latencies.begin(), latencies.end());
    const double dt = last_epoch - first_epoch;
    state.SetIterationTime(dt > 0 ? dt : 1.0);
    report_rate(state, static_cast<double>(latencies.size()), dt);
    state.counters["p50_ms"] = benchmark::Counter(percentile(latencies, 0.50));
    state.counters["p99_ms"] = benchmark::Counter(percentile(latencies, 0.99));
    const auto tps = output.find("tps = ");
    if (tps != std::string::npos) state.counters["pgbench_tps"] = benchmark::Counter(std::atof(output.c_str() + tps + 6));
  }
}

}  // namespace

void register_pg_append_benchmarks() {
  auto once = [](const char* name, auto fn) {
    benchmark::RegisterBenchmark(name, fn)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
  };
  once("append.batch.postgres", [](benchmark::State& s) { append_batch_store(s, kPipelineWindow); });
  once("append.batch.postgres:baseline", append_batch_baseline);
  once("append.batch.postgres.serial", [](benchmark::State& s) { append_batch_store(s, 1); });
  once("append.concurrent.postgres", [](benchmark::State& s) { append_concurrent_store(s, kPgWriters, ""); });
  // Informative, to locate the bound of the row above: more writers (bigger group commits), and
  // the same 16 writers with the server told not to wait for the WAL flush at COMMIT (acks are
  // then NOT durable: a ceiling for any design that takes the flush out of the serial commit).
  once("append.concurrent.postgres.64writers", [](benchmark::State& s) { append_concurrent_store(s, 64, ""); });
  once("append.concurrent.postgres.unflushed", [](benchmark::State& s) {
    append_concurrent_store(s, kPgWriters, "&options=-c%20synchronous_commit%3Doff");
  });
  once("append.concurrent.postgres:baseline", append_concurrent_baseline);
  once("append.concurrent.postgres:pgbench", append_concurrent_pgbench);
}

}  // namespace roundhouse::bench
