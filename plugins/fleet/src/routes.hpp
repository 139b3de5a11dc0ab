#pragma once
#include <string>

#include "fleet_service.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::fleet {

// Registers the /api/v1/fleet/... command and aggregate routes.
Status register_routes(Registry& registry, const std::string& provider, const FleetOptions& options);

}  // namespace roundhouse::fleet
