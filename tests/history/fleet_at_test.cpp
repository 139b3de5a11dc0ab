// fleet_at: every aggregate of a type at one bitemporal point, in one pass; back-dated events are
// re-folded so each entry equals state_at; recorded bounds, filters, tenants and bad input.
#include "history_test_support.hpp"

namespace {

using namespace history_test;

class FleetAtTest : public HistoryTest {
 protected:
  // Three vehicles registered 03-01; V2 goes to maintenance 03-02; V3 transfers to South 03-03;
  // a work order (another type) is ignored. Recorded later, two back-dated corrections: V1 was out
  // of service from 03-01 12:00, V2 on standby from 03-01 20:00 (before its maintenance, so its
  // events arrive out of business-time order).
  void SetUp() override {
    HistoryTest::SetUp();
    for (const char* id : {"V1", "V2", "V3"})
      vehicle(id, {"Registered", {{"status", "in_service"}, {"depot", "North"}}, at("2026-03-01T08:00:00Z")});
    append("workorder", "WO-1", {"Opened", {{"priority", "high"}}, at("2026-03-01T09:00:00Z")});
    vehicle("V2", {"StatusChanged", {{"status", "under_maintenance"}}, at("2026-03-02T08:00:00Z")});
    vehicle("V3", {"Transferred", {{"depot", "South"}}, at("2026-03-03T08:00:00Z")});
    next_recorded_tick();
    before_correction_ = last_recorded_;
    vehicle("V1", {"StatusChanged", {{"status", "out_of_service"}}, at("2026-03-01T12:00:00Z"), "auditor"});
    vehicle("V2", {"StatusChanged", {{"status", "standby"}}, at("2026-03-01T20:00:00Z"), "auditor"});
  }

  rh::FleetAt fleet(const rh::AsOf& as_of, const rh::FleetFilter& filter = {}) {
    auto r = rh::fleet_at(store_, registry_, "vehicle", as_of, std::nullopt, filter);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : rh::FleetAt{};
  }

  static std::string status_of(const rh::FleetAt& f, const std::string& id) {
    auto it = f.aggregates.find(id);
    return it == f.aggregates.end() ? "<absent>" : str(it->second.state, "status");
  }

  rh::Timestamp before_correction_ = 0;
};

TEST_F(FleetAtTest, StatusBoardAsOfBusinessTime) {
  auto f = fleet({.occurred = at("2026-03-02T12:00:00Z")});
  ASSERT_EQ(f.aggregates.size(), 3u) << "the work order is another type";
  EXPECT_EQ(status_of(f, "V1"), "out_of_service") << "the back-dated correction counts in business time";
  EXPECT_EQ(status_of(f, "V2"), "under_maintenance");
  EXPECT_EQ(str(f.aggregates.at("V3").state, "depot"), "North") << "the transfer happened on 03-03";
  EXPECT_EQ(f.aggregates.at("V2").version, 3u) << "the highest included version";
  EXPECT_EQ(f.aggregates.at("V2").event_count, 3u);
  EXPECT_EQ(f.aggregates.at("V3").event_count, 1u);
  EXPECT_EQ(f.aggregate_type, "vehicle");
  EXPECT_EQ(f.head, store_->head_position().value());
}

TEST_F(FleetAtTest, BackdatedEventsAreFoldedInBusinessTimeOrder) {
  // Position order would end V2 on standby; business time puts standby before the maintenance.
  EXPECT_EQ(status_of(fleet({.occurred = at("2026-03-05T00:00:00Z")}), "V2"), "under_maintenance");
  EXPECT_EQ(status_of(fleet({.occurred = at("2026-03-02T00:00:00Z")}), "V2"), "standby");
  EXPECT_EQ(status_of(fleet({}), "V2"), "standby") << "the current state follows recording order";
}

TEST_F(FleetAtTest, BeforeAnyEventTheFleetIsEmpty) {
  EXPECT_TRUE(fleet({.occurred = at("2026-02-01T00:00:00Z")}).aggregates.empty());
}

TEST_F(FleetAtTest, AsKnownAtRecordedTimeIgnoresLaterRecords) {
  auto f = fleet({.recorded = before_correction_});
  ASSERT_EQ(f.aggregates.size(), 3u);
  EXPECT_EQ(status_of(f, "V1"), "in_service");
  EXPECT_EQ(f.head, store_->head_position().value() - 2) << "the pass stops before the corrections";
  auto both = fleet({.occurred = at("2026-03-02T12:00:00Z"), .recorded = before_correction_});
  EXPECT_EQ(status_of(both, "V1"), "in_service");
  EXPECT_EQ(status_of(both, "V2"), "under_maintenance");
}

TEST_F(FleetAtTest, EveryEntryEqualsStateAtForTheSamePoint) {
  const std::vector<rh::AsOf> points = {{},
                                        {.occurred = at("2026-03-01T10:00:00Z")},
                                        {.occurred = at("2026-03-01T13:00:00Z")},
                                        {.occurred = at("2026-03-05T00:00:00Z")},
                                        {.recorded = before_correction_},
                                        {.occurred = at("2026-03-05T00:00:00Z"), .recorded = before_correction_}};
  for (const auto& p : points) {
    auto f = fleet(p);
    for (const char* id : {"V1", "V2", "V3"}) {
      auto s = rh::state_at(store_, registry_, "vehicle", id, p).value();
      ASSERT_TRUE(f.aggregates.count(id)) << id;
      EXPECT_EQ(f.aggregates.at(id).state, s.state) << id;
      EXPECT_EQ(f.aggregates.at(id).version, s.version) << id;
      EXPECT_EQ(f.aggregates.at(id).event_count, s.event_count) << id;
    }
  }
}

TEST_F(FleetAtTest, FilterKeepsMatchingAggregates) {
  auto f = fleet({.occurred = at("2026-03-04T00:00:00Z")},
                 [](const std::string&, const json::object& state) { return str(state, "depot") == "North"; });
  EXPECT_EQ(f.aggregates.size(), 2u);
  EXPECT_FALSE(f.aggregates.count("V3"));
  auto j = rh::to_json(f);
  EXPECT_EQ(j.at("count").to_number<int>(), 2);
  EXPECT_EQ(j.at("aggregates").at("V1").at("state").at("depot").as_string(), "North");
}

TEST_F(FleetAtTest, TenantSeesOnlyItsFleet) {
  vehicle("A1", {"Registered", {{"status", "standby"}}, at("2026-03-01T08:00:00Z")}, "acme");
  auto acme = rh::fleet_at(store_, registry_, "vehicle", {}, std::string("acme"));
  ASSERT_TRUE(acme.ok());
  ASSERT_EQ(acme->aggregates.size(), 1u);
  EXPECT_EQ(status_of(*acme, "A1"), "standby");
  EXPECT_EQ(fleet({}).aggregates.size(), 4u) << "without a tenant every aggregate is visible";
}

TEST_F(FleetAtTest, UnknownTypeIsNotFound) {
  auto r = rh::fleet_at(store_, registry_, "locomotive", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::not_found);
  EXPECT_NE(r.error().message.find("registered: vehicle, workorder"), std::string::npos) << r.error().message;
}

TEST_F(FleetAtTest, RecordedPositionIsFoundByTime) {
  const auto head = store_->head_position().value();
  EXPECT_EQ(rh::position_as_of_recorded(*store_, before_correction_).value(), head - 2);
  EXPECT_EQ(rh::position_as_of_recorded(*store_, last_recorded_).value(), head);
  EXPECT_EQ(rh::position_as_of_recorded(*store_, 0).value(), 0u);
}

}  // namespace
