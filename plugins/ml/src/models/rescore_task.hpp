#pragma once
// Re-scoring inside `roundhouse serve`: when the host configuration has
//   "plugins": {"ml": {"rescore": {"every": "1h", "models": ["..."], "actor": "ml-rescorer"}}}
// the ml plugin registers a serving task (plugin/serving_task.hpp) that runs one Rescorer per
// tenant the host's API keys name, from start to shutdown. Without "rescore" (or with false)
// nothing is registered and `roundhouse ml rescore` stays the way to re-score.

#include <string>

#include <boost/json/object.hpp>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml::models {

// Registers the task when `plugin_config` (the ml plugin's section) asks for it. A malformed
// "rescore" section is an invalid_argument naming the key; nothing is registered then.
Status register_rescore_task(Registry& registry, const std::string& provider, const boost::json::object& plugin_config);

}  // namespace roundhouse::ml::models
