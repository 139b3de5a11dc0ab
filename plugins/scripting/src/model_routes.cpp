#include "model_routes.hpp"

namespace roundhouse::scripting {

namespace {

Result<HttpResponse> answer(Result<boost::json::value> body) {
  if (!body) return body.error();
  HttpResponse res;
  res.json = std::move(*body);
  return res;
}

}  // namespace

Status register_model_routes(Registry& registry, const std::string& provider, std::shared_ptr<ScriptHost> host) {
  Route list{"GET", "/api/v1/scripting/models", "reader", "Models written in Python (rh.Model) that the scripts registered",
             [host](const HttpRequest&) -> Result<HttpResponse> {
               if (!host) return answer(boost::json::value(boost::json::object{{"models", boost::json::array{}}}));
               return answer(host->models());
             }};
  if (auto st = registry.add_route(provider, std::move(list)); !st) return st;
  Route predict{"POST", "/api/v1/scripting/models/{name}/predict", "reader",
                "Predictions of a model written in Python, for feature rows or for entities of the store",
                [host](const HttpRequest& req) -> Result<HttpResponse> {
                  if (!host) return Error{ErrorCode::not_found, "no models: the scripting plugin has no scripts_dir configured"};
                  if (!req.body.empty() && !req.json.is_object())
                    return Error{ErrorCode::invalid_argument, "the body must be a JSON object"};
                  return answer(host->predict(req.path_params.at("name"), req.body, *req.services, req.principal));
                }};
  return registry.add_route(provider, std::move(predict));
}

}  // namespace roundhouse::scripting
