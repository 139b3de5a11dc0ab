// Conformance: concurrent writers with optimistic concurrency, and a subscriber running alongside.
#include "conformance.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

namespace rh_test {
namespace {

using namespace std::chrono_literals;
using EV = rh::ExpectedVersion;
const rh::StreamId kLoco{"vehicle", "ICE-4711"};

struct Delivered {
  std::mutex mu;
  std::vector<rh::Position> positions;
  std::vector<rh::Version> versions;
};

// 16 threads append to one stream, each with the exact version it last saw, retrying on conflict.
TEST_P(EventStoreConformance, SixteenWritersOnOneStreamGetEveryVersionExactlyOnce) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 12;
  constexpr rh::Position kTotal = kThreads * kPerThread;

  auto delivered = std::make_shared<Delivered>();
  rh::SubscribeOptions so;
  so.name = "concurrency-watcher";
  auto sub = store_->subscribe(so, [delivered](const rh::RecordedEvent& e) {
    std::lock_guard lock(delivered->mu);
    delivered->positions.push_back(e.position);
    delivered->versions.push_back(e.version);
    return rh::Status{};
  });

  std::mutex mu;
  std::vector<rh::Version> acknowledged;        // every version some writer was told it got
  std::vector<std::string> unexpected;          // anything other than ok / wrong_expected_version
  std::atomic<int> conflicts{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      rh::Version known = 0;
      for (int i = 0; i < kPerThread; ++i) {
        for (int attempt = 0;; ++attempt) {
          if (attempt > 10000) {
            std::lock_guard lock(mu);
            unexpected.push_back("thread " + std::to_string(t) + " starved");
            return;
          }
          rh::AppendRequest request;
          request.stream = kLoco;
          request.expected = EV::exact(known);
          request.events.push_back(event("MileageRecorded", {{"thread", t}, {"i", i}}));
          auto r = store_->append(std::move(request));
          if (r.ok()) {
            std::lock_guard lock(mu);
            acknowledged.push_back(r->first_version);
            known = r->last_version;
            break;
          }
          if (r.error().code != rh::ErrorCode::wrong_expected_version) {
            std::lock_guard lock(mu);
            unexpected.push_back(std::string(rh::to_string(r.error().code)) + ": " + r.error().message);
            return;
          }
          ++conflicts;
          // Someone else got there first: learn the current version and try again.
          rh::ReadStreamOptions last;
          last.direction = rh::Direction::backward;
          last.max_count = 1;
          auto current = store_->read_stream(kLoco, last);
          known = current.ok() && !current->empty() ? current->front().version : 0;
        }
      }
    });
  }
  go = true;
  for (auto& w : writers) w.join();

  ASSERT_TRUE(unexpected.empty()) << unexpected.front();
  std::sort(acknowledged.begin(), acknowledged.end());
  EXPECT_EQ(acknowledged, range(1, kTotal)) << "every version acknowledged exactly once, no gaps";

  const auto stream = read_stream(kLoco);
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(versions_of(*stream), range(1, kTotal));
  EXPECT_EQ(positions_of(*stream), range(1, kTotal));
  std::set<std::pair<int64_t, int64_t>> writes;
  for (const auto& e : *stream) {
    const auto p = e.payload_json();
    writes.emplace(p.at("thread").as_int64(), p.at("i").as_int64());
  }
  EXPECT_EQ(writes.size(), static_cast<std::size_t>(kTotal)) << "every write stored once";

  ASSERT_TRUE(sub->wait_for(kTotal, 60s)) << "subscriber stuck at " << sub->position();
  sub->stop();
  std::lock_guard lock(delivered->mu);
  EXPECT_EQ(delivered->positions, range(1, kTotal)) << "subscriber saw each event once, in order";
  EXPECT_EQ(delivered->versions, range(1, kTotal));

  auto report = store_->verify_chain();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->reason;
  RecordProperty("conflicts", conflicts.load());
}

// Many writers on many streams: the global log stays gap-free and each stream stays gap-free.
TEST_P(EventStoreConformance, ConcurrentWritersOnManyStreamsKeepPositionsGapFree) {
  constexpr int kThreads = 8;
  constexpr int kAppends = 20;
  auto delivered = std::make_shared<Delivered>();
  rh::SubscribeOptions so;
  so.name = "gap-watcher";
  auto sub = store_->subscribe(so, [delivered](const rh::RecordedEvent& e) {
    std::lock_guard lock(delivered->mu);
    delivered->positions.push_back(e.position);
    return rh::Status{};
  });

  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        const rh::StreamId s{"vehicle", "V-" + std::to_string((t * kAppends + i) % 5)};
        std::vector<rh::NewEvent> events;
        for (int k = 0; k <= i % 3; ++k) events.push_back(event("Tick", {{"t", t}, {"i", i}, {"k", k}}));
        rh::AppendRequest request;
        request.stream = s;
        request.events = std::move(events);
        if (!store_->append(std::move(request)).ok()) ++failures;
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(failures.load(), 0);

  const auto all = read_all();
  EXPECT_EQ(positions_of(all), range(1, all.size()));
  std::map<std::string, rh::Version> last;
  for (const auto& e : all) {
    EXPECT_EQ(e.version, last[e.stream.id] + 1) << "stream " << e.stream.id << " at position " << e.position;
    last[e.stream.id] = e.version;
  }
  ASSERT_TRUE(sub->wait_for(all.size(), 60s));
  sub->stop();
  std::lock_guard lock(delivered->mu);
  EXPECT_EQ(delivered->positions, range(1, all.size()));
}

}  // namespace
}  // namespace rh_test
