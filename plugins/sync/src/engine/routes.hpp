#pragma once
// The /api/v1/sync/* HTTP routes (schemas/openapi.json describes them).

#include <string>

#include <boost/json/object.hpp>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::sync {

// `section` is the plugin's configuration (sync_config.hpp); a bad setting is invalid_argument.
Status register_routes(Registry& registry, const std::string& provider, const boost::json::object& section = {});
// The serving task (plugin/serving_task.hpp) that loads, when `roundhouse serve` starts, the engine
// of every tenant that has sync devices (recovery of stopped pushes, the fleet mirror), instead of
// on the tenant's first sync request.
Status register_serving_task(Registry& registry, const std::string& provider);
// Stops every engine's fleet mirror and forgets the engines (plugin stop).
void stop_engines();

}  // namespace roundhouse::sync
