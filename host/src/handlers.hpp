#pragma once
// Route registration, one function per group of endpoints.

#include <memory>

#include "app_context.hpp"
#include "router.hpp"

namespace roundhouse::host {

// The role the audit routes need. Admins have every role (Principal::has_role).
inline constexpr const char* kAuditorRole = "auditor";

// A Handler calling `fn` with the shared context, which it keeps alive.
inline Handler bind_handler(std::shared_ptr<AppContext> ctx, void (*fn)(AppContext&, Request&, Reply)) {
  return [ctx = std::move(ctx), fn](Request& req, Reply reply) { fn(*ctx, req, std::move(reply)); };
}

// GET /health, GET /metrics, GET /api/v1/openapi.json (open); GET /api/v1/plugins (reader).
Status add_system_routes(Router& router, std::shared_ptr<AppContext> ctx);
// POST /api/v1/events (writer); GET /api/v1/events, GET /api/v1/events/{type}/{id} (reader).
Status add_event_routes(Router& router, std::shared_ptr<AppContext> ctx);
// GET /api/v1/projections, /api/v1/projections/{name}, /api/v1/projections/{name}/state (reader);
// POST /api/v1/projections/{name}/rebuild (admin).
Status add_projection_routes(Router& router, std::shared_ptr<AppContext> ctx);
// GET /api/v1/time-travel/{state-at,compare,history,fleet-at,types} (reader), always within the
// caller's tenant.
Status add_time_travel_routes(Router& router, std::shared_ptr<AppContext> ctx);
// GET /api/v1/audit/trail, GET /api/v1/audit/anomalies, POST /api/v1/audit/replay: role
// "auditor" (which admin includes), always within the caller's tenant.
Status add_audit_routes(Router& router, std::shared_ptr<AppContext> ctx);
// Every Route plugins registered in Registry::routes. A clash with an existing route is logged and
// the plugin route skipped (the host keeps running).
void add_plugin_routes(Router& router, std::shared_ptr<AppContext> ctx);

}  // namespace roundhouse::host
