#include "http/feature_routes.hpp"

#include <boost/json/parse.hpp>

#include "http/json_input.hpp"

namespace roundhouse::ml::http {
namespace {

Error bad(const std::string& m) { return {ErrorCode::invalid_argument, m}; }

// Query: as_of (repeatable, default now), known_at (time or "now"), entity (repeatable),
// rows=each_event, params (a JSON object). Unknown query parameters are refused.
Result<FeatureRequest> request_from(const HttpRequest& req) {
  FeatureRequest r;
  for (const auto& [key, value] : req.query) {
    if (key == "as_of") {
      auto t = time_param("as_of", value);
      if (!t) return t.error();
      r.as_of.push_back(*t);
    } else if (key == "known_at") {
      auto t = time_param("known_at", value);
      if (!t) return t.error();
      r.known_at = *t;
    } else if (key == "entity") {
      r.entity_ids.push_back(value);
    } else if (key == "rows") {
      if (value != "each_event" && value != "given") return bad("rows: 'each_event' or 'given', got '" + value + "'");
      if (value == "each_event") r.rows = RowTimes::each_event;
    } else if (key == "params") {
      boost::system::error_code ec;
      auto doc = boost::json::parse(value, ec);
      if (ec || !doc.is_object()) return bad("params: not a JSON object");
      r.parameters = doc.as_object();
    } else {
      return bad("unknown query parameter '" + key + "' (as_of, known_at, entity, rows, params)");
    }
  }
  if (r.rows == RowTimes::each_event && !r.as_of.empty()) return bad("rows=each_event and as_of exclude each other");
  if (r.rows == RowTimes::given && r.as_of.empty()) r.as_of.push_back(now_micros());
  r.tenant = req.principal.tenant;
  return r;
}

}  // namespace

Status register_feature_routes(Registry& registry, const std::string& provider) {
  Route route{"GET", "/api/v1/ml/features/{extractor}", "reader",
              "a feature matrix: rows per entity and as-of time, with its schema and hash",
              [](const HttpRequest& req) -> Result<HttpResponse> {
                auto request = request_from(req);
                if (!request) return request.error();
                auto m = extract_features(*req.services->registry, *req.services->store,
                                          req.path_params.at("extractor"), *request);
                if (!m) return m.error();
                HttpResponse res;
                res.json = m->to_json();
                return res;
              }};
  return registry.add_route(provider, std::move(route));
}

}  // namespace roundhouse::ml::http
