#pragma once
// The sync engine test fixture: a memory: store with the real fleet plugin, a planner's fleet
// commands, tablets as protocol replicas that push to and pull from the engine.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "engine/engine_detail.hpp"
#include "engine/sync_engine.hpp"
#include "engine/value_json.hpp"
#include "fleet_plugin.hpp"
#include "fleet_service.hpp"
#include "protocol/device_replica.hpp"
#include "roundhouse/sync/wire.hpp"
#include "storage_memory.hpp"

namespace rh = roundhouse;
namespace rs = roundhouse::sync;
namespace json = boost::json;

namespace sync_test {

struct Tablet {
  std::string id;
  rs::protocol::DeviceReplica replica;
  std::int64_t clock_ms = 1'000'000;
  void write(const std::string& key, rs::Value v) { replica.write(key, std::move(v), clock_ms += 10); }
};

class SyncEngineTest : public ::testing::Test {
 protected:
  void SetUp() override { start(rs::SyncConfig{}); }
  void start(rs::SyncConfig config) {
    registry_ = std::make_unique<rh::Registry>();
    ASSERT_TRUE(rh::plugins::register_storage_memory(*registry_).ok());
    ASSERT_TRUE(rh::plugins::register_fleet(*registry_).ok());
    store_ = registry_->open_store("memory:").value();
    services_ = rh::Services{store_, nullptr, registry_.get()};
    fleet_ = std::make_unique<rh::fleet::FleetService>(store_, *registry_);
    engine_ = std::make_unique<rs::SyncEngine>(store_, "acme", std::move(config));
    ASSERT_TRUE(engine_->load().ok());
  }
  json::object fleet(const std::string& command, const std::string& id, json::object body) {
    auto r = fleet_->execute(command, id, std::move(body), rh::Principal{"planner", "acme", {"admin"}});
    EXPECT_TRUE(r.ok()) << command << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->state : json::object{};
  }
  void vehicle(const std::string& number, const std::string& depot) {
    fleet("register-vehicle", "", {{"number", number}, {"vehicle_type", "emu_car"}, {"depot", depot},
                                   {"commissioned_on", "2019-04-01"}});
  }
  std::string work_order(const std::string& number, const std::string& vehicle_id) {
    fleet("create-work-order", "", {{"work_order_id", number}, {"vehicle_id", vehicle_id}, {"category", "corrective"},
                                    {"priority", "high"}, {"due_date", "2026-12-01"}});
    return number;
  }
  Tablet tablet(const std::string& id, const std::string& depot, const std::string& role = "technician") {
    auto d = engine_->register_device(id, id, depot, "admin", role);
    EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().message);
    return Tablet{id, rs::protocol::DeviceReplica(d.ok() ? d->replica : 99)};
  }
  // EMU-1 of Eastfield with work order WO-1, and two Eastfield tablets tab-a and tab-b.
  std::pair<Tablet, Tablet> two_tablets_on_one_order() {
    vehicle("EMU-1", "Eastfield");
    work_order("WO-1", "EMU-1");
    return {tablet("tab-a", "Eastfield"), tablet("tab-b", "Eastfield")};
  }
  // `roles` are the caller's host roles (a sync role among them raises or caps what it may do).
  rs::PushOutcome push(Tablet& t, const std::string& technician = "j.smith",
                       std::vector<std::string> roles = {"writer"}) {
    auto out = engine_->push(t.id, t.replica.first_pending(), rs::wire::encode(t.replica.batch()),
                             rh::Principal{technician, "acme", std::move(roles)}, &services_);
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    if (!out.ok()) return {};
    t.replica.on_acked(out->acked);
    return *out;
  }
  void pull(Tablet& t) {
    auto p = engine_->pull(t.id, t.replica.cursor(), "j.smith", &services_);
    ASSERT_TRUE(p.ok()) << p.error().message;
    auto cs = rs::wire::decode_change_set(p->changes);
    ASSERT_TRUE(cs.ok());
    t.replica.on_pulled(*cs, p->from, p->cursor, t.clock_ms);
  }
  std::vector<std::string> values(const Tablet& t, const std::string& key) {
    std::vector<std::string> out;
    if (const auto* reg = t.replica.state().get(key))
      for (const auto& [_, fv] : *reg) out.push_back(json::serialize(rs::to_json(fv.value)));
    return out;
  }
  json::object state(const std::string& aggregate, const std::string& id) {
    auto l = fleet_->load(aggregate, id, std::string("acme"));
    return l.ok() && l->version ? l->state->to_json() : json::object{};
  }
  // The tenant's sync log: sync streams carry "<tenant>#" before their id.
  static constexpr const char* kLogId = "acme#changes";
  std::vector<rh::RecordedEvent> events(const std::string& type, const std::string& id) {
    rh::ReadStreamOptions o;
    o.tenant = "acme";
    auto r = store_->read_stream({type, id}, o);
    return r.ok() ? *r : std::vector<rh::RecordedEvent>{};
  }

  std::unique_ptr<rh::Registry> registry_;
  std::shared_ptr<rh::EventStore> store_;
  rh::Services services_;
  std::unique_ptr<rh::fleet::FleetService> fleet_;
  std::unique_ptr<rs::SyncEngine> engine_;
};

}  // namespace sync_test
