// roundhouse_postgres_bench: the PostgreSQL rows and their baselines, against the server named by
// $ROUNDHOUSE_TEST_POSTGRES_URI (benchmarks/run starts a durable throwaway cluster for it).
//
//   tests/storage/with-postgres build/bin/roundhouse_postgres_bench [--quick] [--soak=N]
//                                                                   [Google Benchmark flags]
//
// Each row `X` has its baseline `X:baseline` (append.concurrent.postgres also `X:pgbench`);
// headline numbers are the counter `rate` (events/s) or, for subscription.lag.postgres, `p99_ms`.
// --soak=N adds soak.postgres: N events from 8 writers checked through a second store instance.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "postgres/pg_fixture.hpp"
#include "postgres/pg_sizes.hpp"
#include "store/workload.hpp"

namespace roundhouse::bench {
namespace {
std::uint64_t g_soak_events = 0;
constexpr PgSizes kPgFull{1000, 5.0, 10.0};
constexpr PgSizes kPgQuick{200, 1.5, 3.0};
}  // namespace

const PgSizes& pg_sizes() { return quick() ? kPgQuick : kPgFull; }
void set_soak_events(std::uint64_t n) { g_soak_events = n; }
std::uint64_t soak_events() { return g_soak_events; }

}  // namespace roundhouse::bench

int main(int argc, char** argv) {
  using namespace roundhouse::bench;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) set_quick(true);
    else if (std::strncmp(argv[i], "--soak=", 7) == 0) set_soak_events(std::strtoull(argv[i] + 7, nullptr, 10));
    else args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;
  try {
    PgConn db(postgres_uri());
    benchmark::AddCustomContext("postgres.version", db.scalar("SHOW server_version"));
    for (const char* setting : {"fsync", "synchronous_commit", "wal_sync_method", "full_page_writes",
                                "shared_buffers", "max_wal_size", "commit_delay", "max_connections"})
      benchmark::AddCustomContext(std::string("postgres.") + setting, db.scalar(std::string("SHOW ") + setting));
    const PgCalibration c = calibrate();
    benchmark::AddCustomContext("postgres.round_trip_us", std::to_string(c.round_trip_us));
    benchmark::AddCustomContext("postgres.commit_ms", std::to_string(c.commit_ms));
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "roundhouse_postgres_bench: %s\n", ex.what());
    return 1;
  }
  benchmark::AddCustomContext("roundhouse.mode", quick() ? "quick" : "full");
  benchmark::AddCustomContext("roundhouse.payload_bytes", std::to_string(payload_bytes()));
  register_pg_append_benchmarks();
  register_pg_feed_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
