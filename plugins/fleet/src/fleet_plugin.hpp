#pragma once
#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::plugins {

// Registers everything the fleet domain provides: aggregate types, event schemas, upcasters,
// projections and HTTP routes.
Status register_fleet(Registry& registry, const std::string& provider = "fleet");

}  // namespace roundhouse::plugins
