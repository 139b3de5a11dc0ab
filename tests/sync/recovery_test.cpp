// A host that stops between storing a pushed batch and the server write that settles it: the next
// start settles the batch's conflicts by their strategies (timestamp keeps the later value, version
// refuses the stale one and reports the refusal on the device's retried push), once.
#include <boost/json/parse.hpp>

#include "engine/base64.hpp"
#include "engine_fixture.hpp"

using namespace sync_test;

namespace {

class RecoveryTest : public SyncEngineTest {
 protected:
  // What push() makes durable before it settles anything: the device's batch in the sync log. The
  // host "stops" right after (nothing settled, nothing applied to the fleet).
  // `caller_roles`: the pushing caller's host roles as a push records them (none: an older host's batch).
  void store_without_settling(Tablet& t, std::optional<std::vector<std::string>> caller_roles = std::nullopt) {
    rh::NewEvent ev;
    ev.type = "SyncChangesAccepted";
    const std::uint64_t last = t.replica.batch().context().max(t.replica.id());
    ev.payload = json::object{{"device_id", t.id}, {"replica_id", t.replica.id()}, {"acked", last},
                              {"changes", rs::base64_encode(rs::wire::encode(t.replica.batch()))}};
    if (caller_roles) {
      json::array roles;
      for (const auto& r : *caller_roles) roles.emplace_back(r);
      ev.payload.as_object()["caller_roles"] = std::move(roles);
    }
    ev.metadata.actor = "k.lee";
    ev.metadata.device = t.id;
    rh::AppendRequest req{{"sync-log", kLogId}, rh::ExpectedVersion::any(), {}, "acme"};
    req.events.push_back(std::move(ev));
    ASSERT_TRUE(store_->append(std::move(req)).ok());
  }
  void restart(rs::SyncConfig config = {}) {
    engine_ = std::make_unique<rs::SyncEngine>(store_, "acme", std::move(config));
    ASSERT_TRUE(engine_->load().ok());
  }
  std::size_t log_length() { return events("sync-log", kLogId).size(); }
};

}  // namespace

TEST_F(RecoveryTest, TheNextStartSettlesWhatAStoppedPushLeftOpen) {
  auto [a, b] = two_tablets_on_one_order();
  a.write("work_order/WO-1/status", std::string("in_progress"));
  a.write("work_order/WO-1/notes", std::string("from a"));
  b.clock_ms = a.clock_ms + 1000;                               // later clock: timestamp keeps b's notes
  b.write("work_order/WO-1/status", std::string("completed"));  // concurrent with a's writes
  b.write("work_order/WO-1/notes", std::string("from b"));
  ASSERT_TRUE(push(a).refused.empty());
  store_without_settling(b);

  restart();
  EXPECT_EQ(engine_->conflicts("open").size(), 2u);  // what the stopped host left
  ASSERT_TRUE(engine_->settle_unsettled(&services_).ok());
  EXPECT_TRUE(engine_->conflicts("open").empty());
  std::map<std::string, std::string> outcome;
  for (const auto& c : engine_->conflicts("resolved"))
    outcome[std::string(c.at("key").as_string())] =
        std::string(c.at("strategy").as_string()) + " " + std::string(c.at("outcome").as_string()) + " " +
        json::serialize(c.at("value"));
  EXPECT_EQ(outcome, (std::map<std::string, std::string>{
                         {"work_order/WO-1/notes", "timestamp replaced \"from b\""},
                         {"work_order/WO-1/status", "version refused \"in_progress\""}}));
  EXPECT_EQ(state("workorder", "WO-1").at("status"), "in_progress");  // the stale completion never ran

  // Once: settling again, or another restart, writes nothing more.
  const std::size_t settled = log_length();
  ASSERT_TRUE(engine_->settle_unsettled(&services_).ok());
  restart();
  ASSERT_TRUE(engine_->settle_unsettled(&services_).ok());
  EXPECT_EQ(log_length(), settled);
  EXPECT_EQ(engine_->conflicts("resolved").size(), 2u);

  // The device never got its reply: its retried push is acknowledged and reports the refusal.
  auto retried = push(b);
  EXPECT_EQ(retried.acked, 2u);
  ASSERT_EQ(retried.refused.size(), 1u);
  EXPECT_EQ(retried.refused[0].key, "work_order/WO-1/status");
  EXPECT_EQ(retried.refused[0].status, 409);
  pull(a), pull(b);
  EXPECT_EQ(a.replica.state(), b.replica.state());
  EXPECT_EQ(values(b, "work_order/WO-1/status"), std::vector<std::string>{"\"in_progress\""});
  EXPECT_EQ(values(b, "work_order/WO-1/notes"), std::vector<std::string>{"\"from b\""});
}

TEST_F(RecoveryTest, ManualConflictsStayOpenForAPerson) {
  auto a = tablet("tab-a", "");
  auto b = tablet("tab-b", "");
  a.write("checklist/C-1/item", std::string("ok"));
  b.write("checklist/C-1/item", std::string("defect"));
  push(a);
  store_without_settling(b);
  restart();
  ASSERT_TRUE(engine_->settle_unsettled(&services_).ok());
  EXPECT_EQ(engine_->conflicts("open").size(), 1u);
  EXPECT_TRUE(engine_->conflicts("resolved").empty());
}

TEST_F(RecoveryTest, AFleetCommandTheStoppedPushAlreadyRanIsNotRunAgain) {
  auto config = rs::SyncConfig::from_json(json::parse(R"({"conflicts": {"work_order": {"technician": "client_wins"}}})").as_object());
  ASSERT_TRUE(config.ok());
  restart(*config);
  vehicle("EMU-1", "Eastfield");
  work_order("WO-1", "EMU-1");
  auto a = tablet("tab-a", "Eastfield", "supervisor");
  auto b = tablet("tab-b", "Eastfield", "supervisor");
  a.write("work_order/WO-1/technician", std::string("a.khan"));
  b.write("work_order/WO-1/technician", std::string("k.lee"));
  ASSERT_TRUE(push(a, "s.lead", {"admin"}).refused.empty());
  store_without_settling(b);
  // The stopped push had got as far as b's fleet command (client_wins: b's value applies).
  ASSERT_TRUE(fleet_->execute("assign-work-order", "WO-1", {{"technician", "k.lee"}},
                              rh::Principal{"k.lee", "acme", {"admin"}, "tab-b"}).ok());
  restart(*config);
  ASSERT_TRUE(engine_->settle_unsettled(&services_).ok());
  EXPECT_TRUE(engine_->conflicts("open").empty());
  std::size_t assigned = 0;
  for (const auto& e : events("workorder", "WO-1")) assigned += e.type == "WorkOrderAssigned";
  EXPECT_EQ(assigned, 2u);  // a's, and b's once
  EXPECT_EQ(state("workorder", "WO-1").at("technician"), "k.lee");
  pull(a);
  EXPECT_EQ(values(a, "work_order/WO-1/technician"), std::vector<std::string>{"\"k.lee\""});
}

TEST_F(RecoveryTest, OperationsTheDeviceMayNotMakeAreRefusedAfterTheRestart) {
  vehicle("EMU-1", "Eastfield");
  vehicle("EMU-2", "Westfield");
  auto t = tablet("tab-east", "Eastfield");
  t.write("vehicle/EMU-1/odometer_km", 900.0);                   // allowed (not applied: the host stopped)
  t.write("vehicle/EMU-1/status", std::string("retired"));        // a technician may not retire
  t.write("vehicle/EMU-2/odometer_km", 10.0);                     // another depot's vehicle
  store_without_settling(t);
  restart();
  ASSERT_TRUE(engine_->settle_unsettled(&services_).ok());
  auto other = tablet("tab-boss", "", "supervisor");
  pull(other);
  EXPECT_TRUE(values(other, "vehicle/EMU-1/status").empty());    // compensated: nothing of it spreads
  EXPECT_TRUE(values(other, "vehicle/EMU-2/odometer_km").empty());
  EXPECT_EQ(values(other, "vehicle/EMU-1/odometer_km"), std::vector<std::string>{"9E2"});
  EXPECT_EQ(state("vehicle", "EMU-1").at("retired"), false);
  // Reported once on the retried push, also after another restart.
  restart();
  ASSERT_TRUE(engine_->settle_unsettled(&services_).ok());
  auto retried = push(t);
  ASSERT_EQ(retried.refused.size(), 2u);
  EXPECT_EQ(retried.refused[0].key, "vehicle/EMU-1/status");
  EXPECT_EQ(retried.refused[1].status, 403);
  EXPECT_NE(retried.refused[1].reason.find("Westfield"), std::string::npos) << retried.refused[1].reason;
}

TEST_F(RecoveryTest, TheRecordedCallerRolesCapTheDeviceAfterTheRestartAsInThePush) {
  // A supervisor's tablet may retire a vehicle, but this push came with a technician's key: the
  // push records the caller's host roles with the batch, so the restart refuses the retirement as
  // the push would have, instead of trusting the tablet's role alone.
  vehicle("EMU-1", "Eastfield");
  auto boss = tablet("tab-boss", "", "supervisor");
  boss.write("vehicle/EMU-1/status", std::string("retired"));
  store_without_settling(boss, std::vector<std::string>{"writer", "technician"});
  restart();
  ASSERT_TRUE(engine_->settle_unsettled(&services_).ok());
  auto other = tablet("tab-other", "", "supervisor");
  pull(other);
  EXPECT_TRUE(values(other, "vehicle/EMU-1/status").empty());  // compensated: nothing of it spreads
  auto retried = push(boss);
  ASSERT_EQ(retried.refused.size(), 1u);
  EXPECT_EQ(retried.refused[0].key, "vehicle/EMU-1/status");
  EXPECT_NE(retried.refused[0].reason.find("whatever the device's role"), std::string::npos) << retried.refused[0].reason;
}

TEST_F(RecoveryTest, APushRecordsItsCallersRolesWithTheBatch) {
  auto t = tablet("tab-a", "");
  t.write("checklist/C-1/done", true);
  push(t, "j.smith", {"writer", "technician"});
  auto log = events("sync-log", kLogId);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(json::serialize(log.front().payload_json().at("caller_roles")), R"(["writer","technician"])");
}
