// Conformance: appending event ids that are already stored is an idempotent retry (same positions,
// nothing new), unless it is not an exact retry (duplicate_event, nothing written).
#include "conformance.hpp"

#include <future>

namespace rh_test {
namespace {

using EV = rh::ExpectedVersion;
const rh::StreamId kLoco{"vehicle", "ICE-4711"};
const rh::StreamId kWagon{"vehicle", "WAG-0815"};

TEST_P(EventStoreConformance, RetryWithTheSameEventIdsReturnsTheOriginalPositions) {
  const std::vector<rh::NewEvent> batch = {event("VehicleRegistered", {{"class", "BR 412"}}),
                                           event("MileageRecorded", {{"km", 1}})};
  auto first = append(kLoco, EV::no_stream(), batch);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->idempotent_replay);

  // The acknowledgement was lost; the client sends the very same request again.
  auto retry = append(kLoco, EV::no_stream(), batch);
  ASSERT_TRUE(retry.ok()) << "a retry is not an error: " << retry.error().message;
  EXPECT_TRUE(retry->idempotent_replay);
  EXPECT_EQ(retry->positions, first->positions);
  EXPECT_EQ(retry->first_version, first->first_version);
  EXPECT_EQ(retry->last_version, first->last_version);

  EXPECT_EQ(read_stream(kLoco)->size(), 2u) << "no duplicates";
  EXPECT_EQ(head(), 2u);
}

TEST_P(EventStoreConformance, RetryIsRecognisedAfterLaterAppendsToTheStream) {
  const std::vector<rh::NewEvent> batch = {event("VehicleRegistered")};
  ASSERT_TRUE(append(kLoco, EV::no_stream(), batch).ok());
  ASSERT_TRUE(append(kLoco, EV::exact(1), {event("MileageRecorded")}).ok());
  append_ticks(kWagon, 2);

  auto retry = append(kLoco, EV::no_stream(), batch);
  ASSERT_TRUE(retry.ok()) << retry.error().message;
  EXPECT_TRUE(retry->idempotent_replay);
  EXPECT_EQ(retry->positions, (std::vector<rh::Position>{1}));
  EXPECT_EQ(retry->last_version, 1u);
  EXPECT_EQ(read_stream(kLoco)->size(), 2u);
  EXPECT_EQ(head(), 4u);
}

TEST_P(EventStoreConformance, RetryWithExpectedAnyIsAlsoIdempotent) {
  const std::vector<rh::NewEvent> batch = {event("A"), event("B"), event("C")};
  auto first = append(kLoco, EV::any(), batch);
  ASSERT_TRUE(first.ok());
  for (int i = 0; i < 3; ++i) {
    auto retry = append(kLoco, EV::any(), batch);
    ASSERT_TRUE(retry.ok()) << retry.error().message;
    EXPECT_TRUE(retry->idempotent_replay);
    EXPECT_EQ(retry->positions, first->positions);
  }
  EXPECT_EQ(read_all().size(), 3u);
}

TEST_P(EventStoreConformance, PartialOverlapWithStoredIdsIsADuplicateAndWritesNothing) {
  const rh::NewEvent stored = event("A");
  ASSERT_TRUE(append(kLoco, EV::any(), {stored}).ok());

  auto r = append(kLoco, EV::any(), {stored, event("B")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::duplicate_event) << r.error().message;
  EXPECT_EQ(read_stream(kLoco)->size(), 1u) << "the new event B must not be written either";
  EXPECT_EQ(head(), 1u);
}

TEST_P(EventStoreConformance, StoredIdsFollowedByANewOneIsADuplicate) {
  const rh::NewEvent a = event("A"), b = event("B");
  ASSERT_TRUE(append(kLoco, EV::any(), {a, b}).ok());
  auto r = append(kLoco, EV::any(), {a, b, event("C")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::duplicate_event);
  EXPECT_EQ(head(), 2u);
}

TEST_P(EventStoreConformance, IdStoredInAnotherStreamIsADuplicate) {
  const rh::NewEvent e = event("VehicleRegistered");
  ASSERT_TRUE(append(kLoco, EV::any(), {e}).ok());

  auto r = append(kWagon, EV::any(), {e});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::duplicate_event) << r.error().message;
  auto wagon = read_stream(kWagon);
  ASSERT_FALSE(wagon.ok()) << "the other stream must not be created";
  EXPECT_EQ(wagon.error().code, rh::ErrorCode::not_found);
  EXPECT_EQ(head(), 1u);
}

TEST_P(EventStoreConformance, SameIdTwiceInOneAppendIsRefused) {
  const rh::NewEvent e = event("A");
  auto r = append(kLoco, EV::any(), {e, e});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().code == rh::ErrorCode::invalid_argument || r.error().code == rh::ErrorCode::duplicate_event)
      << rh::to_string(r.error().code) << ": " << r.error().message;
  EXPECT_EQ(head(), 0u);
}

TEST_P(EventStoreConformance, RetryInAnotherOrderIsADuplicate) {
  const rh::NewEvent a = event("A"), b = event("B");
  ASSERT_TRUE(append(kLoco, EV::any(), {a, b}).ok());
  auto r = append(kLoco, EV::any(), {b, a});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::duplicate_event);
  EXPECT_EQ(head(), 2u);
}

TEST_P(EventStoreConformance, ConcurrentIdenticalRetriesStoreTheEventsOnce) {
  // Two copies of the same request in flight at once (e.g. a client retry racing the original):
  // exactly one write, both callers get the same positions.
  const std::vector<rh::NewEvent> batch = {event("A"), event("B")};
  std::vector<rh::Result<rh::AppendResult>> results;
  std::vector<std::promise<rh::Result<rh::AppendResult>>> promises(4);
  for (auto& p : promises) {
    rh::AppendRequest request;
    request.stream = kLoco;
    request.events = batch;
    store_->append_async(std::move(request), [&p](rh::Result<rh::AppendResult> r) { p.set_value(std::move(r)); });
  }
  int replays = 0;
  for (auto& p : promises) {
    auto r = p.get_future().get();
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->positions, (std::vector<rh::Position>{1, 2}));
    replays += r->idempotent_replay ? 1 : 0;
  }
  EXPECT_EQ(replays, 3);
  EXPECT_EQ(read_all().size(), 2u);
}

TEST_P(EventStoreConformance, RetriesNewAppendsAndConflictsInOneBurstEachGetTheirOwnAnswer) {
  // A burst of asynchronous appends lands in one or a few group commits, whose event ids are
  // looked up together: every request must still be answered as if it had come alone.
  constexpr int kStored = 200;
  std::vector<rh::NewEvent> stored;
  std::vector<rh::Position> stored_at;
  for (int i = 0; i < kStored; ++i) {
    stored.push_back(event("Tick", {{"i", i}}));
    auto r = append({"vehicle", "S" + std::to_string(i % 7)}, EV::any(), {stored.back()});
    ASSERT_TRUE(r.ok()) << r.error().message;
    stored_at.push_back(r->positions.at(0));
  }
  enum Kind { retry, fresh, conflict };
  struct Sent {
    Kind kind;
    int i;
    std::promise<rh::Result<rh::AppendResult>> done;
  };
  std::vector<Sent> sent;
  for (int i = 0; i < kStored; ++i)
    for (Kind k : {retry, fresh, conflict}) sent.push_back({k, i, {}});
  for (auto& s : sent) {
    rh::AppendRequest request;
    request.stream = {"vehicle", "S" + std::to_string(s.i % 7)};
    request.expected = EV::any();
    if (s.kind == retry) request.events = {stored[s.i]};
    if (s.kind == fresh) request.events = {event("Tick")};
    if (s.kind == conflict) request.events = {stored[s.i], event("Tick")};  // stored id + a new one
    store_->append_async(std::move(request), [&s](rh::Result<rh::AppendResult> r) { s.done.set_value(std::move(r)); });
  }
  int fresh_count = 0;
  for (auto& s : sent) {
    auto r = s.done.get_future().get();
    if (s.kind == conflict) {
      ASSERT_FALSE(r.ok()) << "append " << s.i << " repeats a stored id beside a new one";
      EXPECT_EQ(r.error().code, rh::ErrorCode::duplicate_event) << r.error().message;
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->idempotent_replay, s.kind == retry);
    if (s.kind == retry) EXPECT_EQ(r->positions, std::vector<rh::Position>{stored_at[s.i]});
    fresh_count += s.kind == fresh ? 1 : 0;
  }
  EXPECT_EQ(head(), static_cast<rh::Position>(kStored + fresh_count));
  EXPECT_EQ(read_all().size(), static_cast<std::size_t>(kStored + fresh_count)) << "retries stored nothing";
}

}  // namespace
}  // namespace rh_test
