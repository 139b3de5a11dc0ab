#pragma once
#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::fleet {

// Registers the /api/v1/fleet/... command and aggregate routes.
Status register_routes(Registry& registry, const std::string& provider);

}  // namespace roundhouse::fleet
