// roundhouse_domain_bench: the fleet domain's rows (projection replay, aggregate loads with
// snapshots, time travel) and their baselines, in one process.
//
//   roundhouse_domain_bench [--quick] [Google Benchmark flags]
//   roundhouse_domain_bench --scale[=10m|1m] [--scale-store=FILE]   only replay.rebuild.<size>
//
// Each row `X` has a baseline benchmark `X:baseline` registered right after it; benchmarks/run
// pairs them. Every benchmark reports its headline number as the counter `rate` (events/s,
// loads/s or calls/s, computed from the timed work only). Scratch stores go under
// $ROUNDHOUSE_BENCH_DIR (default $TMPDIR or /tmp). See benchmarks/README.md.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "domain/domain_benchmarks.hpp"
#include "domain/domain_fixtures.hpp"

namespace {

bool starts_with(const char* arg, const char* prefix) { return std::strncmp(arg, prefix, std::strlen(prefix)) == 0; }

}  // namespace

int main(int argc, char** argv) {
  namespace rb = roundhouse::bench;
  std::vector<char*> args;
  bool scale = false;
  rb::ScaleOptions scale_options;
  std::string generate, store;
  for (int i = 0; i < argc; ++i) {
    const char* a = argv[i];
    if (i > 0 && std::strcmp(a, "--quick") == 0) rb::set_domain_quick(true);
    else if (i > 0 && std::strcmp(a, "--scale") == 0) scale = true;
    else if (i > 0 && starts_with(a, "--scale=")) scale = true, scale_options.size = a + 8;
    else if (i > 0 && starts_with(a, "--scale-store=")) scale_options.store_file = a + 14;
    else if (i > 0 && starts_with(a, "--generate-demo=")) generate = a + 16;
    else if (i > 0 && starts_with(a, "--store=")) store = a + 8;
    else args.push_back(argv[i]);
  }
  if (!generate.empty()) {  // the child process of --scale
    if (store.empty()) {
      std::fprintf(stderr, "--generate-demo needs --store=FILE\n");
      return 2;
    }
    return rb::generate_demo_store(generate, store);
  }
  if (scale && scale_options.size != "10m" && scale_options.size != "1m" && scale_options.size != "small") {
    std::fprintf(stderr, "--scale=%s: use 10m, 1m or small\n", scale_options.size.c_str());
    return 2;
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;

  benchmark::AddCustomContext("roundhouse.mode", scale ? "scale" : rb::domain_quick() ? "quick" : "full");
  if (scale) {
    benchmark::AddCustomContext("roundhouse.scale_size", scale_options.size);
    rb::register_scale_benchmarks(scale_options);
  } else {
    benchmark::AddCustomContext("roundhouse.demo_size", "small");
    rb::register_replay_benchmarks();
    rb::register_aggregate_benchmarks();
  }
  benchmark::RunSpecifiedBenchmarks();
  rb::release_scale_fixture();
  rb::release_domain_fixtures();
  benchmark::Shutdown();
  return 0;
}
