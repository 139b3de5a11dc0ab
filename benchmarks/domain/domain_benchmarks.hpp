#pragma once
// Registration of the fleet-domain benchmark families (called from main once the mode is known)
// and their dataset sizes.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

namespace roundhouse::bench {

struct DomainSizes {
  std::size_t replay_passes;     // full replays of the demo store per replay.projections.* run
  std::size_t snapshot_loads;    // loads timed in load.aggregate.snapshot.*
  std::size_t full_loads;        // full-replay loads timed in its baseline
  std::size_t state_at_calls;    // state_at calls (and raw stream reads) in time_travel.state_at.*
};
const DomainSizes& domain_sizes();
void set_domain_quick(bool quick);
bool domain_quick();

// The scale row (`--scale`): which demo size, and an optional store file to reuse (generated there
// when missing, kept afterwards).
struct ScaleOptions {
  std::string size = "10m";
  std::string store_file;
};

void register_replay_benchmarks();     // replay.projections.*
void register_aggregate_benchmarks();  // load.aggregate.snapshot.*, time_travel.state_at.*
void register_scale_benchmarks(const ScaleOptions& options);  // replay.rebuild.<size>
void release_scale_fixture();  // closes the scale store (and removes it unless it was --scale-store)

// Child-process mode of --scale: writes the demo fleet of `size` into sqlite:`file` and exits.
int generate_demo_store(const std::string& size, const std::string& file);

// rate / items / seconds counters, as in roundhouse_store_bench.
inline void report_rate(benchmark::State& state, double items, double seconds) {
  state.counters["rate"] = benchmark::Counter(seconds > 0 ? items / seconds : 0.0);
  state.counters["items"] = benchmark::Counter(items);
  state.counters["seconds"] = benchmark::Counter(seconds);
}

}  // namespace roundhouse::bench
