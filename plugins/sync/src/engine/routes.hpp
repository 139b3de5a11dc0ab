#pragma once
// The /api/v1/sync/* HTTP routes (schemas/openapi.json describes them).

#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::sync {

Status register_routes(Registry& registry, const std::string& provider);

}  // namespace roundhouse::sync
