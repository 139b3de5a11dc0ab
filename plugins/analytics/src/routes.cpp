#include "routes.hpp"

#include "analytics_model.hpp"
#include "dashboards.hpp"
#include "roundhouse/projections/projection_engine.hpp"

namespace roundhouse::analytics {
namespace json = boost::json;

namespace {

// Query string -> model parameters; `op` and the path capture are ours, not the caller's.
Result<HttpResponse> ask(const HttpRequest& req, const char* op, const char* capture) {
  json::object params;
  for (const auto& [key, value] : req.query) {
    if (key == "op" || key == "name")
      return Error{ErrorCode::invalid_argument, "query parameter '" + key + "': unknown"};
    if (params.contains(key))
      return Error{ErrorCode::invalid_argument, "query parameter '" + key + "': given more than once"};
    params[key] = value;
  }
  params["op"] = op;
  if (capture) params["name"] = req.path_params.at(capture);
  if (!req.services || !req.services->projections)
    return Error{ErrorCode::unavailable, "the analytics read model is not running"};
  auto answer = req.services->projections->query(AnalyticsModel::kName, req.principal.tenant, params);
  if (!answer) return answer.error();
  HttpResponse res;
  res.json = std::move(*answer);
  res.headers["Cache-Control"] = "no-store";
  return res;
}

Result<HttpResponse> list_dashboards(const HttpRequest&) {
  json::array out;
  for (const auto& d : dashboards()) {
    json::array kpis;
    for (const char* k : d.kpis) kpis.push_back(json::value(k));
    out.push_back(json::object{{"name", d.name}, {"title", d.title}, {"days", d.days}, {"kpis", std::move(kpis)},
                               {"href", std::string("/api/v1/analytics/dashboard/") + d.name}});
  }
  HttpResponse res;
  res.json = json::object{{"dashboards", std::move(out)}};
  return res;
}

struct ModelRoute {
  const char* pattern;
  const char* op;
  const char* capture;
  const char* summary;
};

constexpr ModelRoute kRoutes[] = {
    {"/api/v1/analytics/kpis", "kpis", nullptr, "Every KPI for a window and scope, with previous period and trend"},
    {"/api/v1/analytics/kpis/{name}", "kpi", "name", "One KPI with its definition, basis and per-system figures"},
    {"/api/v1/analytics/timeseries/{metric}", "timeseries", "metric", "A KPI by day, week or month (Chart.js data)"},
    {"/api/v1/analytics/dashboard/{name}", "dashboard", "name",
     "Executive, operations, maintenance or inventory dashboard: KPIs, charts, worst vehicles, insights"},
    {"/api/v1/analytics/metrics/summary", "summary", nullptr, "Fleet counts and headline KPIs"},
    {"/api/v1/analytics/top/{kind}", "top", "kind", "Worst vehicles or systems by failures in a window"},
    {"/api/v1/analytics/definitions", "definitions", nullptr, "KPI definitions, built-in and plugin-registered"},
};

}  // namespace

Status register_routes(Registry& registry, const std::string& provider) {
  for (const auto& r : kRoutes) {
    Route route{"GET", r.pattern, "reader", r.summary,
                [op = r.op, capture = r.capture](const HttpRequest& req) { return ask(req, op, capture); }};
    if (auto st = registry.add_route(provider, std::move(route)); !st) return st;
  }
  return registry.add_route(provider, Route{"GET", "/api/v1/analytics/dashboards", "reader",
                                            "The dashboards and their KPIs", &list_dashboards});
}

}  // namespace roundhouse::analytics
