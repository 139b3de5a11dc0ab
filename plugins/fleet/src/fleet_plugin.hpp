#pragma once
#include <string>

#include "fleet_service.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::plugins {

// Registers everything the fleet domain provides: aggregate types, event schemas, upcasters,
// projections, HTTP routes and CLI subcommands.
Status register_fleet(Registry& registry, const std::string& provider = "fleet", const fleet::FleetOptions& options = {});

}  // namespace roundhouse::plugins
