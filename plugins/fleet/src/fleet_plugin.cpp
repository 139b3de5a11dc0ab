#include "fleet_plugin.hpp"

#include "aggregates.hpp"
#include "cli_commands.hpp"
#include "event_schemas.hpp"
#include "projections.hpp"
#include "routes.hpp"

namespace roundhouse::plugins {

Status register_fleet(Registry& registry, const std::string& provider, const fleet::FleetOptions& options) {
  for (auto type : {fleet::vehicle_type(), fleet::failure_type(), fleet::work_order_type(), fleet::part_type()}) {
    std::string name = type.name;
    if (auto st = registry.aggregates.add(std::move(name), provider, std::move(type)); !st) return st;
  }
  if (auto st = fleet::register_event_schemas(registry, provider); !st) return st;
  if (auto st = fleet::register_upcasters(registry, provider); !st) return st;
  for (auto& factory : fleet::projection_factories()) {
    const std::string name = factory()->name();
    if (auto st = registry.projections.add(name, provider, factory); !st) return st;
  }
  if (auto st = fleet::register_cli_commands(registry, provider, options); !st) return st;
  return fleet::register_routes(registry, provider, options);
}

}  // namespace roundhouse::plugins
