// Operational endpoints: health, metrics, plugin list, the OpenAPI document.
#include <boost/json.hpp>

#include "handlers.hpp"
#include "problem.hpp"
#include "roundhouse/plugin/plugin_host.hpp"
#include "schemas.hpp"

namespace roundhouse::host {
namespace json = boost::json;

namespace {

void health(AppContext& ctx, Request&, Reply reply) {
  json::object o;
  o["version"] = ROUNDHOUSE_HOST_VERSION;
  o["uptime_seconds"] = (now_micros() - ctx.started_at) / 1'000'000;
  if (ctx.draining.load(std::memory_order_relaxed)) {
    o["status"] = "shutting_down";
    return reply(Response::json(503, o));
  }
  auto head = ctx.store->head_position();
  if (!head) {
    o["status"] = "unavailable";
    o["detail"] = head.error().message;
    return reply(Response::json(503, o));
  }
  o["status"] = "ok";
  o["head_position"] = *head;
  reply(Response::json(200, o));
}

void metrics(AppContext& ctx, Request&, Reply reply) {
  Response r;
  r.body = ctx.metrics->render(ctx.store.get());
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  reply(std::move(r));
}

void plugins(AppContext& ctx, Request&, Reply reply) {
  json::array list;
  for (const auto& p : ctx.plugins->records()) {
    json::array deps;
    for (const auto& d : p.dependencies) deps.push_back(json::string(d));
    json::object o{{"name", p.name},
                   {"version", p.version},
                   {"kind", p.kind},
                   {"state", to_string(p.state)},
                   {"description", p.description},
                   {"dependencies", std::move(deps)},
                   {"file", p.path.filename().string()}};
    if (!p.reason.empty()) o["reason"] = p.reason;
    list.push_back(std::move(o));
  }
  reply(Response::json(200, json::object{{"plugins", std::move(list)}}));
}

void openapi(Request&, Reply reply) {
  Response r;
  r.body = std::string(embedded_file("openapi.json"));
  reply(std::move(r));
}

}  // namespace

Status add_system_routes(Router& router, std::shared_ptr<AppContext> ctx) {
  auto bind = [ctx](void (*fn)(AppContext&, Request&, Reply)) {
    return [ctx, fn](Request& req, Reply reply) { fn(*ctx, req, std::move(reply)); };
  };
  for (auto st : {router.add({"GET", "/health", "", "Liveness and store reachability", "host", bind(health)}),
                  router.add({"GET", "/metrics", "", "Prometheus metrics", "host", bind(metrics)}),
                  router.add({"GET", "/api/v1/openapi.json", "", "This API as OpenAPI 3.1", "host", openapi}),
                  router.add({"GET", "/api/v1/plugins", "reader", "Loaded, refused and failed plugins", "host",
                              bind(plugins)})})
    if (!st) return st;
  return {};
}

}  // namespace roundhouse::host
