// Conformance: versions, expected versions, atomic multi-event appends, input validation.
#include "conformance.hpp"

#include <future>

#include "roundhouse/events/uuid.hpp"

namespace rh_test {
namespace {

using EV = rh::ExpectedVersion;
const rh::StreamId kLoco{"vehicle", "ICE-4711"};
const rh::StreamId kWagon{"vehicle", "WAG-0815"};

TEST_P(EventStoreConformance, EmptyStoreHasHeadZeroAndNoEvents) {
  EXPECT_EQ(head(), 0u);
  EXPECT_TRUE(read_all().empty());
}

TEST_P(EventStoreConformance, FirstAppendCreatesVersionOneAtPositionOne) {
  auto r = append(kLoco, EV::no_stream(), {event("VehicleRegistered", {{"class", "BR 412"}})});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->positions, (std::vector<rh::Position>{1}));
  EXPECT_EQ(r->first_version, 1u);
  EXPECT_EQ(r->last_version, 1u);
  EXPECT_FALSE(r->idempotent_replay);

  auto events = read_stream(kLoco);
  ASSERT_TRUE(events.ok()) << events.error().message;
  ASSERT_EQ(events->size(), 1u);
  const auto& e = events->front();
  EXPECT_EQ(e.position, 1u);
  EXPECT_EQ(e.version, 1u);
  EXPECT_EQ(e.stream, kLoco);
  EXPECT_EQ(e.type, "VehicleRegistered");
  EXPECT_EQ(e.payload_json().at("class"), "BR 412");
}

TEST_P(EventStoreConformance, VersionsContinueGapFreeAcrossAppends) {
  auto first = append(kLoco, EV::any(), {event("A"), event("B"), event("C")});
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->first_version, 1u);
  EXPECT_EQ(first->last_version, 3u);

  auto second = append(kLoco, EV::exact(3), {event("D"), event("E")});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->first_version, 4u);
  EXPECT_EQ(second->last_version, 5u);

  auto events = read_stream(kLoco);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(versions_of(*events), (std::vector<rh::Version>{1, 2, 3, 4, 5}));
  std::vector<std::string> types;
  for (const auto& e : *events) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"A", "B", "C", "D", "E"}));
}

TEST_P(EventStoreConformance, EachStreamHasItsOwnVersions) {
  append_ticks(kLoco, 2);
  append_ticks(kWagon, 3);
  append_ticks(kLoco, 1);
  EXPECT_EQ(versions_of(*read_stream(kLoco)), (std::vector<rh::Version>{1, 2, 3}));
  EXPECT_EQ(versions_of(*read_stream(kWagon)), (std::vector<rh::Version>{1, 2, 3}));
}

TEST_P(EventStoreConformance, SameIdUnderAnotherAggregateTypeIsAnotherStream) {
  append_ticks({"vehicle", "42"}, 2);
  append_ticks({"work_order", "42"}, 1);
  EXPECT_EQ(read_stream({"vehicle", "42"})->size(), 2u);
  EXPECT_EQ(read_stream({"work_order", "42"})->size(), 1u);
}

TEST_P(EventStoreConformance, MultiEventAppendGetsContiguousAscendingPositions) {
  append_ticks(kWagon, 2);  // positions 1, 2
  auto r = append(kLoco, EV::any(), {event("A"), event("B"), event("C"), event("D")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->positions, (std::vector<rh::Position>{3, 4, 5, 6}));
  EXPECT_EQ(positions_of(*read_stream(kLoco)), (std::vector<rh::Position>{3, 4, 5, 6}));
}

TEST_P(EventStoreConformance, GlobalPositionsStrictlyIncreaseFromOneWithoutGaps) {
  std::vector<rh::Position> acknowledged;
  const std::vector<rh::StreamId> streams = {kLoco, kWagon, {"part", "P-1"}, {"work_order", "WO-9"}};
  for (int i = 0; i < 12; ++i) {
    std::vector<rh::NewEvent> events;
    for (int k = 0; k < 1 + i % 3; ++k) events.push_back(event("Tick", {{"i", i}, {"k", k}}));
    auto r = append(streams[i % streams.size()], EV::any(), std::move(events));
    ASSERT_TRUE(r.ok()) << r.error().message;
    acknowledged.insert(acknowledged.end(), r->positions.begin(), r->positions.end());
  }
  const auto all = read_all();
  EXPECT_EQ(positions_of(all), range(1, all.size()));
  EXPECT_EQ(acknowledged, range(1, all.size()));
  EXPECT_EQ(head(), all.size());
}

TEST_P(EventStoreConformance, ExpectedNoStreamRefusesAnExistingStreamAndWritesNothing) {
  append_ticks(kLoco, 2);
  auto r = append(kLoco, EV::no_stream(), {event("VehicleRegistered")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::wrong_expected_version) << r.error().message;
  EXPECT_EQ(read_stream(kLoco)->size(), 2u);
  EXPECT_EQ(head(), 2u);
}

TEST_P(EventStoreConformance, ExpectedNoStreamAcceptsANewStream) {
  auto r = append(kLoco, EV::no_stream(), {event("VehicleRegistered")});
  EXPECT_TRUE(r.ok()) << r.error().message;
  auto exact_zero = append(kWagon, EV::exact(0), {event("VehicleRegistered")});
  EXPECT_TRUE(exact_zero.ok()) << "exact(0) means no stream: " << exact_zero.error().message;
}

TEST_P(EventStoreConformance, ExpectedStreamExistsRefusesANewStreamAndCreatesNothing) {
  auto r = append(kLoco, EV::stream_exists(), {event("MileageRecorded")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::wrong_expected_version);
  auto read = read_stream(kLoco);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, rh::ErrorCode::not_found);
  EXPECT_EQ(head(), 0u);
}

TEST_P(EventStoreConformance, ExpectedStreamExistsAcceptsAnExistingStream) {
  append_ticks(kLoco, 1);
  auto r = append(kLoco, EV::stream_exists(), {event("MileageRecorded")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->last_version, 2u);
}

TEST_P(EventStoreConformance, ExpectedExactVersionMustBeTheCurrentVersion) {
  append_ticks(kLoco, 3);
  for (rh::Version wrong : {1u, 2u, 4u, 10u}) {
    auto r = append(kLoco, EV::exact(wrong), {event("MileageRecorded")});
    ASSERT_FALSE(r.ok()) << "exact(" << wrong << ") accepted at version 3";
    EXPECT_EQ(r.error().code, rh::ErrorCode::wrong_expected_version);
    EXPECT_FALSE(r.error().message.empty());
  }
  EXPECT_EQ(read_stream(kLoco)->size(), 3u) << "a conflict writes nothing";
  EXPECT_EQ(head(), 3u);

  auto ok = append(kLoco, EV::exact(3), {event("MileageRecorded")});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->first_version, 4u);
}

TEST_P(EventStoreConformance, ExpectedAnyAppendsToNewAndExistingStreams) {
  EXPECT_TRUE(append(kLoco, EV::any(), {event("A")}).ok());
  EXPECT_TRUE(append(kLoco, EV::any(), {event("B")}).ok());
  EXPECT_EQ(read_stream(kLoco)->size(), 2u);
}

TEST_P(EventStoreConformance, ConflictOnAMultiEventAppendWritesNoneOfIt) {
  append_ticks(kLoco, 1);
  auto r = append(kLoco, EV::exact(5), {event("A"), event("B"), event("C")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::wrong_expected_version);
  EXPECT_EQ(read_stream(kLoco)->size(), 1u);
  EXPECT_EQ(head(), 1u);
}

TEST_P(EventStoreConformance, AnInvalidEventAnywhereInABatchRejectsTheWholeBatch) {
  append_ticks(kLoco, 1);
  rh::NewEvent bad = event("C");
  bad.payload = json::array{1, 2, 3};
  auto r = append(kLoco, EV::any(), {event("A"), event("B"), std::move(bad), event("D")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_EQ(read_stream(kLoco)->size(), 1u) << "an append is all or nothing";
  EXPECT_EQ(head(), 1u);

  auto next = append(kLoco, EV::exact(1), {event("E")});
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->positions, (std::vector<rh::Position>{2})) << "a rejected batch leaves no gap";
}

TEST_P(EventStoreConformance, PayloadMustBeAJsonObject) {
  for (json::value payload : {json::value(json::array{1}), json::value("text"), json::value(42),
                              json::value(true), json::value(nullptr)}) {
    rh::NewEvent e = event("MileageRecorded");
    e.payload = payload;
    auto r = append(kLoco, EV::any(), {std::move(e)});
    ASSERT_FALSE(r.ok()) << "accepted payload " << json::serialize(payload);
    EXPECT_EQ(r.error().code, rh::ErrorCode::invalid_argument);
    EXPECT_NE(r.error().message.find("payload"), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(head(), 0u);
}

TEST_P(EventStoreConformance, EmptyObjectPayloadIsFine) {
  EXPECT_TRUE(append(kLoco, EV::any(), {event("Heartbeat", {})}).ok());
}

TEST_P(EventStoreConformance, EventTypeMustNotBeEmpty) {
  auto r = append(kLoco, EV::any(), {event("")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_EQ(head(), 0u);
}

TEST_P(EventStoreConformance, StreamTypeAndIdMustNotBeEmpty) {
  for (const rh::StreamId& s : {rh::StreamId{"", "1"}, rh::StreamId{"vehicle", ""}}) {
    auto r = append(s, EV::any(), {event("A")});
    ASSERT_FALSE(r.ok()) << "accepted stream '" << rh::to_string(s) << "'";
    EXPECT_EQ(r.error().code, rh::ErrorCode::invalid_argument);
  }
  EXPECT_EQ(head(), 0u);
}

TEST_P(EventStoreConformance, AnAppendNeedsAtLeastOneEvent) {
  auto r = append(kLoco, EV::any(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_FALSE(read_stream(kLoco).ok()) << "an empty append must not create the stream";
}

TEST_P(EventStoreConformance, OversizedEventIsRefusedAsPayloadTooLarge) {
  rh::NewEvent big = event("SensorDump");
  big.payload = json::object{{"blob", std::string(2 * 1024 * 1024, 'x')}};
  auto r = append(kLoco, EV::any(), {std::move(big)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::payload_too_large) << r.error().message;
  EXPECT_EQ(head(), 0u);
}

TEST_P(EventStoreConformance, StoreGeneratesVersion7IdsForNilIds) {
  rh::NewEvent e = event("A", {}, rh::Uuid{});
  ASSERT_TRUE(append(kLoco, EV::any(), {std::move(e), event("B", {}, rh::Uuid{})}).ok());
  const auto events = *read_stream(kLoco);
  ASSERT_EQ(events.size(), 2u);
  for (const auto& stored : events) {
    EXPECT_FALSE(stored.id.is_nil());
    EXPECT_EQ(stored.id.bytes()[6] >> 4, 7) << stored.id.to_string();
  }
  EXPECT_NE(events[0].id, events[1].id);
}

TEST_P(EventStoreConformance, KeepsClientSuppliedIdsPayloadAndMetadata) {
  const auto id = *rh::Uuid::parse("f47ac10b-58cc-4372-a567-0e02b2c3d479");
  rh::NewEvent e = event("MileageRecorded",
                         {{"km", 120500},
                          {"depot", "Köln-Deutzerfeld ✓"},
                          {"readings", json::array{1.5, -2, nullptr}},
                          {"nested", {{"a", {{"b", true}}}}}},
                         id);
  e.metadata.actor = "alice";
  e.metadata.correlation_id = "corr-1";
  e.metadata.causation_id = "cmd-7";
  e.metadata.device = "tablet-17";
  e.metadata.extra["shift"] = "night";
  const json::value sent_payload = e.payload;
  ASSERT_TRUE(append(kLoco, EV::any(), {std::move(e)}).ok());

  const auto stored = read_stream(kLoco)->front();
  EXPECT_EQ(stored.id, id);
  EXPECT_EQ(stored.payload_json(), sent_payload);
  const auto m = stored.metadata_parsed();
  EXPECT_EQ(m.actor, "alice");
  EXPECT_EQ(m.correlation_id, "corr-1");
  EXPECT_EQ(m.causation_id, "cmd-7");
  EXPECT_EQ(m.device, "tablet-17");
  EXPECT_EQ(m.extra.at("shift"), "night");
}

TEST_P(EventStoreConformance, AppendAsyncReportsTheOutcome) {
  std::promise<rh::Result<rh::AppendResult>> done;
  rh::AppendRequest request;
  request.stream = kLoco;
  request.expected = EV::no_stream();
  request.events.push_back(event("VehicleRegistered"));
  store_->append_async(std::move(request), [&done](rh::Result<rh::AppendResult> r) { done.set_value(std::move(r)); });
  auto r = done.get_future().get();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->positions, (std::vector<rh::Position>{1}));
  EXPECT_EQ(read_stream(kLoco)->size(), 1u) << "acknowledged means readable";
}

TEST_P(EventStoreConformance, AppendAfterCloseIsUnavailable) {
  append_ticks(kLoco, 1);
  store_->close();
  auto r = append(kLoco, EV::any(), {event("A")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::unavailable);
  store_->close();  // closing twice is harmless
}

}  // namespace
}  // namespace rh_test
