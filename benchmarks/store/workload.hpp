#pragma once
// The shared workload of the store benchmarks: fleet-like events (~260-byte JSON payloads) over
// 10k vehicle streams, dataset sizes for the full and the --quick run, scratch directories on a
// real file system, and stores opened through the same registry the host uses.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "roundhouse/events/event_store.hpp"

namespace roundhouse::bench {

constexpr std::size_t kStreams = 10000;       // stream ids the writes are spread over
constexpr std::size_t kBatchEvents = 1000;    // events per append in append.batch.*
constexpr std::size_t kWriters = 64;          // threads in append.concurrent.*
constexpr std::size_t kStreamEvents = 100;    // events per stream in the read fixture
constexpr const char* kTenant = "bench";
constexpr const char* kStreamType = "vehicle";

// Dataset sizes. `quick` keeps the whole program well under a minute.
struct Sizes {
  std::size_t append_batches;      // 1000-event appends per append.batch.* benchmark
  double concurrent_seconds;       // how long 64 writers append in append.concurrent.*
  std::size_t read_streams;        // streams of 100 events in the read fixture
  std::size_t read_all_passes;     // full scans timed in read.all.*
  std::size_t read_stream_reads;   // random stream reads timed in read.stream.*
};
const Sizes& sizes();
void set_quick(bool quick);
bool quick();

std::string stream_id(std::size_t i);  // "ICE-04711"
StreamId stream(std::size_t i);
const std::string& event_type(std::uint64_t n);
// The payload of the n-th event of a run, for a vehicle stream; deterministic, ~260 bytes as JSON.
boost::json::value payload(std::uint64_t n, std::size_t stream_index);
EventMetadata metadata();
NewEvent new_event(std::uint64_t n, std::size_t stream_index);
std::size_t payload_bytes();  // serialized size of a typical payload, reported as a counter

// The b-th batch of a run: `events` events for one stream (an AppendRequest targets one stream),
// the stream drawn pseudo-randomly from the 10k ids per batch; `n` numbers the run's events.
AppendRequest make_batch(std::uint64_t b, std::uint64_t& n, std::size_t events);
std::vector<AppendRequest> make_batches(std::size_t count, std::size_t events);
// One event (number n) for a pseudo-random one of the 10k streams: what a concurrent writer sends.
AppendRequest single_event_request(std::uint64_t n);

// Deterministic pseudo-random numbers (splitmix64).
std::uint64_t mix(std::uint64_t x);

// A scratch directory under $ROUNDHOUSE_BENCH_DIR, else $TMPDIR, else /tmp; removed on destruction
// unless $ROUNDHOUSE_BENCH_KEEP is set (to look at the files afterwards).
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Opens "sqlite:PATH" or "memory:" through a registry holding both storage plugins. Throws on failure.
std::shared_ptr<EventStore> open_store(const std::string& uri);

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace roundhouse::bench
