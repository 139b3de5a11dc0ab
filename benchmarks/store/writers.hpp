#pragma once
// The write harnesses of the append.* rows: N closed-loop threads appending one event at a time
// and waiting for it to be durable, for a fixed time (append.concurrent.*); one pipelined client
// (append.batch.*); plus the counters they report (rate, latency percentiles).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "append_window.hpp"
#include "workload.hpp"

namespace roundhouse::bench {

// The p-quantile (0..1) of an ascending vector; 0 when empty.
template <class T>
double percentile(const std::vector<T>& sorted, double p) {
  if (sorted.empty()) return 0.0;
  return static_cast<double>(sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))]);
}

inline void report_rate(benchmark::State& state, double items, double seconds, const char* name = "rate") {
  state.counters[name] = benchmark::Counter(seconds > 0 ? items / seconds : 0.0);
  state.counters["items"] = benchmark::Counter(items);
  state.counters["seconds"] = benchmark::Counter(seconds);
}

// Runs `append_one(thread, k)` from `writers` threads for `seconds`; each call appends one event
// and returns once it is durable (true) or failed (false). Reports rate, p50_ms, p99_ms, failed.
template <class AppendOne>
void run_writers(benchmark::State& state, std::size_t writers, double seconds, AppendOne&& append_one) {
  using Clock = std::chrono::steady_clock;
  for (auto _ : state) {
    std::atomic<std::size_t> ready{0};
    std::atomic<bool> go{false}, stop{false};
    std::atomic<std::uint64_t> failed{0};
    std::vector<std::uint64_t> acked(writers, 0);
    std::vector<std::vector<float>> latencies(writers);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < writers; ++t) {
      threads.emplace_back([&, t] {
        latencies[t].reserve(1 << 16);
        ready.fetch_add(1);
        while (!go.load()) std::this_thread::yield();
        for (std::uint64_t k = 0; !stop.load(std::memory_order_relaxed); ++k) {
          const auto t0 = Clock::now();
          if (append_one(t, k)) {
            ++acked[t];
            latencies[t].push_back(static_cast<float>(seconds_since(t0) * 1e3));
          } else {
            failed.fetch_add(1);
          }
        }
      });
    }
    while (ready.load() < writers) std::this_thread::yield();
    const auto t0 = Clock::now();
    go.store(true);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop.store(true);
    for (auto& th : threads) th.join();
    const double dt = seconds_since(t0);
    state.SetIterationTime(dt);

    std::uint64_t total = 0;
    for (auto a : acked) total += a;
    std::vector<float> all;
    for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    report_rate(state, static_cast<double>(total), dt);
    state.counters["failed"] = benchmark::Counter(static_cast<double>(failed.load()));
    state.counters["p50_ms"] = benchmark::Counter(percentile(all, 0.50));
    state.counters["p99_ms"] = benchmark::Counter(percentile(all, 0.99));
    state.counters["writers"] = benchmark::Counter(static_cast<double>(writers));
    if (failed.load() > 0) state.SkipWithError("some appends failed");
  }
}

// One client sending every request of `make_requests()` (built before the clock starts) with at
// most `window` appends in flight, each acknowledged once durable; reports the rate.
template <class MakeRequests>
void run_pipelined(benchmark::State& state, EventStore& store, std::size_t window, MakeRequests&& make_requests) {
  for (auto _ : state) {
    std::vector<AppendRequest> requests = make_requests();
    const auto t0 = std::chrono::steady_clock::now();
    AppendWindow client(store, window);
    for (auto& req : requests) {
      if (!client.submit(std::move(req))) break;
    }
    const auto failure = client.drain();
    const double dt = seconds_since(t0);
    if (failure) {
      state.SkipWithError(failure->message.c_str());
      break;
    }
    state.SetIterationTime(dt);
    report_rate(state, static_cast<double>(client.acked_events()), dt);
  }
  state.counters["window"] = benchmark::Counter(static_cast<double>(window));
}

// The event number of writer t's k-th append: distinct across writers and runs of one process.
inline std::uint64_t writer_event(std::size_t t, std::uint64_t k) { return t * 1'000'000'000ULL + k; }

}  // namespace roundhouse::bench
