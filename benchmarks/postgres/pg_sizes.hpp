#pragma once
// Sizes of the PostgreSQL rows (full run and --quick) and the soak's event count (--soak=N).

#include <cstddef>
#include <cstdint>

namespace roundhouse::bench {

constexpr std::size_t kPgBatchEvents = 100;      // events per append in append.batch.postgres
constexpr std::size_t kPgWriters = 16;           // store writers in append.concurrent.postgres
constexpr std::size_t kPgBaselineClients = 8;    // its pgbench-style baseline's clients
constexpr std::size_t kLagWriters = 8;           // writers in subscription.lag.postgres and the soak
constexpr double kLagRate = 20000;               // events/s offered in subscription.lag.postgres
constexpr std::size_t kLagEventsPerAppend = 10;  // one vehicle's readings per append (2,000 appends/s)

struct PgSizes {
  std::size_t batches;          // 100-event appends per append.batch.postgres run
  double concurrent_seconds;    // append.concurrent.postgres and its baselines
  double lag_seconds;           // subscription.lag.postgres at kLagRate
};
const PgSizes& pg_sizes();      // follows bench::quick()

// The soak (registered only when set): total events, 0 = no soak.
void set_soak_events(std::uint64_t n);
std::uint64_t soak_events();

void register_pg_append_benchmarks();
void register_pg_feed_benchmarks();  // subscription.lag.postgres, and soak.postgres when asked for

}  // namespace roundhouse::bench
