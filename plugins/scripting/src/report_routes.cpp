#include "report_routes.hpp"

namespace roundhouse::scripting {

Status register_report_routes(Registry& registry, const std::string& provider, std::shared_ptr<ScriptHost> host) {
  Route list{"GET", "/api/v1/reports", "reader", "Reports written in Python (scripting plugin) and scripts that failed to load",
             [host](const HttpRequest&) -> Result<HttpResponse> {
               auto body = host ? host->listing() : Result<boost::json::value>(boost::json::object{
                                                        {"reports", boost::json::array{}}, {"scripts", boost::json::array{}}});
               if (!body) return body.error();
               HttpResponse res;
               res.json = std::move(*body);
               return res;
             }};
  if (auto st = registry.add_route(provider, std::move(list)); !st) return st;
  Route run{"GET", "/api/v1/reports/{name}", "reader", "Run a report written in Python; query parameters are its params",
            [host](const HttpRequest& req) -> Result<HttpResponse> {
              if (!host) return Error{ErrorCode::not_found, "no reports: the scripting plugin has no scripts_dir configured"};
              boost::json::object params;
              for (const auto& [k, v] : req.query) params[k] = v;
              auto body = host->run(req.path_params.at("name"), params, *req.services, req.principal);
              if (!body) return body.error();
              HttpResponse res;
              res.json = std::move(*body);
              return res;
            }};
  return registry.add_route(provider, std::move(run));
}

}  // namespace roundhouse::scripting
