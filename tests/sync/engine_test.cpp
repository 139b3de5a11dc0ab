// The sync engine with the real fleet plugin on a memory: store: device operations become fleet
// commands (audited with the technician and the device), refused commands come back as permanent
// refusals and are compensated, strategies settle concurrent writes, roles and depots limit what a
// device may write and what it pulls.
#include "engine_fixture.hpp"

using namespace sync_test;

TEST_F(SyncEngineTest, DeviceOpsBecomeAuditedFleetEvents) {
  vehicle("EMU-1", "Eastfield");
  work_order("WO-1", "EMU-1");
  auto t = tablet("tab-1", "Eastfield");
  t.write("work_order/WO-1/status", std::string("in_progress"));
  t.write("work_order/WO-1/notes", std::string("pads replaced"));
  auto out = push(t);
  EXPECT_TRUE(out.refused.empty());
  t.write("work_order/WO-1/labour+" + std::to_string(t.replica.id()) + ".9", 2.5);
  t.write("work_order/WO-1/status", std::string("completed"));
  out = push(t);
  EXPECT_TRUE(out.refused.empty()) << out.refused.front().reason;
  auto wo = state("workorder", "WO-1");
  EXPECT_EQ(wo.at("status"), "completed");
  EXPECT_EQ(wo.at("notes"), "pads replaced");
  auto evs = events("workorder", "WO-1");
  ASSERT_EQ(evs.size(), 4u);  // created, started, labour, completed
  EXPECT_EQ(evs[1].type, "WorkOrderStarted");
  EXPECT_EQ(evs[2].type, "WorkOrderLabourBooked");
  EXPECT_EQ(evs[2].payload_json().as_object().at("technician"), "j.smith");
  for (std::size_t i = 1; i < evs.size(); ++i) {
    EXPECT_EQ(evs[i].metadata_parsed().actor, "j.smith");
    EXPECT_EQ(evs[i].metadata_parsed().device, "tab-1");
  }
}

TEST_F(SyncEngineTest, CompletingFromAssignedStartsFirstBecauseTheQueueCompacts) {
  vehicle("EMU-1", "Eastfield");
  work_order("WO-1", "EMU-1");
  auto t = tablet("tab-1", "Eastfield");
  t.write("work_order/WO-1/status", std::string("in_progress"));
  t.write("work_order/WO-1/status", std::string("completed"));  // compacted away: only "completed" travels
  EXPECT_TRUE(push(t).refused.empty());
  EXPECT_EQ(state("workorder", "WO-1").at("status"), "completed");
}

TEST_F(SyncEngineTest, ARefusedCommandIsReportedCompensatedAndDoesNotBlockLaterOps) {
  vehicle("EMU-1", "Eastfield");
  work_order("WO-1", "EMU-1");
  work_order("WO-2", "EMU-1");
  fleet("cancel-work-order", "WO-1", {{"reason", "duplicate"}});
  auto t = tablet("tab-1", "Eastfield");
  t.write("work_order/WO-1/status", std::string("completed"));   // refused: cancelled
  t.write("work_order/WO-2/status", std::string("in_progress"));  // goes through
  const std::string sent = rs::wire::encode(t.replica.batch());
  auto out = push(t);
  EXPECT_EQ(out.acked, 2u);
  ASSERT_EQ(out.refused.size(), 1u);
  EXPECT_EQ(out.refused[0].op_seq, 1u);
  EXPECT_EQ(out.refused[0].code, "rule_violation");
  EXPECT_NE(out.refused[0].reason.find("cancelled"), std::string::npos) << out.refused[0].reason;
  EXPECT_EQ(state("workorder", "WO-1").at("status"), "cancelled");
  EXPECT_EQ(state("workorder", "WO-2").at("status"), "in_progress");
  // The compensation removed the refused value from every replica.
  pull(t);
  EXPECT_TRUE(values(t, "work_order/WO-1/status").empty());
  EXPECT_EQ(values(t, "work_order/WO-2/status"), std::vector<std::string>{"\"in_progress\""});
  // A retried push of the same batch (a lost reply) reports the refusal again, changes nothing.
  auto again = engine_->push(t.id, 1, sent, rh::Principal{"j.smith", "acme", {"writer"}}, &services_);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->applied);
  ASSERT_EQ(again->refused.size(), 1u);
  EXPECT_EQ(again->refused[0].op_seq, 1u);
  // The refusal is in the session log and survives a restart.
  rs::SyncEngine reloaded(store_, "acme");
  ASSERT_TRUE(reloaded.load().ok());
  bool found = false;
  for (const auto& s : reloaded.sessions(100))
    if (!s.refused.empty()) found = s.refused[0].key == "work_order/WO-1/status";
  EXPECT_TRUE(found);
}

TEST_F(SyncEngineTest, NegativeStockAndUnknownAggregatesAreRefused) {
  vehicle("EMU-1", "Eastfield");
  work_order("WO-1", "EMU-1");
  fleet("define-part", "", {{"part_number", "P-1"}, {"description", "pad"}, {"unit_cost", 10.0}, {"reorder_point", 1}});
  fleet("receive-stock", "P-1", {{"quantity", 2}});
  fleet("start-work-order", "WO-1", {});
  auto t = tablet("tab-1", "Eastfield");
  t.write("work_order/WO-1/parts.P-1+x.1", std::int64_t{5});
  t.write("work_order/WO-1/parts.P-1+x.2", std::int64_t{2});
  t.write("work_order/GHOST/status", std::string("in_progress"));
  t.write("work_order/WO-1/labour+x.3", std::string("two hours"));
  auto out = push(t);
  ASSERT_EQ(out.refused.size(), 3u);
  std::map<std::string, std::string> codes;
  for (const auto& r : out.refused) codes[r.key] = r.code;
  EXPECT_EQ(codes["work_order/WO-1/parts.P-1+x.1"], "rule_violation");
  EXPECT_EQ(codes["work_order/GHOST/status"], "not_found");
  EXPECT_EQ(codes["work_order/WO-1/labour+x.3"], "schema_violation");
  EXPECT_EQ(state("part", "P-1").at("on_hand"), 0);  // the 2 went through
}

TEST_F(SyncEngineTest, VersionRefusesAStaleStatusAndTimestampKeepsTheLatestNotes) {
  auto [a, b] = two_tablets_on_one_order();
  a.write("work_order/WO-1/status", std::string("in_progress"));
  a.write("work_order/WO-1/notes", std::string("older note"));
  b.clock_ms += 5000;
  b.write("work_order/WO-1/status", std::string("cancelled"));  // concurrent with a's: did not see it
  b.write("work_order/WO-1/notes", std::string("newer note"));
  EXPECT_TRUE(push(a).refused.empty());
  auto out = push(b);
  ASSERT_EQ(out.refused.size(), 1u);
  EXPECT_EQ(out.refused[0].key, "work_order/WO-1/status");
  EXPECT_EQ(out.refused[0].code, "conflict");
  EXPECT_NE(out.refused[0].reason.find("stale"), std::string::npos);
  EXPECT_EQ(state("workorder", "WO-1").at("status"), "in_progress");
  pull(a), pull(b);
  EXPECT_EQ(values(a, "work_order/WO-1/notes"), std::vector<std::string>{"\"newer note\""});
  EXPECT_EQ(values(b, "work_order/WO-1/status"), std::vector<std::string>{"\"in_progress\""});
  EXPECT_EQ(a.replica.state(), b.replica.state());
  auto resolved = engine_->conflicts("resolved");
  ASSERT_EQ(resolved.size(), 2u);
  std::set<std::string> strategies;
  for (const auto& c : resolved) {
    strategies.insert(std::string(c.at("strategy").as_string()));
    EXPECT_EQ(c.at("values").as_array().size(), 2u);  // provenance: both writers' values
    for (const auto& v : c.at("values").as_array()) EXPECT_TRUE(v.as_object().contains("hlc"));
  }
  EXPECT_EQ(strategies, (std::set<std::string>{"version", "timestamp"}));
  EXPECT_TRUE(engine_->conflicts("open").empty());
}

TEST_F(SyncEngineTest, ClientWinsServerWinsManualAndCustomMergeFromTheRegistry) {
  auto config = rs::SyncConfig::from_json(json::object{
      {"conflicts", json::object{{"checklist", json::object{{"client", "client_wins"}, {"server", "server_wins"},
                                                            {"manual", "manual"}, {"merged", "custom:max"}}}}}});
  ASSERT_TRUE(config.ok());
  start(*config);
  ASSERT_TRUE(registry_->sync_merges.add("max", "test", [](const std::string&, const std::vector<rs::ConflictCandidate>& c)
                                                             -> rh::Result<rs::MergeDecision> {
    std::int64_t best = 0;
    for (const auto& x : c) best = std::max(best, std::get<std::int64_t>(x.value));
    return rs::MergeDecision{rs::Value{best}, {}};
  }).ok());
  auto a = tablet("tab-a", "", "supervisor");
  auto b = tablet("tab-b", "", "supervisor");
  for (const char* f : {"client", "server", "manual"}) {
    a.write(std::string("checklist/C-1/") + f, std::string("from a"));
    b.write(std::string("checklist/C-1/") + f, std::string("from b"));
  }
  a.write("checklist/C-1/merged", std::int64_t{7});
  b.write("checklist/C-1/merged", std::int64_t{3});
  push(a);
  auto out = push(b);
  EXPECT_EQ(out.conflicts, std::vector<std::string>{"checklist/C-1/manual"});
  pull(a), pull(b);
  EXPECT_EQ(values(a, "checklist/C-1/client"), std::vector<std::string>{"\"from b\""});
  EXPECT_EQ(values(a, "checklist/C-1/server"), std::vector<std::string>{"\"from a\""});
  EXPECT_EQ(values(a, "checklist/C-1/merged"), std::vector<std::string>{"7"});
  EXPECT_EQ(values(a, "checklist/C-1/manual").size(), 2u);
  auto open = engine_->conflicts("open");
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].at("strategy"), "manual");
  EXPECT_EQ(a.replica.state(), b.replica.state());
}

TEST_F(SyncEngineTest, RolesAndDepotsLimitWhatADeviceMayWrite) {
  vehicle("EMU-1", "Eastfield");
  vehicle("EMU-2", "Westfield");
  work_order("WO-2", "EMU-2");
  auto t = tablet("tab-east", "Eastfield");
  t.write("vehicle/EMU-1/status", std::string("retired"));        // technicians may not retire
  t.write("part/P-1/unit_cost", 99.0);                             // nor change costs
  t.write("work_order/WO-2/status", std::string("in_progress"));  // another depot's order
  t.write("vehicle/EMU-1/odometer_km", 1200.0);                    // allowed
  auto out = push(t);
  ASSERT_EQ(out.refused.size(), 3u);
  for (const auto& r : out.refused) {
    EXPECT_EQ(r.code, "forbidden");
    EXPECT_EQ(r.status, 403);
  }
  EXPECT_EQ(out.refused[0].key, "vehicle/EMU-1/status");  // in operation order
  EXPECT_NE(out.refused[2].reason.find("belongs to depot Westfield"), std::string::npos) << out.refused[2].reason;
  EXPECT_EQ(state("vehicle", "EMU-1").at("retired"), false);
  EXPECT_EQ(state("vehicle", "EMU-1").at("odometer_km"), 1200.0);
  EXPECT_EQ(state("workorder", "WO-2").at("status"), "created");
  // The caller's role caps the device's: a technician's key on a supervisor's tablet may not retire.
  auto boss = tablet("tab-boss", "", "supervisor");
  boss.write("vehicle/EMU-2/status", std::string("retired"));
  out = push(boss, "j.smith");  // a writer key naming no sync role counts as a technician
  ASSERT_EQ(out.refused.size(), 1u);
  EXPECT_EQ(out.refused[0].status, 403);
  EXPECT_NE(out.refused[0].reason.find("'j.smith' (technician"), std::string::npos) << out.refused[0].reason;
  EXPECT_EQ(state("vehicle", "EMU-2").at("retired"), false);
  boss.write("vehicle/EMU-2/status", std::string("retired"));
  EXPECT_TRUE(push(boss, "s.lead", {"writer", "supervisor"}).refused.empty());
  EXPECT_EQ(state("vehicle", "EMU-2").at("retired"), true);
  // ...and the device's role caps the caller's: a supervisor on a technician's tablet may not retire.
  t.write("vehicle/EMU-1/status", std::string("retired"));
  out = push(t, "s.lead", {"writer", "supervisor"});
  ASSERT_EQ(out.refused.size(), 1u);
  EXPECT_NE(out.refused[0].reason.find("a technician device may not"), std::string::npos) << out.refused[0].reason;
  t.write("vehicle/EMU-1/status", std::string("retired"));
  out = push(t, "root", {"admin"});  // an admin caller: only the device's role counts
  ASSERT_EQ(out.refused.size(), 1u);
  EXPECT_FALSE(engine_->register_device("tab-x", "", "", "admin", "janitor").ok());
}

TEST_F(SyncEngineTest, ADepotTabletPullsOnlyItsDepot) {
  vehicle("EMU-1", "Eastfield");
  vehicle("EMU-2", "Westfield");
  work_order("WO-1", "EMU-1");
  work_order("WO-2", "EMU-2");
  auto boss = tablet("tab-boss", "", "supervisor");
  boss.write("work_order/WO-1/notes", std::string("east note"));
  boss.write("work_order/WO-2/notes", std::string("west note"));
  boss.write("vehicle/EMU-2/notes", std::string("west vehicle"));
  boss.write("checklist/C-1/item", std::string("shared"));
  push(boss);
  auto east = tablet("tab-east", "Eastfield");
  pull(east);
  std::vector<std::string> keys;
  for (const auto& [k, _] : east.replica.state().entries()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"checklist/C-1/item", "work_order/WO-1/notes"}));
  pull(boss);
  EXPECT_EQ(boss.replica.state().size(), 4u);
  // When EMU-2 moves to Eastfield, a full pull brings its history (the context never claimed it).
  fleet("transfer-vehicle", "EMU-2", {{"to_depot", "Eastfield"}});
  auto fresh = tablet("tab-east-2", "Eastfield");
  pull(fresh);
  EXPECT_EQ(fresh.replica.state().size(), 4u);
  auto p = engine_->pull("tab-east", 0, "j.smith", &services_);
  ASSERT_TRUE(p.ok());
  auto cs = rs::wire::decode_change_set(p->changes).value();
  east.replica.on_pulled(cs, 0, p->cursor, 0);
  EXPECT_EQ(east.replica.state().size(), 4u);
}

TEST_F(SyncEngineTest, AKeyThatIsNotUtf8IsRefusedAndNothingIsStored) {
  auto t = tablet("tab-1", "");
  t.write(std::string("checklist/C-\xff\xfe/item"), std::string("x"));
  auto out = engine_->push(t.id, 1, rs::wire::encode(t.replica.batch()), rh::Principal{"j.smith", "acme", {"writer"}},
                           &services_);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, rh::ErrorCode::invalid_argument);
  EXPECT_EQ(out.error().message, "a sync key is not valid UTF-8");  // the bytes are not echoed
  EXPECT_TRUE(events("sync-log", kLogId).empty());
  auto p = engine_->pull(t.id, 0, "j.smith", &services_);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ops_out, 0u);
  for (const char* ok : {"checklist/C-\xc3\xa9/item", "work_order/WO-\xe2\x82\xac/notes", "a/b/\xf0\x9f\x9a\x86"})
    EXPECT_TRUE(rs::engine_detail::check_key(ok).ok()) << ok;
  for (const char* bad : {"a/b/\xc0\xaf", "a/b/\xed\xa0\x80", "a/b/\xf4\x90\x80\x80", "a/b/\xe2\x82"})
    EXPECT_FALSE(rs::engine_detail::check_key(bad).ok()) << bad;
}
