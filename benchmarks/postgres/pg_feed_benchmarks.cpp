// subscription.lag.postgres (and soak.postgres behind --soak=N): a subscriber on a second store
// instance of the same schema, as on another host, while 8 writers append through the first.
//
// Lag = the time the subscriber's handler gets an event − the time the writer's append of it was
// acknowledged (durable), per event, both on this process's steady clock. Across instances the
// subscriber learns of commits from PostgreSQL (the store's poll interval, or a notification once
// the backend has one), so the row measures that path, whichever it is. The baseline is the same
// feed with the subscriber on the writers' own instance (woken in-process by the commit).
#include <benchmark/benchmark.h>

#include "postgres/pg_feed.hpp"
#include "postgres/pg_sizes.hpp"
#include "store/workload.hpp"
#include "store/writers.hpp"

namespace roundhouse::bench {
namespace {

// The soak's writers: unpaced, 10 events per append, 4 appends in flight each.
constexpr std::size_t kSoakEventsPerAppend = 10;
constexpr std::size_t kSoakWindow = 4;

void report_feed(benchmark::State& state, const FeedResult& r) {
  state.SetIterationTime(r.write_seconds > 0 ? r.write_seconds : 1.0);
  report_rate(state, static_cast<double>(r.acked), r.write_seconds);
  auto put = [&](const char* name, double v) { state.counters[name] = benchmark::Counter(v); };
  put("p50_ms", r.p50_ms);
  put("p90_ms", r.p90_ms);
  put("p99_ms", r.p99_ms);
  put("p999_ms", r.p999_ms);
  put("max_ms", r.max_ms);
  put("acked", static_cast<double>(r.acked));
  put("delivered", static_cast<double>(r.delivered));
  put("head", static_cast<double>(r.head));
  put("commits", static_cast<double>(r.commits));
  put("events_per_commit", r.commits ? static_cast<double>(r.acked) / static_cast<double>(r.commits) : 0.0);
  put("order_errors", static_cast<double>(r.order_errors));
  put("identity_errors", static_cast<double>(r.identity_errors));
  put("delivered_before_ack", static_cast<double>(r.delivered_before_ack));
  put("verdict_ok", r.ok() ? 1.0 : 0.0);
  if (!r.ok()) {
    const std::string why = r.error.empty() ? "the subscriber's sequence is wrong (see order/identity errors)" : r.error;
    state.SkipWithError(why.c_str());
  }
}

void lag(benchmark::State& state, bool other_instance) {
  FeedOptions o;
  o.writers = kLagWriters;
  o.rate = kLagRate;
  o.events = static_cast<std::uint64_t>(kLagRate * pg_sizes().lag_seconds);
  o.events_per_append = kLagEventsPerAppend;
  o.subscriber_on_other_instance = other_instance;
  for (auto _ : state) report_feed(state, run_feed(o));
  state.counters["offered_rate"] = benchmark::Counter(o.rate);
  state.counters["writers"] = benchmark::Counter(static_cast<double>(o.writers));
  state.counters["events_per_append"] = benchmark::Counter(static_cast<double>(o.events_per_append));
}

void soak(benchmark::State& state) {
  FeedOptions o;
  o.writers = kLagWriters;
  o.events = soak_events();
  o.events_per_append = kSoakEventsPerAppend;
  o.window = kSoakWindow;
  o.drain_timeout_seconds = 600;
  for (auto _ : state) report_feed(state, run_feed(o));
  state.counters["writers"] = benchmark::Counter(static_cast<double>(o.writers));
  state.counters["events_per_append"] = benchmark::Counter(static_cast<double>(o.events_per_append));
  state.counters["window"] = benchmark::Counter(static_cast<double>(o.window));
}

}  // namespace

void register_pg_feed_benchmarks() {
  auto once = [](const char* name, auto fn) {
    benchmark::RegisterBenchmark(name, fn)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
  };
  once("subscription.lag.postgres", [](benchmark::State& s) { lag(s, true); });
  once("subscription.lag.postgres:baseline", [](benchmark::State& s) { lag(s, false); });
  // One long run even when the rows repeat (--benchmark_repetitions).
  if (soak_events() > 0)
    benchmark::RegisterBenchmark("soak.postgres", soak)->Iterations(1)->Repetitions(1)->UseManualTime()->Unit(benchmark::kSecond);
}

}  // namespace roundhouse::bench
