#pragma once
// GET /api/v1/scripting/models (the rh.Model instances the scripts registered) and
// POST /api/v1/scripting/models/{name}/predict (their predictions, features computed by the host's
// extractors). Under the plugin's own prefix so they never collide with the ml plugin's model routes.
// A null host (no scripts_dir configured) lists nothing and finds no model.

#include <memory>
#include <string>

#include "roundhouse/plugin/registry.hpp"
#include "script_host.hpp"

namespace roundhouse::scripting {

Status register_model_routes(Registry& registry, const std::string& provider, std::shared_ptr<ScriptHost> host);

}  // namespace roundhouse::scripting
