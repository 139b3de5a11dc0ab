// Conformance: subscriptions catch up from a checkpoint, then go live; in position order, each event
// once; a failing handler stops the subscription without skipping the event.
#include "conformance.hpp"

#include <chrono>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace rh_test {
namespace {

using namespace std::chrono_literals;
using EV = rh::ExpectedVersion;
const rh::StreamId kLoco{"vehicle", "ICE-4711"};
const rh::StreamId kOrder{"work_order", "WO-1"};
// Generous: only reached when something is broken; the tests never assert how fast things are.
constexpr auto kPatience = 20s;

// What a handler saw, shared with the subscription thread.
struct Seen {
  mutable std::mutex mu;
  std::vector<rh::RecordedEvent> events;
  void add(const rh::RecordedEvent& e) {
    std::lock_guard lock(mu);
    events.push_back(e);
  }
  std::vector<rh::Position> positions() const {
    std::lock_guard lock(mu);
    return positions_of(events);
  }
  std::size_t size() const {
    std::lock_guard lock(mu);
    return events.size();
  }
};

rh::EventHandler recorder(const std::shared_ptr<Seen>& seen) {
  return [seen](const rh::RecordedEvent& e) {
    seen->add(e);
    return rh::Status{};
  };
}

rh::SubscribeOptions after(rh::Position p, std::string name = "test") {
  rh::SubscribeOptions o;
  o.name = std::move(name);
  o.after_position = p;
  return o;
}

bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return condition();
}

TEST_P(EventStoreConformance, SubscriptionCatchesUpFromTheCheckpointThenGoesLive) {
  append_ticks(kLoco, 5);
  auto seen = std::make_shared<Seen>();
  auto sub = store_->subscribe(after(2, "projection:vehicle-state"), recorder(seen));
  ASSERT_NE(sub, nullptr);

  ASSERT_TRUE(sub->wait_for(5, kPatience)) << "catch-up did not reach position 5";
  EXPECT_EQ(seen->positions(), range(3, 5)) << "only events after the checkpoint";
  EXPECT_TRUE(eventually([&] { return sub->state() == rh::Subscription::State::live; }))
      << "state: " << rh::to_string(sub->state());

  append_ticks(kLoco, 2);
  append_ticks(kOrder, 1);
  ASSERT_TRUE(sub->wait_for(8, kPatience)) << "live events were not delivered";
  EXPECT_EQ(seen->positions(), range(3, 8));
  EXPECT_EQ(sub->position(), 8u);
  EXPECT_FALSE(sub->error().has_value());
  EXPECT_EQ(sub->name(), "projection:vehicle-state");
}

TEST_P(EventStoreConformance, SubscriptionFromZeroSeesEveryEventComplete) {
  rh::NewEvent e = event("MileageRecorded", {{"km", 120500}});
  e.metadata.actor = "alice";
  ASSERT_TRUE(append(kLoco, EV::any(), {std::move(e)}, "db-cargo").ok());
  auto seen = std::make_shared<Seen>();
  auto sub = store_->subscribe(after(0), recorder(seen));
  ASSERT_TRUE(sub->wait_for(1, kPatience));
  std::lock_guard lock(seen->mu);
  ASSERT_EQ(seen->events.size(), 1u);
  const auto& got = seen->events.front();
  EXPECT_EQ(got.position, 1u);
  EXPECT_EQ(got.stream, kLoco);
  EXPECT_EQ(got.version, 1u);
  EXPECT_EQ(got.type, "MileageRecorded");
  EXPECT_EQ(got.tenant, "db-cargo");
  EXPECT_EQ(got.payload_json().at("km"), 120500);
  EXPECT_EQ(got.metadata_parsed().actor, "alice");
  EXPECT_EQ(got.hash, read_stream(kLoco)->front().hash);
}

TEST_P(EventStoreConformance, CatchUpInSmallPagesDeliversEverythingInOrder) {
  for (int i = 0; i < 5; ++i) append_ticks(i % 2 ? kLoco : kOrder, 3);
  auto seen = std::make_shared<Seen>();
  rh::SubscribeOptions o = after(0);
  o.batch_size = 2;
  auto sub = store_->subscribe(o, recorder(seen));
  ASSERT_TRUE(sub->wait_for(15, kPatience));
  EXPECT_EQ(seen->positions(), range(1, 15));
}

TEST_P(EventStoreConformance, SubscriptionStartingAtTheHeadSeesOnlyNewEvents) {
  append_ticks(kLoco, 3);
  auto seen = std::make_shared<Seen>();
  auto sub = store_->subscribe(after(3), recorder(seen));
  EXPECT_TRUE(eventually([&] { return sub->state() == rh::Subscription::State::live; }));
  EXPECT_EQ(seen->size(), 0u);
  append_ticks(kLoco, 1);
  ASSERT_TRUE(sub->wait_for(4, kPatience));
  EXPECT_EQ(seen->positions(), (std::vector<rh::Position>{4}));
}

TEST_P(EventStoreConformance, FilteredSubscriptionDeliversMatchesAndAdvancesPastTheRest) {
  ASSERT_TRUE(append(kOrder, EV::any(), {event("WorkOrderOpened"), event("PartUsed")}, "t1").ok());
  ASSERT_TRUE(append(kLoco, EV::any(), {event("PartUsed")}, "t1").ok());
  auto seen = std::make_shared<Seen>();
  rh::SubscribeOptions o = after(0);
  o.filter.aggregate_types = {"work_order"};
  o.filter.event_types = {"PartUsed"};
  auto sub = store_->subscribe(o, recorder(seen));
  ASSERT_TRUE(sub->wait_for(3, kPatience)) << "the checkpoint passes non-matching events too";
  EXPECT_EQ(seen->positions(), (std::vector<rh::Position>{2}));

  ASSERT_TRUE(append(kOrder, EV::any(), {event("Note"), event("PartUsed")}, "t1").ok());
  ASSERT_TRUE(sub->wait_for(5, kPatience));
  EXPECT_EQ(seen->positions(), (std::vector<rh::Position>{2, 5}));
}

TEST_P(EventStoreConformance, TenantFilteredSubscriptionSeesOnlyThatTenant) {
  append_ticks(kLoco, 2, "db-cargo");
  append_ticks(kOrder, 2, "db-regio");
  auto seen = std::make_shared<Seen>();
  rh::SubscribeOptions o = after(0);
  o.filter.tenant = "db-regio";
  auto sub = store_->subscribe(o, recorder(seen));
  ASSERT_TRUE(sub->wait_for(4, kPatience));
  EXPECT_EQ(seen->positions(), range(3, 4));
}

TEST_P(EventStoreConformance, FailingHandlerStopsTheSubscriptionWithoutSkippingTheEvent) {
  append_ticks(kLoco, 6);
  auto seen = std::make_shared<Seen>();
  auto sub = store_->subscribe(after(0, "projection:flaky"), [seen](const rh::RecordedEvent& e) {
    seen->add(e);
    if (e.position == 4) return rh::Status(rh::ErrorCode::io_error, "read model database is down");
    return rh::Status{};
  });

  EXPECT_FALSE(sub->wait_for(6, kPatience)) << "the subscription must stop at the failing event";
  ASSERT_TRUE(eventually([&] { return sub->state() == rh::Subscription::State::failed; }))
      << "state: " << rh::to_string(sub->state());
  EXPECT_EQ(sub->position(), 3u) << "the checkpoint is the last event handled successfully";
  ASSERT_TRUE(sub->error().has_value());
  EXPECT_NE(sub->error()->message.find('4'), std::string::npos)
      << "error() should name the failing position: " << sub->error()->message;
  EXPECT_EQ(seen->positions(), range(1, 4)) << "no event after the failure is delivered";

  // Nothing more arrives once failed, not even live events.
  append_ticks(kLoco, 1);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(seen->positions(), range(1, 4));
  EXPECT_EQ(sub->state(), rh::Subscription::State::failed);

  // Restarting from the checkpoint retries the failed event first: nothing was skipped.
  auto again = std::make_shared<Seen>();
  auto resumed = store_->subscribe(after(sub->position(), "projection:flaky"), recorder(again));
  ASSERT_TRUE(resumed->wait_for(7, kPatience));
  EXPECT_EQ(again->positions(), range(4, 7));
}

TEST_P(EventStoreConformance, StopIsIdempotentAndEndsDelivery) {
  append_ticks(kLoco, 2);
  auto seen = std::make_shared<Seen>();
  auto sub = store_->subscribe(after(0), recorder(seen));
  ASSERT_TRUE(sub->wait_for(2, kPatience));
  sub->stop();
  EXPECT_EQ(sub->state(), rh::Subscription::State::stopped);
  sub->stop();
  EXPECT_EQ(sub->state(), rh::Subscription::State::stopped);
  EXPECT_EQ(sub->position(), 2u);

  append_ticks(kLoco, 2);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(seen->size(), 2u) << "a stopped subscription delivers nothing";
  EXPECT_FALSE(sub->wait_for(3, 10ms));
}

TEST_P(EventStoreConformance, StopWhileCatchingUpReturnsWithTheHandlerIdle) {
  append_ticks(kLoco, 200);
  std::atomic<int> in_handler{0};
  std::atomic<bool> overlap{false};
  std::atomic<int> calls{0};
  auto sub = store_->subscribe(after(0), [&](const rh::RecordedEvent&) {
    if (in_handler.fetch_add(1) != 0) overlap = true;
    ++calls;
    std::this_thread::sleep_for(1ms);
    in_handler.fetch_sub(1);
    return rh::Status{};
  });
  ASSERT_TRUE(eventually([&] { return calls.load() >= 3; }));
  sub->stop();
  const int after_stop = calls.load();
  EXPECT_EQ(in_handler.load(), 0) << "stop() returns once the handler is idle";
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(calls.load(), after_stop);
  EXPECT_FALSE(overlap.load()) << "the handler is never called concurrently with itself";
  EXPECT_EQ(sub->position(), static_cast<rh::Position>(after_stop));
}

TEST_P(EventStoreConformance, DestroyingTheHandleStopsTheSubscription) {
  auto seen = std::make_shared<Seen>();
  {
    auto sub = store_->subscribe(after(0), recorder(seen));
    append_ticks(kLoco, 1);
    ASSERT_TRUE(sub->wait_for(1, kPatience));
  }
  append_ticks(kLoco, 1);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(seen->size(), 1u);
}

TEST_P(EventStoreConformance, WaitForTimesOutWhenNothingArrives) {
  auto sub = store_->subscribe(after(0), [](const rh::RecordedEvent&) { return rh::Status{}; });
  EXPECT_FALSE(sub->wait_for(1, 20ms));
}

TEST_P(EventStoreConformance, SubscriptionsAreListedByNameWithTheirPositions) {
  append_ticks(kLoco, 3);
  auto a = store_->subscribe(after(0, "projection:a"), [](const rh::RecordedEvent&) { return rh::Status{}; });
  auto b = store_->subscribe(after(1, "projection:b"), [](const rh::RecordedEvent&) { return rh::Status{}; });
  ASSERT_TRUE(a->wait_for(3, kPatience));
  ASSERT_TRUE(b->wait_for(3, kPatience));
  const auto list = store_->subscriptions();
  std::map<std::string, rh::Position> by_name;
  for (const auto& s : list) by_name[s.name] = s.position;
  ASSERT_TRUE(by_name.count("projection:a")) << "missing projection:a";
  ASSERT_TRUE(by_name.count("projection:b")) << "missing projection:b";
  EXPECT_EQ(by_name["projection:a"], 3u);
  EXPECT_EQ(by_name["projection:b"], 3u);
}

TEST_P(EventStoreConformance, SeveralSubscribersEachSeeEveryEventOnce) {
  std::vector<std::shared_ptr<Seen>> seen;
  std::vector<std::unique_ptr<rh::Subscription>> subs;
  for (int i = 0; i < 3; ++i) {
    seen.push_back(std::make_shared<Seen>());
    subs.push_back(store_->subscribe(after(0, "s" + std::to_string(i)), recorder(seen.back())));
  }
  for (int i = 0; i < 10; ++i) append_ticks(i % 2 ? kLoco : kOrder, 2);
  for (std::size_t i = 0; i < subs.size(); ++i) {
    ASSERT_TRUE(subs[i]->wait_for(20, kPatience));
    EXPECT_EQ(seen[i]->positions(), range(1, 20)) << "subscriber " << i;
  }
}

}  // namespace
}  // namespace rh_test
