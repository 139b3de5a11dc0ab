// Adapts routes registered by plugins (roundhouse/http/route.hpp) to the host's router: the host
// authenticates, parses JSON bodies, renders errors as problem+json and records metrics; the
// plugin handler only sees an HttpRequest and returns an HttpResponse or an Error.
#include <boost/json.hpp>

#include "handlers.hpp"
#include "log.hpp"
#include "problem.hpp"
#include "roundhouse/plugin/registry.hpp"
#include "roundhouse/core/json_text.hpp"

namespace roundhouse::host {
namespace json = boost::json;

namespace {

void run_plugin_route(AppContext& ctx, const Route& route, Request& req, Reply reply) {
  HttpRequest in;
  in.method = req.method;
  in.path = req.path;
  in.path_params = req.path_params;
  in.query = req.query;
  in.headers = req.headers;
  in.principal = req.principal;
  in.services = &ctx.services;
  const bool json_body = req.content_type.empty() || req.content_type.find("json") != std::string::npos;
  if (!req.body.empty() && json_body) {
    boost::system::error_code ec;
    in.json = json::parse(req.body, ec);
    if (ec)
      return reply(problem(400, codes::malformed_json, "the request body is not valid JSON: " + ec.message(), req.path));
  }
  in.body = std::move(req.body);

  Result<HttpResponse> out = route.handler(in);
  if (!out) return reply(problem(out.error(), req.path));
  Response r;
  r.status = out->status;
  if (r.status == 204 || r.status == 304) {
    // No body by definition (RFC 9110): not even the "null" an empty JSON value would render as.
  } else if (!out->body.empty()) {
    r.body = std::move(out->body);
    if (!out->content_type.empty()) r.content_type = out->content_type;
  } else {
    r.body = to_json_text(out->json);
  }
  for (auto& [k, v] : out->headers) r.headers.emplace_back(k, v);
  reply(std::move(r));
}

// The router's role for a plugin route ("" = open), or an error for an open route the host does not
// allow: only GET pages and files outside /api/ may be served without credentials.
Result<std::string> router_role(const Route& route) {
  if (route.required_role.empty()) return std::string("reader");
  if (route.required_role != "open") return route.required_role;
  if (route.method != "GET")
    return Error{ErrorCode::invalid_argument, "only GET routes may be open, not " + route.method};
  if (route.pattern == "/api" || route.pattern.starts_with("/api/"))
    return Error{ErrorCode::invalid_argument, "routes under /api/ need a role; 'open' is for pages and static files"};
  return std::string();
}

}  // namespace

void add_plugin_routes(Router& router, std::shared_ptr<AppContext> ctx) {
  for (auto& entry : ctx->registry->routes.list()) {
    auto route = std::make_shared<const Route>(entry.value);
    auto role = router_role(*route);
    if (!role) {
      Log::warn("plugin route skipped", {{"provider", entry.provider}, {"route", entry.name}, {"reason", role.error().message}});
      continue;
    }
    RouteSpec spec{route->method, route->pattern, *role, route->summary, entry.provider,
                   [ctx, route](Request& req, Reply reply) { run_plugin_route(*ctx, *route, req, std::move(reply)); }};
    if (auto st = router.add(std::move(spec)); !st)
      Log::warn("plugin route skipped", {{"provider", entry.provider}, {"route", entry.name}, {"reason", st.message()}});
  }
}

}  // namespace roundhouse::host
