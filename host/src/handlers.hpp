#pragma once
// Route registration, one function per group of endpoints.

#include <memory>

#include "app_context.hpp"
#include "router.hpp"

namespace roundhouse::host {

// GET /health, GET /metrics, GET /api/v1/openapi.json (open); GET /api/v1/plugins (reader).
Status add_system_routes(Router& router, std::shared_ptr<AppContext> ctx);
// POST /api/v1/events (writer); GET /api/v1/events, GET /api/v1/events/{type}/{id} (reader).
Status add_event_routes(Router& router, std::shared_ptr<AppContext> ctx);
// Every Route plugins registered in Registry::routes. A clash with an existing route is logged and
// the plugin route skipped (the host keeps running).
void add_plugin_routes(Router& router, std::shared_ptr<AppContext> ctx);

}  // namespace roundhouse::host
