// Conformance: tenant ownership of streams, and the two clocks (occurred_at vs recorded_at).
#include "conformance.hpp"

#include "roundhouse/core/time.hpp"

namespace rh_test {
namespace {

using EV = rh::ExpectedVersion;
const rh::StreamId kLoco{"vehicle", "ICE-4711"};
const rh::StreamId kWagon{"vehicle", "WAG-0815"};

// ---- tenants ----

TEST_P(EventStoreConformance, EventsCarryTheTenantOfTheAppend) {
  rh::NewEvent e = event("VehicleRegistered");
  e.metadata.tenant = "spoofed";  // the request's tenant wins over whatever the writer put here
  ASSERT_TRUE(append(kLoco, EV::any(), {std::move(e)}, "db-cargo").ok());
  const auto stored = read_stream(kLoco)->front();
  EXPECT_EQ(stored.tenant, "db-cargo");
  EXPECT_EQ(stored.metadata_parsed().tenant, "db-cargo");
}

TEST_P(EventStoreConformance, StreamBelongsToTheTenantOfItsFirstAppend) {
  append_ticks(kLoco, 1, "db-cargo");
  EXPECT_TRUE(append(kLoco, EV::any(), {event("MileageRecorded")}, "db-cargo").ok());

  auto other = append(kLoco, EV::any(), {event("MileageRecorded")}, "db-regio");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, rh::ErrorCode::forbidden) << other.error().message;
  EXPECT_EQ(read_stream(kLoco)->size(), 2u) << "nothing written by the other tenant";
  EXPECT_EQ(head(), 2u);
}

TEST_P(EventStoreConformance, ForbiddenWinsOverAVersionCheck) {
  append_ticks(kLoco, 1, "db-cargo");
  auto r = append(kLoco, EV::exact(1), {event("MileageRecorded")}, "db-regio");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::forbidden);
}

TEST_P(EventStoreConformance, AnotherTenantCannotReplayStoredIdsToLearnPositions) {
  const rh::NewEvent e = event("VehicleRegistered");
  ASSERT_TRUE(append(kLoco, EV::any(), {e}, "db-cargo").ok());
  auto r = append(kLoco, EV::any(), {e}, "db-regio");
  ASSERT_FALSE(r.ok()) << "a replay by another tenant must not be acknowledged";
  EXPECT_EQ(r.error().code, rh::ErrorCode::forbidden);
}

TEST_P(EventStoreConformance, ReadStreamOfAnotherTenantsStreamIsNotFound) {
  append_ticks(kLoco, 2, "db-cargo");
  rh::ReadStreamOptions as_regio;
  as_regio.tenant = "db-regio";
  auto hidden = read_stream(kLoco, as_regio);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().code, rh::ErrorCode::not_found) << "other tenants' streams are invisible";

  rh::ReadStreamOptions as_cargo;
  as_cargo.tenant = "db-cargo";
  auto own = read_stream(kLoco, as_cargo);
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(own->size(), 2u);

  auto unrestricted = read_stream(kLoco);  // no tenant: an operator/system reader
  ASSERT_TRUE(unrestricted.ok());
  EXPECT_EQ(unrestricted->size(), 2u);
}

TEST_P(EventStoreConformance, TenantsMayUseTheSameIdsInTheirOwnStreams) {
  append_ticks(kLoco, 1, "db-cargo");
  append_ticks(kWagon, 1, "db-regio");
  rh::ReadStreamOptions as_regio;
  as_regio.tenant = "db-regio";
  EXPECT_TRUE(read_stream(kWagon, as_regio).ok());
  EXPECT_FALSE(read_stream(kLoco, as_regio).ok());
}

// ---- occurred_at vs recorded_at ----

TEST_P(EventStoreConformance, RecordedAtIsSetByTheStoreAtCommit) {
  const rh::Timestamp before = rh::now_micros();
  append_ticks(kLoco, 1);
  const rh::Timestamp after = rh::now_micros();
  const auto e = read_stream(kLoco)->front();
  EXPECT_GE(e.recorded_at, before);
  EXPECT_LE(e.recorded_at, after);
}

TEST_P(EventStoreConformance, OccurredAtDefaultsToRecordedAt) {
  append_ticks(kLoco, 1);
  const auto e = read_stream(kLoco)->front();
  EXPECT_EQ(e.occurred_at, e.recorded_at);
}

TEST_P(EventStoreConformance, BackDatedOccurredAtIsKept) {
  const rh::Timestamp inspection = *rh::parse_timestamp("2024-11-05T07:30:00.250000+01:00");
  rh::NewEvent e = event("InspectionPerformed", {{"result", "pass"}});
  e.occurred_at = inspection;
  const rh::Timestamp before = rh::now_micros();
  ASSERT_TRUE(append(kLoco, EV::any(), {std::move(e)}).ok());
  const auto stored = read_stream(kLoco)->front();
  EXPECT_EQ(stored.occurred_at, inspection) << rh::format_timestamp(stored.occurred_at);
  EXPECT_GE(stored.recorded_at, before) << "recorded_at is transaction time, not the business time";
}

TEST_P(EventStoreConformance, OccurredAtBeforeTheEpochIsKept) {
  rh::NewEvent e = event("VehicleBuilt");
  e.occurred_at = *rh::parse_timestamp("1965-06-01");  // an old locomotive
  ASSERT_TRUE(append(kLoco, EV::any(), {std::move(e)}).ok());
  EXPECT_EQ(read_stream(kLoco)->front().occurred_at, *rh::parse_timestamp("1965-06-01"));
}

TEST_P(EventStoreConformance, RecordedAtNeverDecreasesAlongPositions) {
  for (int i = 0; i < 20; ++i) append_ticks(i % 2 ? kLoco : kWagon, 1 + i % 3);
  const auto all = read_all();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 1; i < all.size(); ++i)
    EXPECT_LE(all[i - 1].recorded_at, all[i].recorded_at) << "at position " << all[i].position;
}

TEST_P(EventStoreConformance, RecordedAtIsIndependentOfOccurredAtOrder) {
  // Back-dating an event must not drag recorded time backwards.
  append_ticks(kLoco, 1);
  rh::NewEvent old = event("Late");
  old.occurred_at = *rh::parse_timestamp("2001-01-01");
  ASSERT_TRUE(append(kLoco, EV::any(), {std::move(old)}).ok());
  const auto events = *read_stream(kLoco);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_LE(events[0].recorded_at, events[1].recorded_at);
  EXPECT_LT(events[1].occurred_at, events[0].occurred_at);
}

}  // namespace
}  // namespace rh_test
