#pragma once
// Prometheus metrics of the host, rendered in the text exposition format (version 0.0.4):
//   roundhouse_http_requests_total{method,route,status}             counter
//   roundhouse_http_request_duration_seconds{method,route,status}   histogram
//   roundhouse_http_requests_in_flight                              gauge
//   roundhouse_append_requests_total{outcome}                       counter (ok, idempotent_replay, <error code>)
//   roundhouse_events_appended_total                                counter
//   roundhouse_head_position                                        gauge (asked from the store at scrape)
//   roundhouse_subscription_position{subscription,state}            gauge
//   roundhouse_subscription_lag{subscription}                       gauge (head - position)
//   roundhouse_event_streams_open                                   gauge (GET /api/v1/events/stream)
//   roundhouse_event_stream_pauses_total                            counter (a client's buffer was full)
//   roundhouse_build_info{version}, roundhouse_start_time_seconds
// `route` is the route pattern ("/api/v1/events/{type}/{id}"), never the raw path, so the number of
// series stays bounded; unmatched requests count under route="unmatched".
//
// Thread-safe. Recording takes a shared lock and atomic increments; only a new series takes the
// exclusive lock.

#include <array>
#include <atomic>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "roundhouse/events/event_store.hpp"

namespace roundhouse::host {

class Metrics {
 public:
  Metrics();
  void observe_request(std::string_view method, std::string_view route, int status, double seconds);
  void request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void request_finished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  void count_append(std::string_view outcome, std::size_t events_written);
  void stream_opened() { streams_open_.fetch_add(1, std::memory_order_relaxed); }
  void stream_closed() { streams_open_.fetch_sub(1, std::memory_order_relaxed); }
  void count_stream_pause() { stream_pauses_.fetch_add(1, std::memory_order_relaxed); }

  // The whole exposition; `store` may be null (then store gauges are left out).
  std::string render(EventStore* store) const;

 private:
  static constexpr std::array<double, 14> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,    0.1,    0.25,  0.5,   1.0,   2.5};
  struct Series {
    std::string method, route;
    int status = 0;
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
    std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets{};  // non-cumulative
  };
  struct Counter {
    std::atomic<std::uint64_t> value{0};
  };

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<Series>> series_;
  std::unordered_map<std::string, std::unique_ptr<Counter>> append_outcomes_;
  std::atomic<std::uint64_t> events_appended_{0};
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::int64_t> streams_open_{0};
  std::atomic<std::uint64_t> stream_pauses_{0};
  double start_time_seconds_;
};

}  // namespace roundhouse::host
