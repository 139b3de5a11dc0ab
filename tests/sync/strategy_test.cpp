// Conflict strategies on their own: what each one keeps, replaces or refuses; the strategy table
// (defaults, configuration, bad configuration); the plugin settings; the scope filter's context.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "engine/scope_filter.hpp"
#include "engine/settle.hpp"
#include "engine/strategy_table.hpp"
#include "engine/sync_config.hpp"

namespace rs = roundhouse::sync;
namespace json = boost::json;
using rs::Settlement;
using rs::Strategy;

namespace {

// The server's value (written at t=100 by the server) and a pushed device value at t=50 (its clock
// was behind) that did not see it.
std::vector<rs::ConflictCandidate> server_vs_device() {
  return {{rs::Value{std::string("cancelled")}, {100, 0, 1}, {1, 4}, "server", false},
          {rs::Value{std::string("completed")}, {50, 0, 3}, {3, 2}, "tablet-b", true}};
}

}  // namespace

TEST(Settle, EachStrategyKeepsReplacesOrRefuses) {
  const auto cs = server_vs_device();
  EXPECT_EQ(rs::settle(Strategy::manual, cs, nullptr, "k").kind, Settlement::Kind::keep);
  EXPECT_EQ(rs::settle(Strategy::additive, cs, nullptr, "k").kind, Settlement::Kind::keep);

  auto ts = rs::settle(Strategy::timestamp, cs, nullptr, "k");
  EXPECT_EQ(ts.kind, Settlement::Kind::replace);
  EXPECT_EQ(ts.value, rs::Value{std::string("cancelled")});  // greatest HLC
  EXPECT_FALSE(ts.from_incoming);

  auto server = rs::settle(Strategy::server_wins, cs, nullptr, "k");
  EXPECT_EQ(server.value, rs::Value{std::string("cancelled")});
  auto client = rs::settle(Strategy::client_wins, cs, nullptr, "k");
  EXPECT_EQ(client.kind, Settlement::Kind::replace);
  EXPECT_EQ(client.value, rs::Value{std::string("completed")});
  EXPECT_TRUE(client.from_incoming);

  auto version = rs::settle(Strategy::version, cs, nullptr, "work_order/WO-1/status");
  EXPECT_EQ(version.kind, Settlement::Kind::refuse);
  EXPECT_EQ(version.value, rs::Value{std::string("cancelled")});
  EXPECT_NE(version.reason.find("stale"), std::string::npos) << version.reason;
  EXPECT_NE(version.reason.find("\"cancelled\""), std::string::npos) << version.reason;
}

TEST(Settle, TimestampPicksTheIncomingValueWhenItIsLater) {
  auto cs = server_vs_device();
  cs[1].ts = {200, 0, 3};
  auto s = rs::settle(Strategy::timestamp, cs, nullptr, "k");
  EXPECT_EQ(s.value, rs::Value{std::string("completed")});
  EXPECT_TRUE(s.from_incoming);
}

TEST(Settle, ServerWinsPrefersTheServersOwnWriteOverAnotherDevicesEarlierOne) {
  std::vector<rs::ConflictCandidate> cs = {
      {rs::Value{std::int64_t{1}}, {300, 0, 2}, {2, 1}, "tablet-a", false},
      {rs::Value{std::int64_t{2}}, {100, 0, 1}, {1, 1}, "server", false},
      {rs::Value{std::int64_t{3}}, {400, 0, 3}, {3, 1}, "tablet-b", true}};
  EXPECT_EQ(rs::settle(Strategy::server_wins, cs, nullptr, "k").value, rs::Value{std::int64_t{2}});
}

TEST(Settle, CustomMergeDecidesOrRefusesAndFailuresKeepTheConflict) {
  const auto cs = server_vs_device();
  rs::CustomMerge longest = [](const std::string&, const std::vector<rs::ConflictCandidate>& c)
      -> roundhouse::Result<rs::MergeDecision> {
    std::string best;
    for (const auto& x : c) best = std::max(best, std::get<std::string>(x.value));
    return rs::MergeDecision{rs::Value{best}, {}};
  };
  auto s = rs::settle(Strategy::custom, cs, &longest, "k", "longest");
  EXPECT_EQ(s.kind, Settlement::Kind::replace);
  EXPECT_EQ(s.value, rs::Value{std::string("completed")});
  EXPECT_TRUE(s.from_incoming);

  rs::CustomMerge refuse = [](const std::string&, const std::vector<rs::ConflictCandidate>&)
      -> roundhouse::Result<rs::MergeDecision> { return rs::MergeDecision{std::nullopt, "no"}; };
  auto r = rs::settle(Strategy::custom, cs, &refuse, "k", "refuse");
  EXPECT_EQ(r.kind, Settlement::Kind::refuse);
  EXPECT_EQ(r.reason, "no");

  rs::CustomMerge broken = [](const std::string&, const std::vector<rs::ConflictCandidate>&)
      -> roundhouse::Result<rs::MergeDecision> { throw std::runtime_error("boom"); };
  auto b = rs::settle(Strategy::custom, cs, &broken, "k", "broken");
  EXPECT_EQ(b.kind, Settlement::Kind::keep);
  EXPECT_NE(b.reason.find("boom"), std::string::npos);
  auto missing = rs::settle(Strategy::custom, cs, nullptr, "k", "nope");
  EXPECT_EQ(missing.kind, Settlement::Kind::keep);
  EXPECT_NE(missing.reason.find("nope"), std::string::npos);
}

TEST(StrategyTable, DefaultsForTheFleetFields) {
  rs::StrategyTable t;
  EXPECT_EQ(t.rule_for("work_order/WO-1/status").text(), "version");
  EXPECT_EQ(t.rule_for("work_order/WO-1/notes").text(), "timestamp");
  EXPECT_EQ(t.rule_for("work_order/WO-1/labour+3.17").text(), "additive");
  EXPECT_EQ(t.rule_for("work_order/WO-1/parts.P-100+3.18").text(), "additive");
  EXPECT_EQ(t.rule_for("work_order/WO-1/description").text(), "manual");
  EXPECT_EQ(t.rule_for("vehicle/EMU-1/depot").text(), "server_wins");
  EXPECT_EQ(t.rule_for("part/P-1/unit_cost").text(), "server_wins");
  EXPECT_EQ(t.rule_for("checklist/C-1/item").text(), "manual");
}

TEST(StrategyTable, ConfigurationOverridesPerTypeAndFieldAndRefusesUnknownNames) {
  auto t = rs::StrategyTable::from_json(
      json::parse(R"({"default": "timestamp", "work_order": {"status": "client_wins", "*": "server_wins"},
                      "checklist": {"item": "custom:longest"}})").as_object());
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->rule_for("work_order/WO-1/status").text(), "client_wins");
  EXPECT_EQ(t->rule_for("work_order/WO-1/notes").text(), "timestamp");  // the built-in field default stays
  EXPECT_EQ(t->rule_for("work_order/WO-1/other").text(), "server_wins");
  EXPECT_EQ(t->rule_for("checklist/C/item").strategy, Strategy::custom);
  EXPECT_EQ(t->rule_for("checklist/C/item").custom, "longest");
  EXPECT_EQ(t->rule_for("anything/x/y").text(), "timestamp");
  for (const char* bad : {R"({"default": "newest"})", R"({"vehicle": "version"})", R"({"vehicle": {"status": 3}})",
                          R"({"vehicle": {"status": "custom:"}})", R"({"vehicle": {"status": "custom"}})"}) {
    auto r = rs::StrategyTable::from_json(json::parse(bad).as_object());
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, roundhouse::ErrorCode::invalid_argument);
    EXPECT_NE(r.error().message.find("sync: conflicts."), std::string::npos) << r.error().message;
  }
}

TEST(SyncConfig, RolesScopeAndBadSettings) {
  rs::SyncConfig d;
  EXPECT_TRUE(d.permits("technician", "work_order/labour"));
  EXPECT_FALSE(d.permits("technician", "vehicle/retire"));
  EXPECT_FALSE(d.permits("technician", "part/unit_cost"));
  EXPECT_TRUE(d.permits("supervisor", "vehicle/retire"));
  EXPECT_FALSE(d.permits("nobody", "work_order/notes"));
  auto c = rs::SyncConfig::from_json(
      json::parse(R"({"scope": "all", "bridge": false, "roles": {"auditor": ["checklist/*"]}})").as_object());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->depot_scope);
  EXPECT_FALSE(c->bridge);
  EXPECT_TRUE(c->permits("auditor", "checklist/anything"));
  EXPECT_FALSE(c->permits("auditor", "work_order/notes"));
  for (const char* bad : {R"({"scope": "region"})", R"({"colour": 1})", R"({"roles": {"x": "all"}})",
                          R"({"conflicts_file": "/nonexistent/x.json"})", R"({"mirror": ["boats"]})",
                          R"({"mirror": true})", R"({"caller_role": "janitor"})"}) {
    auto r = rs::SyncConfig::from_json(json::parse(bad).as_object());
    EXPECT_FALSE(r.ok()) << bad;
  }
}

TEST(SyncConfig, TheCallersRolesAndTheMirroredTypes) {
  rs::SyncConfig d;
  EXPECT_EQ(d.mirror, (std::set<std::string>{"vehicle", "work_order"}));
  EXPECT_FALSE(d.caller_permits({"writer"}, "vehicle/retire"));            // no sync role named: technician
  EXPECT_TRUE(d.caller_permits({"writer"}, "work_order/status"));
  EXPECT_TRUE(d.caller_permits({"writer", "supervisor"}, "vehicle/retire"));
  EXPECT_TRUE(d.caller_permits({"admin"}, "vehicle/retire"));
  EXPECT_EQ(d.caller_role_text({"writer", "supervisor"}), "supervisor");
  auto c = rs::SyncConfig::from_json(json::parse(R"({"mirror": false, "caller_role": ""})").as_object());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->mirror.empty());
  EXPECT_TRUE(c->caller_permits({"writer"}, "vehicle/retire"));  // only the device's role limits
  c = rs::SyncConfig::from_json(json::parse(R"({"mirror": ["part", "vehicle"], "caller_role": "supervisor"})").as_object());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->mirror, (std::set<std::string>{"part", "vehicle"}));
  EXPECT_TRUE(c->caller_permits({"writer"}, "vehicle/retire"));
  EXPECT_EQ(c->to_json().at("mirror").as_array().size(), 2u);
}

TEST(ScopeFilter, LeavesOutKeysAndTheirDotsButKeepsTheRest) {
  rs::ChangeSet s;
  s.set(2, "vehicle/A/status", {rs::Value{std::string("x")}, {1, 0, 2}});   // dot (2,1)
  s.set(2, "vehicle/B/status", {rs::Value{std::string("y")}, {2, 0, 2}});   // dot (2,2)
  s.set(2, "vehicle/A/notes", {rs::Value{std::string("z")}, {3, 0, 2}});    // dot (2,3)
  s.set(3, "vehicle/B/notes", {rs::Value{std::string("w")}, {4, 0, 3}});    // dot (3,1)
  auto f = rs::without_keys(s, {"vehicle/B/status", "vehicle/B/notes"});
  EXPECT_EQ(f.size(), 2u);
  EXPECT_TRUE(f.context().contains({2, 1}));
  EXPECT_FALSE(f.context().contains({2, 2}));
  EXPECT_TRUE(f.context().contains({2, 3}));
  EXPECT_FALSE(f.context().contains({3, 1}));
  // A replica that later receives the left-out keys takes them (its context never claimed them).
  rs::ChangeSet device = f;
  device.join(s);
  EXPECT_EQ(device, s);
  EXPECT_EQ(rs::without_keys(s, {}), s);
}
