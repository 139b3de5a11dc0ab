#include "postgres/pg_feed.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "postgres/pg_fixture.hpp"
#include "store/append_window.hpp"
#include "store/workload.hpp"
#include "store/writers.hpp"

namespace roundhouse::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kWriterShift = 40;  // tag = writer << 40 | event number within the writer

std::int64_t ns_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
}

// The tag a writer puts into metadata.correlation_id, read back by the subscriber from the stored
// metadata text without parsing the JSON. 0 when missing.
std::uint64_t read_tag(const std::string& metadata) {
  static constexpr std::string_view kKey = "\"correlation_id\":\"";
  const auto at = metadata.find(kKey);
  if (at == std::string::npos) return 0;
  std::uint64_t tag = 0;
  const char* first = metadata.data() + at + kKey.size();
  std::from_chars(first, metadata.data() + metadata.size(), tag);
  return tag;
}

// Per position (index = position; the schema is fresh, so the run's events are 1..events).
struct Timeline {
  explicit Timeline(std::size_t n) : ack_ns(n + 1, -1), deliver_ns(n + 1, -1), acked_tag(n + 1, 0), seen_tag(n + 1, 0) {}
  std::vector<std::int64_t> ack_ns, deliver_ns;
  std::vector<std::uint64_t> acked_tag, seen_tag;
  bool holds(Position p) const { return p < ack_ns.size(); }
};

// Writer t's k-th append: events_per_append events for one random stream, each tagged.
AppendRequest tagged_request(std::size_t t, std::uint64_t k, std::size_t events, std::vector<std::uint64_t>& tags) {
  const std::uint64_t first = k * events;
  const std::size_t s = mix(writer_event(t, first)) % kStreams;
  AppendRequest r;
  r.stream = stream(s);
  r.tenant = kTenant;
  tags.clear();
  for (std::size_t i = 0; i < events; ++i) {
    tags.push_back((static_cast<std::uint64_t>(t + 1) << kWriterShift) | (first + i));
    r.events.push_back(new_event(writer_event(t, first + i), s));
    r.events.back().metadata.correlation_id = std::to_string(tags.back());
  }
  return r;
}

void summarize(const Timeline& tl, FeedResult& out) {
  std::vector<double> lags;
  lags.reserve(tl.ack_ns.size());
  for (Position p = 1; p <= out.head && tl.holds(p); ++p) {
    if (tl.seen_tag[p] != tl.acked_tag[p] || tl.acked_tag[p] == 0) ++out.identity_errors;
    if (tl.ack_ns[p] < 0 || tl.deliver_ns[p] < 0) continue;
    const std::int64_t lag = tl.deliver_ns[p] - tl.ack_ns[p];
    if (lag < 0) ++out.delivered_before_ack;
    lags.push_back(static_cast<double>(std::max<std::int64_t>(lag, 0)) / 1e6);
  }
  std::sort(lags.begin(), lags.end());
  out.p50_ms = percentile(lags, 0.50);
  out.p90_ms = percentile(lags, 0.90);
  out.p99_ms = percentile(lags, 0.99);
  out.p999_ms = percentile(lags, 0.999);
  out.max_ms = lags.empty() ? 0.0 : lags.back();
}

}  // namespace

FeedResult run_feed(const FeedOptions& o) {
  FeedResult out;
  BenchSchema schema("feed");
  auto writer_store = open_pg_store(schema.store_uri());
  auto reader_store = o.subscriber_on_other_instance ? open_pg_store(schema.store_uri()) : writer_store;
  const std::uint64_t per_writer = o.events / o.writers / o.events_per_append;
  const std::uint64_t total = per_writer * o.writers * o.events_per_append;
  Timeline tl(total);
  const auto t0 = Clock::now();

  // The subscriber: records when each position arrives and which event it is.
  std::mutex sub_mu;
  Position last = 0;
  SubscribeOptions so;
  so.name = "bench:feed";
  auto sub = reader_store->subscribe(so, [&](const RecordedEvent& e) {
    const std::int64_t now = ns_since(t0);
    std::lock_guard lock(sub_mu);  // uncontended; makes the counters safe to read from the main thread
    if (e.position != last + 1) ++out.order_errors;
    last = e.position;
    ++out.delivered;
    if (tl.holds(e.position)) {
      if (tl.deliver_ns[e.position] >= 0) ++out.order_errors;  // a second delivery
      tl.deliver_ns[e.position] = now;
      tl.seen_tag[e.position] = read_tag(e.metadata);
    }
    return Status{};
  });

  // The writers: a fixed schedule (writer t sends append k at (k * writers + t) / appends per
  // second), so a slow acknowledgement does not slow the offered load (open loop).
  const double appends_per_second = o.rate / static_cast<double>(o.events_per_append);
  std::vector<std::unique_ptr<AppendWindow>> windows;
  for (std::size_t t = 0; t < o.writers; ++t) windows.push_back(std::make_unique<AppendWindow>(*writer_store, o.window));
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (std::size_t t = 0; t < o.writers; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::uint64_t> tags;
      for (std::uint64_t k = 0; k < per_writer; ++k) {
        if (appends_per_second > 0) {
          const double due = static_cast<double>(k * o.writers + t) / appends_per_second;
          std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(due)));
        }
        AppendRequest r = tagged_request(t, k, o.events_per_append, tags);
        const bool sent = windows[t]->submit(std::move(r), [&tl, &t0, tags](const AppendResult& res) {
          const std::int64_t now = ns_since(t0);
          for (std::size_t i = 0; i < res.positions.size(); ++i) {
            const Position p = res.positions[i];
            if (!tl.holds(p)) continue;
            tl.ack_ns[p] = now;
            tl.acked_tag[p] = tags[i];
          }
        });
        if (!sent) break;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (auto& w : windows) {
    if (auto failure = w->drain(); failure && out.error.empty()) out.error = "append failed: " + failure->message;
    out.acked += w->acked_events();
  }
  out.write_seconds = seconds_since(start);

  auto head = writer_store->head_position();
  out.head = head ? *head : 0;
  const auto wait = std::chrono::milliseconds(static_cast<long long>(o.drain_timeout_seconds * 1000));
  if (!sub->wait_for(out.head, wait) && out.error.empty())
    out.error = "the subscriber did not reach the head (" + std::to_string(out.head) + ") within " +
                std::to_string(o.drain_timeout_seconds) + " s";
  if (auto err = sub->error(); err && out.error.empty()) out.error = "subscription failed: " + err->message;
  sub->stop();
  {
    std::lock_guard lock(sub_mu);
    if (out.head != total && out.error.empty())
      out.error = "head " + std::to_string(out.head) + " but " + std::to_string(total) + " events were sent";
  }
  summarize(tl, out);
  sub.reset();
  if (reader_store != writer_store) reader_store->close();
  writer_store->close();
  out.commits = store_commits(schema.name());
  return out;
}

}  // namespace roundhouse::bench
