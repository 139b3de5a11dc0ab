#pragma once
// The analytics HTTP API (GET, role reader): /api/v1/analytics/{kpis, kpis/{name},
// timeseries/{metric}, dashboard/{name}, dashboards, metrics/summary, top/{kind}, definitions}.
// Each route asks the tenant's "analytics" read model through the host's ProjectionEngine.

#include <string>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::analytics {

Status register_routes(Registry& registry, const std::string& provider);

}  // namespace roundhouse::analytics
