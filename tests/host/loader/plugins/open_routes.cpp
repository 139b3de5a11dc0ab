// Registers routes that probe how the host treats a plugin's "open" role, headers and bodiless
// statuses (tests/host/http/test_plugin_routes.py): one allowed open GET, two open routes the host
// must refuse (a POST, and a GET under /api/), and a route with the default role.
#include "roundhouse/plugin/plugin.hpp"

namespace {

using roundhouse::HttpRequest;
using roundhouse::HttpResponse;
using roundhouse::Result;

Result<HttpResponse> echo(const HttpRequest& req) {
  HttpResponse r;
  if (req.header("if-none-match") == "\"v1\"") {
    r.status = 304;
    r.json = boost::json::object{{"must", "not be sent"}};
  } else {
    r.json = boost::json::object{{"accept", req.header("accept", "(none)")},
                                 {"subject", req.principal.subject}};
  }
  r.headers["ETag"] = "\"v1\"";
  return r;
}

roundhouse::Status start(roundhouse::PluginContext& ctx) {
  auto& reg = ctx.registry();
  for (auto route : {roundhouse::Route{"GET", "/test-open/{x}", "open", "open page", &echo},
                     roundhouse::Route{"POST", "/test-open/{x}", "open", "open POST (refused)", &echo},
                     roundhouse::Route{"GET", "/api/v1/test-open", "open", "open API (refused)", &echo},
                     roundhouse::Route{"GET", "/test-default", "", "default role", &echo}})
    if (auto st = reg.add_route(ctx.plugin_name(), route); !st) return st;
  return {};
}

}  // namespace

ROUNDHOUSE_PLUGIN({.name = "test-open-routes", .version = "1.0.0", .kind = RH_PLUGIN_OTHER,
                   .description = "probes open plugin routes", .start = &start})
