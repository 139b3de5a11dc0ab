// The event model's value types: stream ids, metadata JSON, the recorded event's wire form.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "roundhouse/events/event.hpp"

namespace rh = roundhouse;
namespace json = boost::json;

TEST(StreamId, PrintsAsTypeSlashId) {
  EXPECT_EQ(rh::to_string(rh::StreamId{"vehicle", "ICE-4711"}), "vehicle/ICE-4711");
}

TEST(StreamId, ComparesByTypeThenId) {
  EXPECT_EQ((rh::StreamId{"vehicle", "1"}), (rh::StreamId{"vehicle", "1"}));
  EXPECT_NE((rh::StreamId{"vehicle", "1"}), (rh::StreamId{"work_order", "1"}));
  EXPECT_LT((rh::StreamId{"a", "z"}), (rh::StreamId{"b", "a"}));
}

TEST(EventMetadata, RoundTripsThroughJsonKeepingUnknownKeys) {
  rh::EventMetadata m;
  m.actor = "alice";
  m.tenant = "db-cargo";
  m.correlation_id = "corr-1";
  m.causation_id = "cmd-9";
  m.device = "tablet-17";
  m.extra["shift"] = "night";
  m.extra["attempt"] = 2;

  const json::object o = m.to_json();
  EXPECT_EQ(o.at("actor"), "alice");
  EXPECT_EQ(o.at("tenant"), "db-cargo");
  EXPECT_EQ(o.at("correlation_id"), "corr-1");
  EXPECT_EQ(o.at("causation_id"), "cmd-9");
  EXPECT_EQ(o.at("device"), "tablet-17");
  EXPECT_EQ(o.at("shift"), "night");

  auto back = rh::EventMetadata::from_json(o);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->actor, "alice");
  EXPECT_EQ(back->tenant, "db-cargo");
  EXPECT_EQ(back->correlation_id, "corr-1");
  EXPECT_EQ(back->causation_id, "cmd-9");
  EXPECT_EQ(back->device, "tablet-17");
  EXPECT_EQ(back->extra.at("shift"), "night");
  EXPECT_EQ(back->extra.at("attempt"), 2);
  EXPECT_EQ(back->extra.size(), 2u) << "known keys must not be duplicated into extra";
}

TEST(EventMetadata, RejectsNonObjectsAndWronglyTypedFields) {
  auto not_object = rh::EventMetadata::from_json(json::value(json::array{1, 2}));
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.error().code, rh::ErrorCode::invalid_argument);

  auto bad_actor = rh::EventMetadata::from_json(json::object{{"actor", 5}});
  ASSERT_FALSE(bad_actor.ok());
  EXPECT_EQ(bad_actor.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_NE(bad_actor.error().message.find("actor"), std::string::npos) << bad_actor.error().message;
}

TEST(RecordedEvent, DecodesPayloadAndMetadataOnDemand) {
  rh::RecordedEvent e;
  e.payload = R"({"km":120500,"depot":"Hamm"})";
  e.metadata = R"({"actor":"bob","x":true})";
  EXPECT_EQ(e.payload_json().at("km"), 120500);
  const auto m = e.metadata_parsed();
  EXPECT_EQ(m.actor, "bob");
  EXPECT_EQ(m.extra.at("x"), true);
}

TEST(RecordedEvent, CorruptJsonThrowsOnDecode) {
  rh::RecordedEvent e;
  e.payload = "{not json";
  e.metadata = "{";
  EXPECT_ANY_THROW((void)e.payload_json());
  EXPECT_ANY_THROW((void)e.metadata_parsed());
}

TEST(RecordedEvent, WireFormEmbedsPayloadAsJsonAndIdsAsText) {
  rh::RecordedEvent e;
  e.position = 12;
  e.stream = {"vehicle", "ICE-4711"};
  e.version = 3;
  e.id = *rh::Uuid::parse("0190f5a2-7b3c-7d4e-8f10-123456789abc");
  e.type = "MileageRecorded";
  e.occurred_at = 1772460300LL * 1000000;
  e.recorded_at = 1772460301LL * 1000000;
  e.tenant = "db-cargo";
  e.payload = R"({"km":120500})";
  e.metadata = R"({"actor":"bob"})";
  e.hash[0] = 0xab;

  const json::object o = e.to_json();
  EXPECT_EQ(o.at("position"), 12);
  EXPECT_EQ(o.at("version"), 3);
  EXPECT_EQ(o.at("id"), "0190f5a2-7b3c-7d4e-8f10-123456789abc");
  EXPECT_EQ(o.at("type"), "MileageRecorded");
  EXPECT_EQ(o.at("tenant"), "db-cargo");
  EXPECT_EQ(o.at("payload").at("km"), 120500) << "payload is embedded as JSON, not as a string";
  EXPECT_EQ(o.at("metadata").at("actor"), "bob");
  EXPECT_EQ(o.at("occurred_at"), "2026-03-02T14:05:00.000000Z");
  EXPECT_EQ(o.at("recorded_at"), "2026-03-02T14:05:01.000000Z");
  const std::string rendered = json::serialize(o);
  EXPECT_NE(rendered.find("vehicle"), std::string::npos);
  EXPECT_NE(rendered.find("ICE-4711"), std::string::npos);
  EXPECT_NE(rendered.find(rh::hex(e.hash)), std::string::npos) << "hash is shown as hex";
}

TEST(Hash, HexIs64LowerCaseDigits) {
  rh::Hash h{};
  h[0] = 0xAB;
  h[31] = 0x0F;
  const std::string s = rh::hex(h);
  ASSERT_EQ(s.size(), 64u);
  EXPECT_EQ(s.substr(0, 2), "ab");
  EXPECT_EQ(s.substr(62), "0f");
  EXPECT_EQ(s.find_first_not_of("0123456789abcdef"), std::string::npos);
}
