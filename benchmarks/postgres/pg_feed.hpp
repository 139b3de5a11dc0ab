#pragma once
// The feed behind subscription.lag.postgres and soak.postgres: writers appending through one store
// instance while a subscriber reads the log through another instance on the same schema (as a
// second host would), with the acknowledgement and delivery time of every event and a full check
// that the subscriber saw each acknowledged event exactly once, at its position, in order.

#include <cstddef>
#include <cstdint>
#include <string>

namespace roundhouse::bench {

struct FeedOptions {
  std::size_t writers = 8;
  std::uint64_t events = 0;            // in total, split evenly over the writers
  double rate = 0;                     // events/s over all writers, paced on a fixed schedule; 0 = as fast as possible
  std::size_t events_per_append = 1;
  std::size_t window = 1024;           // appends in flight per writer (a paced writer that hits it falls behind)
  bool subscriber_on_other_instance = true;  // false: the subscriber uses the writers' store instance
  double drain_timeout_seconds = 120;  // how long the subscriber may take to reach the head after the last ack
};

struct FeedResult {
  std::uint64_t acked = 0;           // events acknowledged (durable)
  std::uint64_t delivered = 0;       // events handed to the subscriber
  std::uint64_t head = 0;            // the log's head after the run
  std::uint64_t commits = 0;         // write transactions the store needed for them
  std::uint64_t order_errors = 0;    // deliveries whose position was not the previous one + 1
  std::uint64_t identity_errors = 0; // positions where the delivered event is not the one acknowledged there
  std::uint64_t delivered_before_ack = 0;  // the subscriber had it before the writer's callback ran (lag 0)
  double write_seconds = 0;          // first append to last acknowledgement
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;  // delivery - acknowledgement
  std::string error;                 // empty when every append succeeded and the subscriber caught up
  bool ok() const { return error.empty() && order_errors == 0 && identity_errors == 0 && delivered == acked; }
};

// Runs the feed on a fresh schema of the PostgreSQL server under test. Throws only on setup failure.
FeedResult run_feed(const FeedOptions& options);

}  // namespace roundhouse::bench
