// Conformance: read_stream (direction, from_version, max_count), read_all (from_position,
// max_count, filters, early stop), head_position.
#include "conformance.hpp"

namespace rh_test {
namespace {

using EV = rh::ExpectedVersion;
const rh::StreamId kLoco{"vehicle", "ICE-4711"};
const rh::StreamId kWagon{"vehicle", "WAG-0815"};
const rh::StreamId kOrder{"work_order", "WO-1"};

rh::ReadStreamOptions forward(rh::Version from = 0, std::size_t max = SIZE_MAX) {
  rh::ReadStreamOptions o;
  o.from_version = from;
  o.max_count = max;
  return o;
}
rh::ReadStreamOptions backward(rh::Version from = 0, std::size_t max = SIZE_MAX) {
  rh::ReadStreamOptions o = forward(from, max);
  o.direction = rh::Direction::backward;
  return o;
}
rh::ReadAllOptions from(rh::Position p, std::size_t max = SIZE_MAX) {
  rh::ReadAllOptions o;
  o.from_position = p;
  o.max_count = max;
  return o;
}
std::vector<std::string> types_of(const std::vector<rh::RecordedEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type);
  return out;
}

// ---- read_stream ----

TEST_P(EventStoreConformance, ReadStreamForwardReturnsEveryVersionInOrder) {
  append_ticks(kLoco, 3);
  append_ticks(kWagon, 2);
  append_ticks(kLoco, 2);
  auto events = read_stream(kLoco, forward());
  ASSERT_TRUE(events.ok()) << events.error().message;
  EXPECT_EQ(versions_of(*events), (std::vector<rh::Version>{1, 2, 3, 4, 5}));
  EXPECT_EQ(positions_of(*events), (std::vector<rh::Position>{1, 2, 3, 6, 7}));
  for (const auto& e : *events) EXPECT_EQ(e.stream, kLoco);
}

TEST_P(EventStoreConformance, ReadStreamBackwardStartsAtTheNewestEvent) {
  append_ticks(kLoco, 5);
  auto events = read_stream(kLoco, backward());
  ASSERT_TRUE(events.ok()) << events.error().message;
  EXPECT_EQ(versions_of(*events), (std::vector<rh::Version>{5, 4, 3, 2, 1}));
}

TEST_P(EventStoreConformance, ReadStreamForwardFromVersion) {
  append_ticks(kLoco, 5);
  EXPECT_EQ(versions_of(*read_stream(kLoco, forward(3))), (std::vector<rh::Version>{3, 4, 5}));
  EXPECT_EQ(versions_of(*read_stream(kLoco, forward(5))), (std::vector<rh::Version>{5}));
}

TEST_P(EventStoreConformance, ReadStreamBackwardFromVersion) {
  append_ticks(kLoco, 5);
  EXPECT_EQ(versions_of(*read_stream(kLoco, backward(3))), (std::vector<rh::Version>{3, 2, 1}));
  EXPECT_EQ(versions_of(*read_stream(kLoco, backward(1))), (std::vector<rh::Version>{1}));
}

TEST_P(EventStoreConformance, ReadStreamMaxCount) {
  append_ticks(kLoco, 5);
  EXPECT_EQ(versions_of(*read_stream(kLoco, forward(0, 2))), (std::vector<rh::Version>{1, 2}));
  EXPECT_EQ(versions_of(*read_stream(kLoco, forward(2, 2))), (std::vector<rh::Version>{2, 3}));
  EXPECT_EQ(versions_of(*read_stream(kLoco, backward(0, 2))), (std::vector<rh::Version>{5, 4}));
  EXPECT_EQ(versions_of(*read_stream(kLoco, backward(4, 3))), (std::vector<rh::Version>{4, 3, 2}));
  EXPECT_EQ(versions_of(*read_stream(kLoco, forward(0, 100))).size(), 5u);
}

TEST_P(EventStoreConformance, ReadStreamBackwardOnePeeksAtTheCurrentVersion) {
  append_ticks(kLoco, 4);
  auto last = read_stream(kLoco, backward(0, 1));
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ(last->front().version, 4u);
}

TEST_P(EventStoreConformance, ReadStreamPastTheEndOfAnExistingStreamIsEmpty) {
  append_ticks(kLoco, 2);
  auto events = read_stream(kLoco, forward(3));
  ASSERT_TRUE(events.ok()) << "the stream exists: " << events.error().message;
  EXPECT_TRUE(events->empty());
}

TEST_P(EventStoreConformance, ReadStreamOfAnUnknownStreamIsNotFound) {
  append_ticks(kLoco, 1);
  for (const rh::StreamId& s : {rh::StreamId{"vehicle", "NOPE"}, rh::StreamId{"wagon", "ICE-4711"}}) {
    auto r = read_stream(s);
    ASSERT_FALSE(r.ok()) << rh::to_string(s);
    EXPECT_EQ(r.error().code, rh::ErrorCode::not_found);
    auto b = read_stream(s, backward());
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.error().code, rh::ErrorCode::not_found);
  }
}

// ---- read_all ----

TEST_P(EventStoreConformance, ReadAllReturnsEveryEventInPositionOrder) {
  append_ticks(kLoco, 2);
  append_ticks(kOrder, 1);
  append_ticks(kLoco, 1);
  const auto all = read_all();
  EXPECT_EQ(positions_of(all), range(1, 4));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2].stream, kOrder);
  EXPECT_EQ(all[3].stream, kLoco);
  EXPECT_EQ(all[3].version, 3u);
}

TEST_P(EventStoreConformance, ReadAllFromPositionIsInclusive) {
  append_ticks(kLoco, 6);
  EXPECT_EQ(positions_of(read_all(from(4))), range(4, 6));
  EXPECT_EQ(positions_of(read_all(from(6))), range(6, 6));
  EXPECT_TRUE(read_all(from(7)).empty());
  EXPECT_TRUE(read_all(from(1000)).empty());
}

TEST_P(EventStoreConformance, ReadAllMaxCount) {
  append_ticks(kLoco, 6);
  EXPECT_EQ(positions_of(read_all(from(1, 2))), range(1, 2));
  EXPECT_EQ(positions_of(read_all(from(3, 2))), range(3, 4));
  EXPECT_TRUE(read_all(from(1, 0)).empty());
}

TEST_P(EventStoreConformance, ReadAllPagesThroughTheWholeLog) {
  append_ticks(kLoco, 7);
  append_ticks(kWagon, 4);
  std::vector<rh::Position> seen;
  rh::Position next = 1;
  for (;;) {
    const auto page = read_all(from(next, 3));
    if (page.empty()) break;
    EXPECT_LE(page.size(), 3u);
    for (const auto& e : page) seen.push_back(e.position);
    next = page.back().position + 1;
  }
  EXPECT_EQ(seen, range(1, 11));
}

TEST_P(EventStoreConformance, ReadAllFiltersByAggregateType) {
  append_ticks(kLoco, 2);
  append_ticks(kOrder, 3);
  append_ticks(kWagon, 1);
  rh::ReadAllOptions o;
  o.filter.aggregate_types = {"work_order"};
  EXPECT_EQ(positions_of(read_all(o)), range(3, 5));
  o.filter.aggregate_types = {"vehicle"};
  EXPECT_EQ(positions_of(read_all(o)), (std::vector<rh::Position>{1, 2, 6}));
  o.filter.aggregate_types = {"vehicle", "work_order"};
  EXPECT_EQ(read_all(o).size(), 6u);
  o.filter.aggregate_types = {"part"};
  EXPECT_TRUE(read_all(o).empty());
}

TEST_P(EventStoreConformance, ReadAllFiltersByEventType) {
  ASSERT_TRUE(append(kOrder, EV::any(), {event("WorkOrderOpened"), event("PartUsed"), event("PartUsed"),
                                         event("WorkOrderClosed")})
                  .ok());
  ASSERT_TRUE(append(kLoco, EV::any(), {event("VehicleRegistered"), event("MileageRecorded")}).ok());
  rh::ReadAllOptions o;
  o.filter.event_types = {"PartUsed"};
  EXPECT_EQ(positions_of(read_all(o)), range(2, 3));
  o.filter.event_types = {"WorkOrderOpened", "VehicleRegistered"};
  EXPECT_EQ(types_of(read_all(o)), (std::vector<std::string>{"WorkOrderOpened", "VehicleRegistered"}));
}

TEST_P(EventStoreConformance, ReadAllFiltersByTenant) {
  append_ticks(kLoco, 2, "db-cargo");
  append_ticks(kWagon, 1, "db-regio");
  append_ticks(kOrder, 2, "db-cargo");
  rh::ReadAllOptions o;
  o.filter.tenant = "db-cargo";
  EXPECT_EQ(positions_of(read_all(o)), (std::vector<rh::Position>{1, 2, 4, 5}));
  o.filter.tenant = "db-regio";
  EXPECT_EQ(positions_of(read_all(o)), (std::vector<rh::Position>{3}));
  o.filter.tenant = "nobody";
  EXPECT_TRUE(read_all(o).empty());
}

TEST_P(EventStoreConformance, ReadAllCombinesFiltersFromPositionAndMaxCount) {
  ASSERT_TRUE(append(kOrder, EV::any(), {event("PartUsed"), event("Note"), event("PartUsed")}, "t1").ok());
  ASSERT_TRUE(append(kLoco, EV::any(), {event("PartUsed")}, "t1").ok());
  ASSERT_TRUE(append(kWagon, EV::any(), {event("PartUsed"), event("PartUsed")}, "t2").ok());
  ASSERT_TRUE(append({"work_order", "WO-2"}, EV::any(), {event("PartUsed"), event("PartUsed")}, "t1").ok());
  // work_order + PartUsed + t1: positions 1, 3, 7, 8
  rh::ReadAllOptions o;
  o.filter.aggregate_types = {"work_order"};
  o.filter.event_types = {"PartUsed"};
  o.filter.tenant = "t1";
  EXPECT_EQ(positions_of(read_all(o)), (std::vector<rh::Position>{1, 3, 7, 8}));
  o.from_position = 2;
  o.max_count = 2;
  EXPECT_EQ(positions_of(read_all(o)), (std::vector<rh::Position>{3, 7}))
      << "max_count counts delivered (matching) events";
}

TEST_P(EventStoreConformance, ReadAllVisitorCanStopEarly) {
  append_ticks(kLoco, 10);
  std::vector<rh::Position> seen;
  const rh::Status st = store_->read_all(rh::ReadAllOptions{}, [&](const rh::RecordedEvent& e) {
    seen.push_back(e.position);
    return seen.size() < 3;
  });
  EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(seen, range(1, 3)) << "no event is visited after the visitor returns false";
}

TEST_P(EventStoreConformance, ReadAllDeliversCompleteEvents) {
  rh::NewEvent e = event("MileageRecorded", {{"km", 7}});
  e.metadata.actor = "bob";
  ASSERT_TRUE(append(kLoco, EV::any(), {std::move(e)}, "t1").ok());
  const auto all = read_all();
  ASSERT_EQ(all.size(), 1u);
  const auto from_stream = read_stream(kLoco)->front();
  const auto& x = all.front();
  EXPECT_EQ(x.position, from_stream.position);
  EXPECT_EQ(x.stream, from_stream.stream);
  EXPECT_EQ(x.version, from_stream.version);
  EXPECT_EQ(x.id, from_stream.id);
  EXPECT_EQ(x.type, from_stream.type);
  EXPECT_EQ(x.occurred_at, from_stream.occurred_at);
  EXPECT_EQ(x.recorded_at, from_stream.recorded_at);
  EXPECT_EQ(x.tenant, "t1");
  EXPECT_EQ(x.payload_json(), from_stream.payload_json());
  EXPECT_EQ(x.metadata_parsed().actor, "bob");
  EXPECT_EQ(x.hash, from_stream.hash);
}

// ---- head_position ----

TEST_P(EventStoreConformance, HeadPositionIsTheLastCommittedPosition) {
  EXPECT_EQ(head(), 0u);
  append_ticks(kLoco, 3);
  EXPECT_EQ(head(), 3u);
  append_ticks(kWagon, 2);
  EXPECT_EQ(head(), 5u);
  EXPECT_FALSE(append(kLoco, EV::no_stream(), {event("A")}).ok());
  EXPECT_EQ(head(), 5u) << "a failed append does not move the head";
}

}  // namespace
}  // namespace rh_test
