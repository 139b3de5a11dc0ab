#include "metrics.hpp"

#include <cstdio>
#include <map>
#include <mutex>

#include "roundhouse/core/time.hpp"

namespace roundhouse::host {
namespace {

std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_double(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

Metrics::Metrics() : start_time_seconds_(static_cast<double>(now_micros()) / 1e6) {}

void Metrics::observe_request(std::string_view method, std::string_view route, int status, double seconds) {
  std::string key;
  key.reserve(method.size() + route.size() + 6);
  key.append(method).push_back(' ');
  key.append(route).push_back(' ');
  key.append(std::to_string(status));

  Series* s = nullptr;
  {
    std::shared_lock lock(mu_);
    if (auto it = series_.find(key); it != series_.end()) s = it->second.get();
  }
  if (!s) {
    std::unique_lock lock(mu_);
    auto& slot = series_[key];
    if (!slot) {
      slot = std::make_unique<Series>();
      slot->method = method;
      slot->route = route;
      slot->status = status;
    }
    s = slot.get();
  }
  s->count.fetch_add(1, std::memory_order_relaxed);
  s->sum_ns.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      s->buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
}

void Metrics::count_append(std::string_view outcome, std::size_t events_written) {
  events_appended_.fetch_add(events_written, std::memory_order_relaxed);
  const std::string key(outcome);
  {
    std::shared_lock lock(mu_);
    if (auto it = append_outcomes_.find(key); it != append_outcomes_.end()) {
      it->second->value.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  std::unique_lock lock(mu_);
  auto& slot = append_outcomes_[key];
  if (!slot) slot = std::make_unique<Counter>();
  slot->value.fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::render(EventStore* store) const {
  std::string out;
  out.reserve(4096);
  auto line = [&](const std::string& s) { out += s; out += '\n'; };

  line("# HELP roundhouse_build_info Build of the running host.");
  line("# TYPE roundhouse_build_info gauge");
  line(std::string("roundhouse_build_info{version=\"") + ROUNDHOUSE_HOST_VERSION + "\"} 1");
  line("# HELP roundhouse_start_time_seconds Start time of the host since the Unix epoch.");
  line("# TYPE roundhouse_start_time_seconds gauge");
  line("roundhouse_start_time_seconds " + format_double(start_time_seconds_));

  std::shared_lock lock(mu_);
  // Sorted output keeps scrapes stable and diffable.
  std::map<std::string, const Series*> sorted;
  for (const auto& [k, s] : series_) sorted.emplace(k, s.get());

  line("# HELP roundhouse_http_requests_total HTTP requests by method, route pattern and status.");
  line("# TYPE roundhouse_http_requests_total counter");
  for (const auto& [_, s] : sorted)
    line("roundhouse_http_requests_total{method=\"" + escape_label(s->method) + "\",route=\"" +
         escape_label(s->route) + "\",status=\"" + std::to_string(s->status) + "\"} " +
         std::to_string(s->count.load(std::memory_order_relaxed)));

  line("# HELP roundhouse_http_request_duration_seconds Time from a parsed request to its response.");
  line("# TYPE roundhouse_http_request_duration_seconds histogram");
  for (const auto& [_, s] : sorted) {
    const std::string labels = "method=\"" + escape_label(s->method) + "\",route=\"" + escape_label(s->route) +
                               "\",status=\"" + std::to_string(s->status) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += s->buckets[i].load(std::memory_order_relaxed);
      line("roundhouse_http_request_duration_seconds_bucket{" + labels + ",le=\"" + format_double(kBuckets[i]) +
           "\"} " + std::to_string(cumulative));
    }
    const std::uint64_t count = s->count.load(std::memory_order_relaxed);
    line("roundhouse_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(count));
    line("roundhouse_http_request_duration_seconds_sum{" + labels + "} " +
         format_double(static_cast<double>(s->sum_ns.load(std::memory_order_relaxed)) / 1e9));
    line("roundhouse_http_request_duration_seconds_count{" + labels + "} " + std::to_string(count));
  }

  line("# HELP roundhouse_http_requests_in_flight Requests received and not yet answered.");
  line("# TYPE roundhouse_http_requests_in_flight gauge");
  line("roundhouse_http_requests_in_flight " + std::to_string(in_flight_.load(std::memory_order_relaxed)));

  line("# HELP roundhouse_append_requests_total Append requests (HTTP) by outcome.");
  line("# TYPE roundhouse_append_requests_total counter");
  std::map<std::string, std::uint64_t> outcomes;
  for (const auto& [k, c] : append_outcomes_) outcomes[k] = c->value.load(std::memory_order_relaxed);
  if (!outcomes.count("ok")) outcomes["ok"] = 0;
  for (const auto& [k, v] : outcomes)
    line("roundhouse_append_requests_total{outcome=\"" + escape_label(k) + "\"} " + std::to_string(v));
  lock.unlock();

  line("# HELP roundhouse_events_appended_total Events written by appends through this host.");
  line("# TYPE roundhouse_events_appended_total counter");
  line("roundhouse_events_appended_total " + std::to_string(events_appended_.load(std::memory_order_relaxed)));

  line("# HELP roundhouse_event_streams_open Open live event streams (GET /api/v1/events/stream).");
  line("# TYPE roundhouse_event_streams_open gauge");
  line("roundhouse_event_streams_open " + std::to_string(streams_open_.load(std::memory_order_relaxed)));
  line("# HELP roundhouse_event_stream_pauses_total Times a live event stream paused because its client was slow.");
  line("# TYPE roundhouse_event_stream_pauses_total counter");
  line("roundhouse_event_stream_pauses_total " + std::to_string(stream_pauses_.load(std::memory_order_relaxed)));

  if (!store) return out;
  auto head = store->head_position();
  line("# HELP roundhouse_head_position Last committed global position of the event log.");
  line("# TYPE roundhouse_head_position gauge");
  if (head) line("roundhouse_head_position " + std::to_string(*head));
  const Position head_pos = head ? *head : 0;

  auto subs = store->subscriptions();
  line("# HELP roundhouse_subscription_position Checkpoint of each running subscription.");
  line("# TYPE roundhouse_subscription_position gauge");
  for (const auto& s : subs)
    line("roundhouse_subscription_position{subscription=\"" + escape_label(s.name) + "\",state=\"" +
         std::string(to_string(s.state)) + "\"} " + std::to_string(s.position));
  line("# HELP roundhouse_subscription_lag Events between the log head and a subscription's checkpoint.");
  line("# TYPE roundhouse_subscription_lag gauge");
  for (const auto& s : subs)
    line("roundhouse_subscription_lag{subscription=\"" + escape_label(s.name) + "\"} " +
         std::to_string(head_pos > s.position ? head_pos - s.position : 0));
  return out;
}

}  // namespace roundhouse::host
