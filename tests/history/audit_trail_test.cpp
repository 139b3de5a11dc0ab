// Audit trail: every filter, paging with a cursor, JSON and RFC 4180 CSV export, replay of a
// recorded-time window into a fresh projection, and clear errors for bad input.
#include "history_test_support.hpp"

namespace {

using namespace history_test;

class AuditTrailTest : public HistoryTest {
 protected:
  // Three commits with distinct recorded times:
  //   1: vehicle/V1 Registered (j.smith, tablet-7, corr c-1)   2: vehicle/V1 StatusChanged (j.smith)
  //   3: workorder/WO-1 Opened (planner, tenant acme)          (commit 2: positions 2 and 3)
  //   4: vehicle/V2 Registered (m.jones, occurred 02-01)       (commit 3)
  void SetUp() override {
    HistoryTest::SetUp();
    first_ = vehicle("V1", {"Registered", {{"status", "in_service"}}, at("2026-03-01T08:00:00Z"), "j.smith",
                            "tablet-7", "c-1"});
    next_recorded_tick();
    second_ = vehicle("V1", {"StatusChanged", {{"status", "standby"}}, at("2026-03-02T08:00:00Z"), "j.smith"});
    append("workorder", "WO-1", {"Opened", {{"priority", "high"}}, at("2026-03-02T09:00:00Z"), "planner"}, "acme");
    next_recorded_tick();
    last_ = vehicle("V2", {"Registered", {{"status", "in_service"}}, at("2026-02-01T08:00:00Z"), "m.jones"});
  }

  rh::AuditPage trail(const rh::AuditQuery& q) {
    auto r = rh::audit_trail(store_, q);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : rh::AuditPage{};
  }

  static std::vector<rh::Position> positions(const rh::AuditPage& p) {
    std::vector<rh::Position> out;
    for (const auto& e : p.entries) out.push_back(e.position);
    return out;
  }

  rh::RecordedEvent first_, second_, last_;
};

using Positions = std::vector<rh::Position>;

TEST_F(AuditTrailTest, UnfilteredTrailHasEveryEventWithItsMetadata) {
  auto p = trail({});
  EXPECT_EQ(positions(p), (Positions{1, 2, 3, 4}));
  EXPECT_FALSE(p.next_after.has_value());
  const auto& e = p.entries[0];
  EXPECT_EQ(e.stream, (rh::StreamId{"vehicle", "V1"}));
  EXPECT_EQ(e.version, 1u);
  EXPECT_EQ(e.event_id, first_.id);
  EXPECT_EQ(e.type, "Registered");
  EXPECT_EQ(e.actor, "j.smith");
  EXPECT_EQ(e.device, "tablet-7");
  EXPECT_EQ(e.correlation_id, "c-1");
  EXPECT_EQ(e.occurred_at, at("2026-03-01T08:00:00Z"));
  EXPECT_EQ(e.recorded_at, first_.recorded_at);
  EXPECT_EQ(p.entries[2].tenant, "acme");
}

TEST_F(AuditTrailTest, FiltersCombine) {
  EXPECT_EQ(positions(trail({.actor = "j.smith"})), (Positions{1, 2}));
  EXPECT_EQ(positions(trail({.actor = "j.smit"})), Positions{}) << "actor matches exactly";
  EXPECT_EQ(positions(trail({.aggregate_type = "workorder"})), (Positions{3}));
  EXPECT_EQ(positions(trail({.aggregate_type = "vehicle", .aggregate_id = "V2"})), (Positions{4}));
  EXPECT_EQ(positions(trail({.aggregate_id = "V1"})), (Positions{1, 2}));
  EXPECT_EQ(positions(trail({.event_types = {"Registered", "Opened"}})), (Positions{1, 3, 4}));
  EXPECT_EQ(positions(trail({.tenant = "acme"})), (Positions{3}));
  EXPECT_EQ(positions(trail({.correlation_id = "c-1"})), (Positions{1}));
  EXPECT_EQ(positions(trail({.actor = "j.smith", .event_types = {"StatusChanged"}})), (Positions{2}));
}

TEST_F(AuditTrailTest, RecordedWindowIsHalfOpen) {
  // [second, last): the second commit (positions 2 and 3), not the third.
  EXPECT_EQ(positions(trail({.recorded = {second_.recorded_at, last_.recorded_at}})), (Positions{2, 3}));
  EXPECT_EQ(positions(trail({.recorded = {.from = last_.recorded_at}})), (Positions{4}));
  EXPECT_EQ(positions(trail({.recorded = {.to = second_.recorded_at}})), (Positions{1}));
  EXPECT_EQ(positions(trail({.recorded = {second_.recorded_at, second_.recorded_at}})), Positions{})
      << "from == to is an empty window";
}

TEST_F(AuditTrailTest, OccurredWindowFiltersBusinessTime) {
  EXPECT_EQ(positions(trail({.occurred = {at("2026-03-01T00:00:00Z"), at("2026-03-02T08:00:00Z")}})), (Positions{1}));
  EXPECT_EQ(positions(trail({.occurred = {.to = at("2026-03-01T00:00:00Z")}})), (Positions{4}));
}

TEST_F(AuditTrailTest, PagingWalksTheTrailWithACursor) {
  for (int i = 0; i < 7; ++i) vehicle("V3", {"MeterRead", {{"km", i}}, 0, "j.smith"});
  const auto all = positions(trail({.actor = "j.smith"}));
  ASSERT_EQ(all.size(), 9u);
  Positions walked;
  rh::AuditQuery q{.actor = "j.smith", .limit = 4};
  int pages = 0;
  for (;;) {
    auto page = trail(q);
    ++pages;
    EXPECT_LE(page.entries.size(), 4u);
    for (auto p : positions(page)) walked.push_back(p);
    if (!page.next_after) break;
    EXPECT_EQ(*page.next_after, page.entries.back().position);
    q.after_position = *page.next_after;
  }
  EXPECT_EQ(walked, all);
  EXPECT_EQ(pages, 3);
  // A page that ends exactly at the last match has no cursor.
  auto exact = trail({.actor = "j.smith", .after_position = all[4], .limit = 4});
  EXPECT_EQ(exact.entries.size(), 4u);
  EXPECT_FALSE(exact.next_after.has_value());
}

TEST_F(AuditTrailTest, JsonExportNamesEveryField) {
  auto arr = rh::audit_to_json(trail({.aggregate_id = "V1"}).entries);
  ASSERT_EQ(arr.size(), 2u);
  const auto& o = arr[0].as_object();
  for (const auto& column : rh::audit_csv_columns()) EXPECT_TRUE(o.contains(column)) << column;
  EXPECT_EQ(o.at("stream_id").as_string(), "V1");
  EXPECT_EQ(o.at("occurred_at").as_string(), "2026-03-01T08:00:00.000000Z");
  EXPECT_EQ(o.at("device").as_string(), "tablet-7");
}

TEST_F(AuditTrailTest, CsvExportQuotesPerRfc4180) {
  vehicle("V9", {"Registered", {}, at("2026-03-01T08:00:00Z"), "Smith, \"JJ\"", "line1\nline2", "plain"});
  auto page = trail({.aggregate_id = "V9"});
  auto csv = rh::audit_to_csv(page.entries);
  const std::string header =
      "position,stream_type,stream_id,version,event_id,type,actor,tenant,occurred_at,recorded_at,device,"
      "correlation_id\r\n";
  ASSERT_EQ(csv.substr(0, header.size()), header);
  const auto& e = page.entries.at(0);
  const std::string row = std::to_string(e.position) + ",vehicle,V9,1," + e.event_id.to_string() +
                          ",Registered,\"Smith, \"\"JJ\"\"\",,2026-03-01T08:00:00.000000Z," +
                          rh::format_timestamp(e.recorded_at) + ",\"line1\nline2\",plain\r\n";
  EXPECT_EQ(csv.substr(header.size()), row);
  EXPECT_EQ(rh::audit_to_csv(page.entries, false), row) << "no header for follow-up pages";
  EXPECT_EQ(rh::audit_to_csv({}), header);
}

TEST(CsvField, QuotesOnlyWhatNeedsQuoting) {
  EXPECT_EQ(rh::csv_field("plain"), "plain");
  EXPECT_EQ(rh::csv_field(""), "");
  EXPECT_EQ(rh::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(rh::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(rh::csv_field("cr\rlf"), "\"cr\rlf\"");
}

TEST_F(AuditTrailTest, BadQueriesAreRefusedClearly) {
  auto reversed = rh::audit_trail(store_, {.recorded = {last_.recorded_at, first_.recorded_at}});
  ASSERT_FALSE(reversed.ok());
  EXPECT_EQ(reversed.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_NE(reversed.error().message.find("recorded window is reversed"), std::string::npos) << reversed.error().message;
  auto occurred = rh::audit_trail(store_, {.occurred = {at("2026-03-02T00:00:00Z"), at("2026-03-01T00:00:00Z")}});
  EXPECT_NE(occurred.error().message.find("occurred window"), std::string::npos);
  EXPECT_EQ(rh::audit_trail(store_, {.limit = 0}).error().code, rh::ErrorCode::invalid_argument);
  EXPECT_EQ(rh::audit_trail(store_, {.limit = rh::kMaxAuditPageSize + 1}).error().code, rh::ErrorCode::invalid_argument);
  EXPECT_EQ(rh::audit_trail(nullptr, {}).error().code, rh::ErrorCode::invalid_argument);
}

TEST_F(AuditTrailTest, EmptyStoreHasAnEmptyTrail) {
  auto empty = registry_.open_store("memory:").value();
  auto p = rh::audit_trail(empty, {.recorded = {.from = 0}});
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->entries.empty());
}

// ---- replay_window ----

// Counts the events per stream it sees; refuses "Poison".
class StreamCounter : public rh::Projection {
 public:
  explicit StreamCounter(std::vector<std::string> types = {}) : types_(std::move(types)) {}
  std::string name() const override { return "stream-counter"; }
  rh::EventFilter filter() const override { return {.aggregate_types = types_}; }
  rh::Status apply(const rh::RecordedEvent& e) override {
    if (e.type == "Poison") return {rh::ErrorCode::invalid_argument, "cannot digest poison"};
    counts_[rh::to_string(e.stream)] += 1;
    return {};
  }
  json::value save_state() const override {
    json::object o;
    for (const auto& [k, v] : counts_) o[k] = v;
    return o;
  }
  rh::Status restore_state(const json::value&) override { return {}; }
  rh::Result<json::value> query(const json::object&) const override { return save_state(); }

  std::map<std::string, int> counts_;

 private:
  std::vector<std::string> types_;
};

TEST_F(AuditTrailTest, ReplayWindowAppliesOnlyEventsRecordedInIt) {
  StreamCounter counter;
  auto n = rh::replay_window(store_, second_.recorded_at, last_.recorded_at, counter);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(counter.counts_, (std::map<std::string, int>{{"vehicle/V1", 1}, {"workorder/WO-1", 1}}));
}

TEST_F(AuditTrailTest, ReplayWindowRespectsTheProjectionFilter) {
  StreamCounter vehicles({"vehicle"});
  auto n = rh::replay_window(store_, 0, last_.recorded_at + 1, vehicles);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3u);
  EXPECT_EQ(vehicles.counts_.count("workorder/WO-1"), 0u);
}

TEST_F(AuditTrailTest, ReplayWindowStopsAtARefusedEvent) {
  next_recorded_tick();
  auto poison = vehicle("V1", {"Poison", {}});
  vehicle("V1", {"StatusChanged", {{"status", "standby"}}});
  StreamCounter counter;
  auto n = rh::replay_window(store_, last_.recorded_at, rh::now_micros() + 1'000'000, counter);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_NE(n.error().message.find("position " + std::to_string(poison.position)), std::string::npos)
      << n.error().message;
  EXPECT_EQ(counter.counts_["vehicle/V1"], 0) << "nothing after the refused event is applied";
  EXPECT_EQ(counter.counts_["vehicle/V2"], 1);
}

TEST_F(AuditTrailTest, ReplayWindowRefusesAReversedWindow) {
  StreamCounter counter;
  auto n = rh::replay_window(store_, last_.recorded_at, first_.recorded_at, counter);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_NE(n.error().message.find("replay window is reversed"), std::string::npos);
}

}  // namespace
