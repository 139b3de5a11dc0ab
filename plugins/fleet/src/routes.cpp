#include "routes.hpp"

#include <map>
#include <mutex>

#include "aggregates.hpp"
#include "fleet_service.hpp"

namespace roundhouse::fleet {
namespace json = boost::json;

namespace {

// One FleetService per store; the host opens one store for the life of the process.
std::shared_ptr<FleetService> service_for(const Services& services, const FleetOptions& options) {
  static std::mutex mu;
  static std::map<const EventStore*, std::shared_ptr<FleetService>> by_store;
  std::lock_guard lock(mu);
  auto& s = by_store[services.store.get()];
  if (!s) s = std::make_shared<FleetService>(services.store, *services.registry, options);
  return s;
}

Result<HttpResponse> run_command(const HttpRequest& req, const std::string& command, bool creates,
                                 const FleetOptions& options) {
  if (!req.json.is_object() && !(req.body.empty() && !creates))
    return Error{ErrorCode::invalid_argument, "the request body must be a JSON object"};
  json::object body = req.json.is_object() ? req.json.get_object() : json::object{};
  auto it = req.path_params.find("id");
  auto result = service_for(*req.services, options)->execute(command, it == req.path_params.end() ? "" : it->second,
                                                    std::move(body), req.principal);
  if (!result) return result.error();
  HttpResponse res;
  res.status = creates ? 201 : 200;
  res.json = result->to_json();
  return res;
}

Result<HttpResponse> get_aggregate(const HttpRequest& req, const std::string& aggregate, const FleetOptions& options) {
  const std::string& id = req.path_params.at("id");
  auto loaded = service_for(*req.services, options)->load(aggregate, id, req.principal.tenant);
  if (!loaded) return loaded.error();
  if (loaded->version == 0) return Error{ErrorCode::not_found, aggregate + " '" + id + "' does not exist"};
  HttpResponse res;
  res.json = json::object{{"aggregate", aggregate}, {"id", id}, {"version", loaded->version}, {"state", loaded->state->to_json()}};
  return res;
}

struct CommandRoute {
  const char* path;
  const char* command;
  bool creates;
  const char* summary;
};

const CommandRoute kCommandRoutes[] = {
    {"/api/v1/fleet/vehicles", "register-vehicle", true, "Register a rail vehicle"},
    {"/api/v1/fleet/vehicles/{id}/status", "change-vehicle-status", false, "Change a vehicle's operational status"},
    {"/api/v1/fleet/vehicles/{id}/transfer", "transfer-vehicle", false, "Transfer a vehicle to another depot"},
    {"/api/v1/fleet/vehicles/{id}/meters", "record-meters", false, "Record odometer and engine-hour readings"},
    {"/api/v1/fleet/vehicles/{id}/retire", "retire-vehicle", false, "Retire a vehicle"},
    {"/api/v1/fleet/failures", "report-failure", true, "Report a failure (defect) against a vehicle system"},
    {"/api/v1/fleet/failures/{id}/link", "link-failure", false, "Link a failure to a work order"},
    {"/api/v1/fleet/failures/{id}/close", "close-failure", false, "Close a failure"},
    {"/api/v1/fleet/work-orders", "create-work-order", true, "Create a work order"},
    {"/api/v1/fleet/work-orders/{id}/schedule", "schedule-work-order", false, "Schedule a work order"},
    {"/api/v1/fleet/work-orders/{id}/assign", "assign-work-order", false, "Assign a technician"},
    {"/api/v1/fleet/work-orders/{id}/start", "start-work-order", false, "Start work"},
    {"/api/v1/fleet/work-orders/{id}/parts", "consume-parts", false, "Consume parts from stock on a work order"},
    {"/api/v1/fleet/work-orders/{id}/labour", "book-labour", false, "Book labour hours"},
    {"/api/v1/fleet/work-orders/{id}/complete", "complete-work-order", false, "Complete a work order"},
    {"/api/v1/fleet/work-orders/{id}/cancel", "cancel-work-order", false, "Cancel a work order"},
    {"/api/v1/fleet/parts", "define-part", true, "Define a stocked part"},
    {"/api/v1/fleet/parts/{id}/receive", "receive-stock", false, "Receive stock"},
    {"/api/v1/fleet/parts/{id}/reserve", "reserve-stock", false, "Reserve stock for a work order"},
    {"/api/v1/fleet/parts/{id}/issue", "issue-stock", false, "Issue stock"},
    {"/api/v1/fleet/parts/{id}/return", "return-stock", false, "Return stock"},
    {"/api/v1/fleet/parts/{id}/count", "count-stock", false, "Record a stock count (adjustment)"},
};

}  // namespace

Status register_routes(Registry& registry, const std::string& provider, const FleetOptions& options) {
  for (const auto& r : kCommandRoutes) {
    const std::string command = r.command;
    const bool creates = r.creates;
    Route route{"POST", r.path, "writer", r.summary,
                [command, creates, options](const HttpRequest& req) { return run_command(req, command, creates, options); }};
    if (auto st = registry.add_route(provider, std::move(route)); !st) return st;
  }
  const std::pair<const char*, const char*> reads[] = {{"/api/v1/fleet/vehicles/{id}", kVehicle},
                                                       {"/api/v1/fleet/failures/{id}", kFailure},
                                                       {"/api/v1/fleet/work-orders/{id}", kWorkOrder},
                                                       {"/api/v1/fleet/parts/{id}", kPart}};
  for (const auto& [path, aggregate] : reads) {
    const std::string agg = aggregate;
    Route route{"GET", path, "reader", "Current state of one " + agg + " (snapshot + tail)",
                [agg, options](const HttpRequest& req) { return get_aggregate(req, agg, options); }};
    if (auto st = registry.add_route(provider, std::move(route)); !st) return st;
  }
  Route list{"GET", "/api/v1/fleet/commands", "reader", "Fleet commands and their routes",
             [](const HttpRequest&) -> Result<HttpResponse> {
               json::array rows;
               for (const auto& r : kCommandRoutes)
                 rows.push_back(json::object{{"command", r.command}, {"method", "POST"}, {"path", r.path}, {"summary", r.summary}});
               HttpResponse res;
               res.json = json::object{{"commands", rows}};
               return res;
             }};
  return registry.add_route(provider, std::move(list));
}

}  // namespace roundhouse::fleet
