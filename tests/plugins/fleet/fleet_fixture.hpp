#pragma once
// A memory: store with the fleet plugin registered, and helpers to run commands.
#include <sstream>
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "roundhouse/cli/command.hpp"
#include "fleet_plugin.hpp"
#include "fleet_service.hpp"
#include "storage_memory.hpp"

namespace rh = roundhouse;
namespace json = boost::json;

class FleetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(rh::plugins::register_storage_memory(registry_).ok());
    ASSERT_TRUE(rh::plugins::register_fleet(registry_).ok());
    store_ = registry_.open_store("memory:").value();
    service_ = std::make_unique<rh::fleet::FleetService>(store_, registry_, rh::fleet::FleetOptions{.snapshot_every = 5});
    who_ = rh::Principal{"j.smith", "acme", {"writer"}};
  }
  rh::Result<rh::fleet::CommandResult> run(const std::string& command, const std::string& id, json::object body) {
    return service_->execute(command, id, std::move(body), who_);
  }
  json::object must(const std::string& command, const std::string& id, json::object body) {
    auto r = run(command, id, std::move(body));
    EXPECT_TRUE(r.ok()) << command << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->state : json::object{};
  }
  void register_vehicle(const std::string& number, const std::string& depot = "Hamm") {
    must("register-vehicle", "", {{"number", number}, {"vehicle_type", "emu_car"}, {"depot", depot},
                                  {"commissioned_on", "2019-04-01"}});
  }
  std::string open_work_order(const std::string& vehicle) {
    auto r = run("create-work-order", "", {{"vehicle_id", vehicle}, {"category", "corrective"}, {"priority", "high"},
                                           {"due_date", "2026-12-01"}, {"system", "doors"}});
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->id : "";
  }

  // Runs a registered CLI subcommand against this fixture's store, as tenant "acme".
  struct CliRun {
    int code;
    std::string out, err;
  };
  CliRun cli(const std::string& command, std::vector<std::string> args, const std::string& actor = "importer") {
    auto entry = registry_.cli_commands.find(command);
    EXPECT_TRUE(entry.has_value()) << command << " is not registered";
    if (!entry) return {-1, "", ""};
    std::ostringstream out, err;
    rh::CliContext ctx;
    ctx.args = std::move(args);
    ctx.open_store = [this]() -> rh::Result<std::shared_ptr<rh::EventStore>> { return store_; };
    ctx.registry = &registry_;
    ctx.out = &out;
    ctx.err = &err;
    ctx.actor = actor;
    ctx.tenant = "acme";
    const int code = entry->value.run(ctx);
    return {code, out.str(), err.str()};
  }

  rh::Registry registry_;
  std::shared_ptr<rh::EventStore> store_;
  std::unique_ptr<rh::fleet::FleetService> service_;
  rh::Principal who_;
};
