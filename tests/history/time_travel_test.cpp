// Time travel for one aggregate: state_at by occurred time, recorded time and both (including a
// back-dated correction on which the two disagree), compare, diff_json, history descriptions,
// upcasting on read, snapshots as a cache, and clear errors for bad input.
#include "history_test_support.hpp"

namespace {

using namespace history_test;

// V1's story: registered 03-01, under maintenance 03-02 14:05 (j.smith), back in service 03-04;
// then, recorded last, a correction back-dated to 03-03 10:00: it was out of service.
class BackdatedCorrection : public HistoryTest {
 protected:
  void SetUp() override {
    HistoryTest::SetUp();
    registered_ = vehicle("V1", {"Registered", {{"status", "in_service"}, {"depot", "North"}, {"km", 100}},
                                 at("2026-03-01T08:00:00Z"), "admin"});
    next_recorded_tick();
    maintenance_ = vehicle("V1", {"StatusChanged", {{"status", "under_maintenance"}}, at("2026-03-02T14:05:00Z"),
                                  "j.smith"});
    next_recorded_tick();
    back_ = vehicle("V1", {"StatusChanged", {{"status", "in_service"}}, at("2026-03-04T09:00:00Z"), "j.smith"});
    next_recorded_tick();
    correction_ = vehicle("V1", {"StatusChanged", {{"status", "out_of_service"}}, at("2026-03-03T10:00:00Z"),
                                 "auditor"});
  }

  rh::AggregateSnapshotAt state(const rh::AsOf& as_of) {
    auto r = rh::state_at(store_, registry_, "vehicle", "V1", as_of);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : rh::AggregateSnapshotAt{};
  }

  rh::RecordedEvent registered_, maintenance_, back_, correction_;
};

TEST_F(BackdatedCorrection, RecordedTimesFollowAppendOrder) {
  EXPECT_LT(registered_.recorded_at, maintenance_.recorded_at);
  EXPECT_LT(back_.recorded_at, correction_.recorded_at);
  EXPECT_EQ(correction_.version, 4u);
}

TEST_F(BackdatedCorrection, AsOfOccurredSeesTheCorrectionWhereItHappened) {
  auto s = state({.occurred = at("2026-03-03T12:00:00Z")});
  EXPECT_EQ(str(s.state, "status"), "out_of_service");
  EXPECT_EQ(s.version, 4u) << "the highest included version";
  EXPECT_EQ(s.event_count, 3u) << "registered, maintenance, correction; not the 03-04 return";
  EXPECT_TRUE(s.existed());
}

TEST_F(BackdatedCorrection, AsKnownAtRecordedBeforeTheCorrectionDoesNotSeeIt) {
  // Same business time, but as the log stood before the correction was recorded.
  auto s = state({.occurred = at("2026-03-03T12:00:00Z"), .recorded = back_.recorded_at});
  EXPECT_EQ(str(s.state, "status"), "under_maintenance");
  EXPECT_EQ(s.version, 2u);
  EXPECT_EQ(s.event_count, 2u);

  // Only a recorded bound: the state a reader saw then, in version order.
  auto known = state({.recorded = back_.recorded_at});
  EXPECT_EQ(str(known.state, "status"), "in_service");
  EXPECT_EQ(known.version, 3u);
  // And once the correction is recorded, the recorded-only view follows recording order.
  EXPECT_EQ(str(state({.recorded = correction_.recorded_at}).state, "status"), "out_of_service");
}

TEST_F(BackdatedCorrection, BusinessTimeOrderDecidesAfterAllEvents) {
  // As of 03-05 in business time the 03-04 return to service is the latest fact, although the
  // correction was recorded after it; the current state (version order) ends with the correction.
  EXPECT_EQ(str(state({.occurred = at("2026-03-05T00:00:00Z")}).state, "status"), "in_service");
  EXPECT_EQ(str(state({}).state, "status"), "out_of_service");
}

TEST_F(BackdatedCorrection, BeforeTheFirstEventTheAggregateDidNotExist) {
  auto s = state({.occurred = at("2026-02-01T00:00:00Z")});
  EXPECT_FALSE(s.existed());
  EXPECT_EQ(s.version, 0u);
  EXPECT_TRUE(s.state.empty());
  auto r = state({.recorded = registered_.recorded_at - 1});
  EXPECT_FALSE(r.existed());
}

TEST_F(BackdatedCorrection, AsOfIsEchoedAndSerialized) {
  rh::AsOf as_of{.occurred = at("2026-03-03T12:00:00Z")};
  auto s = state(as_of);
  EXPECT_EQ(s.as_of.occurred, as_of.occurred);
  auto j = rh::to_json(s);
  EXPECT_EQ(j.at("as_of").at("occurred").as_string(), "2026-03-03T12:00:00.000000Z");
  EXPECT_TRUE(j.at("as_of").at("recorded").is_null());
  EXPECT_EQ(j.at("stream").at("id").as_string(), "V1");
  EXPECT_EQ(j.at("state").at("status").as_string(), "out_of_service");
}

TEST_F(BackdatedCorrection, CompareGivesFieldLevelDiff) {
  auto c = rh::compare(store_, registry_, "vehicle", "V1", {.occurred = at("2026-03-01T12:00:00Z")},
                       {.occurred = at("2026-03-02T15:00:00Z")});
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->changes.size(), 1u);
  EXPECT_EQ(c->changes[0].path, "/status");
  EXPECT_EQ(c->changes[0].kind, rh::ChangeKind::changed);
  EXPECT_EQ(c->changes[0].before, json::value("in_service"));
  EXPECT_EQ(c->changes[0].after, json::value("under_maintenance"));
  EXPECT_EQ(c->before.version, 1u);
  EXPECT_EQ(c->after.version, 2u);
  auto j = rh::to_json(*c);
  EXPECT_EQ(j.at("changes").as_array().at(0).at("kind").as_string(), "changed");
}

TEST_F(BackdatedCorrection, CompareOccurredAndRecordedViewsOfTheSameMoment) {
  const rh::Timestamp t = at("2026-03-03T12:00:00Z");
  auto c = rh::compare(store_, registry_, "vehicle", "V1", {.occurred = t, .recorded = back_.recorded_at},
                       {.occurred = t});
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->changes.size(), 1u);
  EXPECT_EQ(c->changes[0].before, json::value("under_maintenance"));
  EXPECT_EQ(c->changes[0].after, json::value("out_of_service"));
}

TEST_F(BackdatedCorrection, CompareFromBeforeCreationListsAddedFields) {
  auto c = rh::compare(store_, registry_, "vehicle", "V1", {.occurred = at("2026-01-01T00:00:00Z")},
                       {.occurred = at("2026-03-01T09:00:00Z")});
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->changes.size(), 3u);
  for (const auto& ch : c->changes) {
    EXPECT_EQ(ch.kind, rh::ChangeKind::added);
    EXPECT_TRUE(ch.before.is_null());
  }
  EXPECT_EQ(c->changes[2].path, "/km");
}

TEST_F(BackdatedCorrection, HistoryDescribesEachChangeWithActorAndTime) {
  auto h = rh::history(store_, registry_, "vehicle", "V1", {.order = rh::HistoryOrder::oldest_first});
  ASSERT_TRUE(h.ok()) << h.error().message;
  ASSERT_EQ(h->size(), 4u);
  const auto& m = (*h)[1];
  EXPECT_EQ(m.version, 2u);
  EXPECT_EQ(m.position, maintenance_.position);
  EXPECT_EQ(m.type, "StatusChanged");
  EXPECT_EQ(m.actor, "j.smith");
  EXPECT_EQ(m.occurred_at, maintenance_.occurred_at);
  EXPECT_EQ(m.recorded_at, maintenance_.recorded_at);
  EXPECT_EQ(m.summary, "status: in_service -> under_maintenance");
  EXPECT_EQ(m.description, "status: in_service -> under_maintenance by j.smith, 2026-03-02 14:05");
  ASSERT_EQ(m.changes.size(), 1u);
  EXPECT_EQ(m.changes[0].path, "/status");
  // The creation event lists every field it set.
  EXPECT_EQ((*h)[0].description,
            "status: (none) -> in_service; depot: (none) -> North; km: (none) -> 100 by admin, 2026-03-01 08:00");
  // The correction is diffed against the state just before it in recording order.
  EXPECT_EQ((*h)[3].summary, "status: in_service -> out_of_service");
  EXPECT_EQ(rh::to_json(m).at("description").as_string(), m.description);
}

TEST_F(BackdatedCorrection, HistoryNewestFirstAndLimited) {
  auto newest = rh::history(store_, registry_, "vehicle", "V1", {.max_entries = 2});
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->size(), 2u);
  EXPECT_EQ((*newest)[0].version, 4u);
  EXPECT_EQ((*newest)[1].version, 3u);
  EXPECT_EQ((*newest)[0].summary, "status: in_service -> out_of_service");

  auto oldest = rh::history(store_, registry_, "vehicle", "V1",
                            {.max_entries = 2, .order = rh::HistoryOrder::oldest_first});
  ASSERT_TRUE(oldest.ok());
  ASSERT_EQ(oldest->size(), 2u);
  EXPECT_EQ((*oldest)[0].version, 1u);
  EXPECT_EQ((*oldest)[1].version, 2u);

  auto all = rh::history(store_, registry_, "vehicle", "V1", {.max_entries = 100});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 4u);
}

// ---- describe(), nested fields, removals, no-change events ----

TEST_F(HistoryTest, HistoryUsesTheAggregatesDescribeWhenSet) {
  append("workorder", "WO-1", {"Opened", {{"priority", "high"}}, at("2026-03-02T07:30:00Z"), "planner"});
  append("workorder", "WO-1", {"Started", {{"state", "running"}}, at("2026-03-02T09:00:00Z")});
  auto h = rh::history(store_, registry_, "workorder", "WO-1", {.order = rh::HistoryOrder::oldest_first});
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].description, "work order WO-1: Opened by planner, 2026-03-02 07:30");
  EXPECT_EQ((*h)[1].description, "work order WO-1: Started, 2026-03-02 09:00") << "no actor, no 'by'";
  EXPECT_EQ((*h)[1].changes.size(), 1u) << "changes are computed even when describe() is set";
}

TEST_F(HistoryTest, HistoryOfNestedRemovedAndUnchangedFields) {
  vehicle("V2", {"Registered", {{"location", json::object{{"yard", "A"}, {"track", 3}}}, {"note", "new"}},
                 at("2026-03-01T08:00:00Z"), "admin"});
  vehicle("V2", {"Transferred", {{"location", json::object{{"yard", "B"}, {"track", 3}}}}, at("2026-03-01T09:00:00Z"),
                 "ops"});
  vehicle("V2", {"NoteCleared", {}, at("2026-03-01T10:00:00Z"), "ops"});
  vehicle("V2", {"Transferred", {{"location", json::object{{"yard", "B"}, {"track", 3}}}}, at("2026-03-01T11:00:00Z"),
                 "ops"});
  auto h = rh::history(store_, registry_, "vehicle", "V2", {.order = rh::HistoryOrder::oldest_first});
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 4u);
  EXPECT_EQ((*h)[1].summary, "location.yard: A -> B");
  EXPECT_EQ((*h)[1].changes[0].path, "/location/yard");
  EXPECT_EQ((*h)[2].summary, "note: new -> (none)");
  EXPECT_EQ((*h)[2].changes[0].kind, rh::ChangeKind::removed);
  EXPECT_EQ((*h)[3].summary, "Transferred (no field changed)");
  EXPECT_EQ((*h)[3].description, "Transferred (no field changed) by ops, 2026-03-01 11:00");
}

// ---- diff_json ----

TEST(DiffJson, RecursesObjectsAndComparesArraysWhole) {
  auto before = json::parse(R"({"a":1,"b":{"c":"x","d":[1,2]},"gone":true,"same":[1,2]})").as_object();
  auto after = json::parse(R"({"a":2,"b":{"c":"x","d":[1,3]},"same":[1,2],"new":null})").as_object();
  auto d = rh::diff_json(before, after);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0].path, "/a");
  EXPECT_EQ(d[0].kind, rh::ChangeKind::changed);
  EXPECT_EQ(d[1].path, "/b/d");
  EXPECT_EQ(d[1].before, json::parse("[1,2]"));
  EXPECT_EQ(d[1].after, json::parse("[1,3]"));
  EXPECT_EQ(d[2].path, "/gone");
  EXPECT_EQ(d[2].kind, rh::ChangeKind::removed);
  EXPECT_EQ(d[3].path, "/new");
  EXPECT_EQ(d[3].kind, rh::ChangeKind::added);
  EXPECT_EQ(rh::to_json(d).size(), 4u);
}

TEST(DiffJson, EscapesPointerTokensAndTreatsEqualNumbersAsEqual) {
  auto before = json::parse(R"({"a/b":1,"t~":1,"n":2,"u":3})").as_object();
  auto after = json::parse(R"({"a/b":2,"t~":2,"n":2.0,"u":3})").as_object();
  after["u"] = std::uint64_t{3};
  auto d = rh::diff_json(before, after);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].path, "/a~1b");
  EXPECT_EQ(d[1].path, "/t~0");
}

TEST(DiffJson, ObjectReplacedByScalarIsOneChange) {
  auto d = rh::diff_json(json::parse(R"({"x":{"y":1}})").as_object(), json::parse(R"({"x":5})").as_object());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "/x");
  EXPECT_EQ(d[0].kind, rh::ChangeKind::changed);
  EXPECT_TRUE(rh::diff_json({}, {}).empty());
}

TEST(SummarizeChanges, ShortensLongValuesAndCapsFieldCount) {
  std::vector<rh::FieldChange> many;
  for (int i = 0; i < 10; ++i)
    many.push_back({"/f" + std::to_string(i), i, i + 1, rh::ChangeKind::changed});
  auto s = rh::summarize_changes("E", many);
  EXPECT_NE(s.find("f0: 0 -> 1; "), std::string::npos);
  EXPECT_NE(s.find("; +2 more"), std::string::npos);
  EXPECT_EQ(s.find("f8"), std::string::npos);

  auto long_text = std::string(200, 'x');
  auto one = rh::summarize_changes("E", {{"/note", nullptr, json::value(long_text), rh::ChangeKind::added}});
  EXPECT_LT(one.size(), 80u);
  EXPECT_NE(one.find("..."), std::string::npos);
}

// ---- upcasting, snapshots, tenants ----

TEST_F(HistoryTest, StateAtUpcastsOldPayloadsBeforeApplying) {
  ASSERT_TRUE(registry_
                  .add_upcaster("test", {"MeterRead", 1,
                                         [](const json::value& p) -> rh::Result<json::value> {
                                           return json::value(json::object{
                                               {"km", p.at("miles").to_number<double>() * 1.5}});
                                         }})
                  .ok());
  vehicle("V3", {"Registered", {{"status", "in_service"}}, at("2026-03-01T08:00:00Z")});
  vehicle("V3", {"MeterRead", {{"miles", 10}}, at("2026-03-01T09:00:00Z")});  // stored as v1
  auto s = rh::state_at(store_, registry_, "vehicle", "V3", {.occurred = at("2026-03-01T09:30:00Z")});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_DOUBLE_EQ(s->state.at("km").to_number<double>(), 15.0);
  EXPECT_FALSE(s->state.contains("miles"));
  vehicle("V3", {"MeterRead", {{"km", 20}}, at("2026-03-01T10:00:00Z"), "", "", "", {{"schema_version", 2}}});
  auto now = rh::state_at(store_, registry_, "vehicle", "V3", {});
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->state.at("km").to_number<double>(), 20.0);
}

TEST_F(HistoryTest, SnapshotsAreACacheForRecordedViews) {
  // A snapshot at version 4, then two more events: views at R before, at and after it.
  rh::AggregateRepository repo(store_, registry_, vehicle_type(), 2);
  std::vector<rh::RecordedEvent> events;
  for (int i = 1; i <= 6; ++i) {
    next_recorded_tick();
    events.push_back(vehicle("V4", {"MeterRead", {{"km", i * 100}}, at("2026-03-01T08:00:00Z") + i}));
    if (i == 4) ASSERT_TRUE(repo.maybe_snapshot("V4", repo.load("V4").value()).ok());
  }
  ASSERT_EQ(store_->state_store()->load("snapshot:vehicle", "V4").value()->position, 4u);

  auto answers = [&] {
    std::vector<std::string> out;
    for (const auto& e : events) {
      auto s = rh::state_at(store_, registry_, "vehicle", "V4", {.recorded = e.recorded_at});
      EXPECT_TRUE(s.ok());
      out.push_back(json::serialize(s->state) + "@" + std::to_string(s->version) + "#" + std::to_string(s->event_count));
    }
    out.push_back(json::serialize(rh::state_at(store_, registry_, "vehicle", "V4", {})->state));
    return out;
  };
  auto with_snapshot = answers();
  ASSERT_TRUE(repo.delete_snapshots().ok());
  EXPECT_EQ(answers(), with_snapshot);
  EXPECT_EQ(with_snapshot[2], R"({"km":300}@3#3)");
  EXPECT_EQ(with_snapshot[4], R"({"km":500}@5#5)");
}

TEST_F(HistoryTest, TenantSeesOnlyItsOwnAggregates) {
  vehicle("V5", {"Registered", {{"status", "in_service"}}, at("2026-03-01T08:00:00Z")}, "acme");
  EXPECT_TRUE(rh::state_at(store_, registry_, "vehicle", "V5", {}, std::string("acme")).ok());
  auto other = rh::state_at(store_, registry_, "vehicle", "V5", {}, std::string("globex"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, rh::ErrorCode::not_found);
  auto h = rh::history(store_, registry_, "vehicle", "V5", {.tenant = "globex"});
  EXPECT_EQ(h.error().code, rh::ErrorCode::not_found);
}

// ---- bad input ----

TEST_F(HistoryTest, UnknownAggregateTypeListsRegisteredTypes) {
  auto r = rh::state_at(store_, registry_, "locomotive", "V1", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::not_found);
  EXPECT_NE(r.error().message.find("'locomotive'"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("vehicle, workorder"), std::string::npos) << r.error().message;
  EXPECT_EQ(rh::history(store_, registry_, "locomotive", "V1").error().code, rh::ErrorCode::not_found);
  EXPECT_EQ(rh::compare(store_, registry_, "locomotive", "V1", {}, {}).error().code, rh::ErrorCode::not_found);
}

TEST_F(HistoryTest, UnknownStreamIsNotFoundAndEmptyIdInvalid) {
  auto r = rh::state_at(store_, registry_, "vehicle", "NOPE", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::not_found);
  EXPECT_NE(r.error().message.find("vehicle/NOPE"), std::string::npos) << r.error().message;
  EXPECT_EQ(rh::history(store_, registry_, "vehicle", "NOPE").error().code, rh::ErrorCode::not_found);
  EXPECT_EQ(rh::state_at(store_, registry_, "vehicle", "", {}).error().code, rh::ErrorCode::invalid_argument);
  EXPECT_EQ(rh::state_at(nullptr, registry_, "vehicle", "V1", {}).error().code, rh::ErrorCode::invalid_argument);
}

TEST_F(HistoryTest, AnEventTheAggregateRefusesIsReportedWithItsVersion) {
  vehicle("V6", {"Registered", {{"status", "in_service"}}, at("2026-03-01T08:00:00Z")});
  vehicle("V6", {"Poison", {}, at("2026-03-01T09:00:00Z")});
  auto r = rh::state_at(store_, registry_, "vehicle", "V6", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, rh::ErrorCode::corrupted);
  EXPECT_NE(r.error().message.find("vehicle/V6 version 2 (Poison)"), std::string::npos) << r.error().message;
  // Before the poison, the aggregate still time-travels fine.
  EXPECT_TRUE(rh::state_at(store_, registry_, "vehicle", "V6", {.occurred = at("2026-03-01T08:30:00Z")}).ok());
}

}  // namespace
