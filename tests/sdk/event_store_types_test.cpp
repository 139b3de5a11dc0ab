// The EventStore's small value types: ExpectedVersion (optimistic concurrency) and EventFilter.
#include <gtest/gtest.h>

#include "roundhouse/events/event_store.hpp"

namespace rh = roundhouse;
using EV = rh::ExpectedVersion;

TEST(ExpectedVersion, AnyMatchesEveryVersion) {
  EXPECT_EQ(EV::any().kind(), EV::Kind::any);
  EXPECT_TRUE(EV::any().matches(0));
  EXPECT_TRUE(EV::any().matches(1));
  EXPECT_TRUE(EV::any().matches(1000));
}

TEST(ExpectedVersion, NoStreamMatchesOnlyAnEmptyStream) {
  EXPECT_TRUE(EV::no_stream().matches(0));
  EXPECT_FALSE(EV::no_stream().matches(1));
}

TEST(ExpectedVersion, StreamExistsMatchesAnyNonEmptyStream) {
  EXPECT_FALSE(EV::stream_exists().matches(0));
  EXPECT_TRUE(EV::stream_exists().matches(1));
  EXPECT_TRUE(EV::stream_exists().matches(99));
}

TEST(ExpectedVersion, ExactMatchesOnlyThatVersion) {
  const EV e = EV::exact(7);
  EXPECT_EQ(e.kind(), EV::Kind::exact);
  EXPECT_EQ(e.version(), 7u);
  EXPECT_TRUE(e.matches(7));
  EXPECT_FALSE(e.matches(6));
  EXPECT_FALSE(e.matches(8));
  EXPECT_FALSE(e.matches(0));
}

TEST(ExpectedVersion, ExactZeroMeansNoStream) {
  EXPECT_EQ(EV::exact(0).kind(), EV::Kind::no_stream);
  EXPECT_TRUE(EV::exact(0).matches(0));
  EXPECT_FALSE(EV::exact(0).matches(1));
}

TEST(ExpectedVersion, DescribesItselfForErrorMessages) {
  EXPECT_EQ(EV::any().describe(), "any");
  EXPECT_EQ(EV::no_stream().describe(), "no stream");
  EXPECT_EQ(EV::stream_exists().describe(), "stream exists");
  EXPECT_EQ(EV::exact(7).describe(), "version 7");
}

TEST(AppendRequest, DefaultsToAnyVersion) {
  rh::AppendRequest r;
  EXPECT_EQ(r.expected.kind(), EV::Kind::any);
}

namespace {
rh::RecordedEvent event(std::string aggregate, std::string type, std::string tenant) {
  rh::RecordedEvent e;
  e.stream = {std::move(aggregate), "1"};
  e.type = std::move(type);
  e.tenant = std::move(tenant);
  return e;
}
}  // namespace

TEST(EventFilter, EmptyFilterMatchesEverything) {
  rh::EventFilter f;
  EXPECT_TRUE(f.matches(event("vehicle", "VehicleRegistered", "")));
  EXPECT_TRUE(f.matches(event("work_order", "WorkOrderOpened", "t1")));
}

TEST(EventFilter, AggregateTypesAreAnAllowList) {
  rh::EventFilter f;
  f.aggregate_types = {"vehicle", "part"};
  EXPECT_TRUE(f.matches(event("vehicle", "X", "")));
  EXPECT_TRUE(f.matches(event("part", "X", "")));
  EXPECT_FALSE(f.matches(event("work_order", "X", "")));
}

TEST(EventFilter, EventTypesAreAnAllowList) {
  rh::EventFilter f;
  f.event_types = {"VehicleRegistered"};
  EXPECT_TRUE(f.matches(event("vehicle", "VehicleRegistered", "")));
  EXPECT_FALSE(f.matches(event("vehicle", "MileageRecorded", "")));
}

TEST(EventFilter, TenantMustMatchExactly) {
  rh::EventFilter f;
  f.tenant = "t1";
  EXPECT_TRUE(f.matches(event("vehicle", "X", "t1")));
  EXPECT_FALSE(f.matches(event("vehicle", "X", "t2")));
  EXPECT_FALSE(f.matches(event("vehicle", "X", "")));
}

TEST(EventFilter, AllCriteriaMustHold) {
  rh::EventFilter f;
  f.aggregate_types = {"vehicle"};
  f.event_types = {"MileageRecorded"};
  f.tenant = "t1";
  EXPECT_TRUE(f.matches(event("vehicle", "MileageRecorded", "t1")));
  EXPECT_FALSE(f.matches(event("part", "MileageRecorded", "t1")));
  EXPECT_FALSE(f.matches(event("vehicle", "VehicleRegistered", "t1")));
  EXPECT_FALSE(f.matches(event("vehicle", "MileageRecorded", "t2")));
}

TEST(SubscriptionState, HasReadableNames) {
  EXPECT_EQ(rh::to_string(rh::Subscription::State::catching_up), "catching_up");
  EXPECT_EQ(rh::to_string(rh::Subscription::State::live), "live");
  EXPECT_EQ(rh::to_string(rh::Subscription::State::stopped), "stopped");
  EXPECT_EQ(rh::to_string(rh::Subscription::State::failed), "failed");
}
