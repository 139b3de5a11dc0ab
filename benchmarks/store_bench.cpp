// roundhouse_store_bench: the event store's throughput rows and their baselines, in one process.
//
//   roundhouse_store_bench [--quick] [Google Benchmark flags, e.g. --benchmark_filter=append]
//
// Each row `X` has a baseline benchmark `X:baseline` registered right after it; benchmarks/run
// pairs them. Every benchmark reports its headline number as the counter `rate` (events/s or
// streams/s, computed from the timed work only). Scratch files go under $ROUNDHOUSE_BENCH_DIR
// (default $TMPDIR or /tmp): put it on the disk you want to measure, not on tmpfs.
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "store/benchmarks.hpp"
#include "store/workload.hpp"

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) roundhouse::bench::set_quick(true);
    else args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;

  benchmark::AddCustomContext("roundhouse.mode", roundhouse::bench::quick() ? "quick" : "full");
  benchmark::AddCustomContext("roundhouse.payload_bytes", std::to_string(roundhouse::bench::payload_bytes()));
  roundhouse::bench::register_append_benchmarks();
  roundhouse::bench::register_read_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  roundhouse::bench::release_fixtures();
  benchmark::Shutdown();
  return 0;
}
