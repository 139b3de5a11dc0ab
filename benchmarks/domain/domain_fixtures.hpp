#pragma once
// The shared fixtures of the fleet-domain benchmarks (roundhouse_domain_bench):
//
//  - one Registry holding the storage-sqlite, storage-memory and fleet plugins (aggregate types,
//    upcasters, projections), as the host has it after loading them;
//  - the demo fleet store: `roundhouse demo --size small` (150 vehicles, 4 depots, 2 years, 69,062
//    events) written through the generator API into a sqlite: or memory: store;
//  - the aggregate store: two synthetic vehicles with the demo's vehicle event mix, written
//    interleaved (100 events of the first, 10 of the second, ...) so neither stream is contiguous:
//      BENCH-100K  100,000 events, one snapshot at version 99,950 (snapshot_every = 100, the default:
//                  the command path leaves a tail of 0..99 events behind the newest snapshot, 50 on
//                  average)
//      BENCH-10K   10,000 events, occurred_at one per hour, no snapshot
//
// Fixtures are built once per backend (untimed) and shared by every benchmark of the process;
// release_domain_fixtures() closes them and removes their files.

#include <cstdint>
#include <memory>
#include <string>

#include "roundhouse/events/event_store.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::bench {

// The registry every benchmark uses (storage plugins + fleet).
Registry& domain_registry();

// Opens "sqlite:PATH" or "memory:" through domain_registry(). Throws on failure.
std::shared_ptr<EventStore> open_domain_store(const std::string& uri);

// Writes the demo fleet of `size` ("small", "1m", "10m") into `store` through the generator API
// (the same code as `roundhouse demo`). Returns the number of events written. Throws on failure.
std::uint64_t write_demo(const std::shared_ptr<EventStore>& store, const std::string& size);

// Moves the log from the WAL into the main file, as a long-running store has it (see read.all.sqlite).
void checkpoint_sqlite(const std::string& file);

struct DemoFixture {
  std::string file;  // sqlite file ("" for memory)
  std::shared_ptr<EventStore> store;
  std::uint64_t events = 0;
};
DemoFixture& demo_fixture(const std::string& scheme);  // "sqlite" or "memory"

inline constexpr const char* kBigVehicle = "BENCH-100K";
inline constexpr const char* kTimeTravelVehicle = "BENCH-10K";
inline constexpr std::uint64_t kBigVehicleEvents = 100'000;
inline constexpr std::uint64_t kTimeTravelEvents = 10'000;
inline constexpr std::uint64_t kSnapshotEvery = 100;      // FleetOptions / AggregateRepository default
inline constexpr std::uint64_t kSnapshotTail = 50;        // events after the newest snapshot

struct AggregateFixture {
  std::string file;
  std::shared_ptr<EventStore> store;
  std::uint64_t events = 0;          // whole log
  std::uint64_t snapshot_version = 0;
  std::int64_t middle_occurred = 0;  // occurred_at of BENCH-10K's event 5,000: the state_at bound
  std::uint64_t events_at_middle = 0;
};
AggregateFixture& aggregate_fixture(const std::string& scheme);

void release_domain_fixtures();

// What a consumer of a decoded event reads: every field (as the store benchmarks' Sink).
struct TouchSink {
  std::uint64_t events = 0, sum = 0;
  void operator()(const RecordedEvent& e) {
    ++events;
    sum += e.position + e.version + static_cast<std::uint64_t>(e.occurred_at + e.recorded_at) + e.stream.type.size() +
           e.stream.id.size() + e.type.size() + e.tenant.size() + e.payload.size() + e.metadata.size() + e.hash[0] +
           e.id.bytes()[0];
  }
};

}  // namespace roundhouse::bench
