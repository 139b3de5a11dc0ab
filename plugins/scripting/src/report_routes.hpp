#pragma once
// GET /api/v1/reports (what the scripts registered, and scripts that failed to load with their
// tracebacks) and GET /api/v1/reports/{name} (runs one report; query parameters become its params).
// A null host (no scripts_dir configured) lists nothing and finds no report.

#include <memory>
#include <string>

#include "roundhouse/plugin/registry.hpp"
#include "script_host.hpp"

namespace roundhouse::scripting {

Status register_report_routes(Registry& registry, const std::string& provider, std::shared_ptr<ScriptHost> host);

}  // namespace roundhouse::scripting
