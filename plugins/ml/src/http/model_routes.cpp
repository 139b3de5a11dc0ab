#include "http/model_routes.hpp"

#include <cmath>

#include "http/json_input.hpp"
#include "models/serving.hpp"
#include "models/training.hpp"

namespace roundhouse::ml::http {
namespace {

namespace json = boost::json;
using models::RegistryScope;

RegistryScope scope_of(const HttpRequest& req) { return {req.principal.tenant, req.principal.subject}; }

HttpResponse reply(json::value body, int status = 200) {
  HttpResponse res;
  res.status = status;
  res.json = std::move(body);
  return res;
}

Result<std::optional<Timestamp>> time_member(const json::object& o, const std::string& key) {
  auto s = string_member(o, key);
  if (!s) return s.error();
  if (!*s) return std::optional<Timestamp>{};
  auto t = time_param(key, **s);
  if (!t) return t.error();
  return std::optional<Timestamp>{*t};
}

Result<json::object> object_member(const json::object& o, const std::string& key) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return json::object{};
  if (!v->is_object()) return bad_input("'" + key + "' must be a JSON object");
  return v->get_object();
}

Result<bool> bool_member(const json::object& o, const std::string& key, bool fallback) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_bool()) return bad_input("'" + key + "' must be true or false");
  return v->get_bool();
}

Result<std::optional<int>> version_of(const json::value* v, const std::string& what) {
  if (!v || v->is_null()) return std::optional<int>{};
  if (!(v->is_int64() || v->is_uint64()) || v->to_number<std::int64_t>() < 1 || v->to_number<std::int64_t>() > 1000000)
    return bad_input("'" + what + "' must be a whole number >= 1");
  return std::optional<int>{static_cast<int>(v->to_number<std::int64_t>())};
}

json::object versions_json(const models::ModelInfo& info) {
  json::array versions;
  for (const auto& v : info.versions) {
    json::object o = v.record;
    o["trained_at"] = format_timestamp(v.trained_at);
    o["promoted"] = info.promoted() == v.version;
    versions.push_back(std::move(o));
  }
  json::object out = info.summary_json();
  out["versions"] = std::move(versions);
  json::array history;
  for (int p : info.promotions) history.push_back(p);
  out["promotion_stack"] = std::move(history);
  return out;
}

Result<HttpResponse> list_models(const HttpRequest& req) {
  auto models = models::list_models(*req.services->store, scope_of(req));
  if (!models) return models.error();
  json::array list, types;
  for (const auto& m : *models) list.push_back(m.summary_json());
  for (const auto& e : req.services->registry->models.list())
    types.push_back(json::object{{"name", e.name},
                                 {"kind", to_string(e.value->kind())},
                                 {"extractor", e.value->extractor()},
                                 {"description", e.value->description()},
                                 {"provider", e.provider}});
  return reply(json::object{{"models", std::move(list)}, {"types", std::move(types)}});
}

Result<HttpResponse> train(const HttpRequest& req) {
  auto body = body_object(req);
  if (!body) return body.error();
  const json::object& o = **body;
  if (Status st = only_members(o, {"model_type", "name", "parameters", "extractor_parameters", "hyperparameters",
                                   "split", "as_of", "known_at", "promote"});
      !st)
    return st.error();
  models::TrainRequest r;
  auto type = string_member(o, "model_type");
  if (!type) return type.error();
  if (!*type) return bad_input("'model_type' is required (GET /api/v1/ml/models lists the types)");
  r.model_type = **type;
  auto name = string_member(o, "name");
  if (!name) return name.error();
  r.name = name->value_or(r.model_type);
  for (auto [key, target] : {std::pair{"parameters", &r.dataset.parameters},
                             std::pair{"extractor_parameters", &r.dataset.extractor_parameters},
                             std::pair{"hyperparameters", &r.hyperparameters}}) {
    auto v = object_member(o, key);
    if (!v) return v.error();
    *target = std::move(*v);
  }
  auto split = object_member(o, "split");
  if (!split) return split.error();
  auto split_options = models::split_options(*split);
  if (!split_options) return split_options.error();
  r.split = *split_options;
  auto as_of = time_member(o, "as_of");
  if (!as_of) return as_of.error();
  auto known_at = time_member(o, "known_at");
  if (!known_at) return known_at.error();
  r.dataset.as_of = *as_of;
  r.dataset.known_at = *known_at;
  auto promote = bool_member(o, "promote", false);
  if (!promote) return promote.error();
  r.promote = *promote;
  auto out = models::train_model(*req.services->registry, *req.services->store, scope_of(req), r);
  if (!out) return out.error();
  json::object version = out->version.record;
  version["trained_at"] = format_timestamp(out->version.trained_at);
  return reply(json::object{{"model", out->model.summary_json()}, {"version", std::move(version)}}, 201);
}

Result<HttpResponse> versions(const HttpRequest& req) {
  auto info = models::read_model(*req.services->store, scope_of(req), req.path_params.at("name"));
  if (!info) return info.error();
  return reply(versions_json(*info));
}

Result<HttpResponse> promote(const HttpRequest& req) {
  auto body = body_object(req);
  if (!body) return body.error();
  if (Status st = only_members(**body, {"version"}); !st) return st.error();
  auto version = version_of((*body)->if_contains("version"), "version");
  if (!version) return version.error();
  if (!*version) return bad_input("'version' is required");
  auto info = models::promote(*req.services->store, scope_of(req), req.path_params.at("name"), **version);
  if (!info) return info.error();
  return reply(versions_json(*info));
}

Result<HttpResponse> rollback(const HttpRequest& req) {
  auto info = models::rollback(*req.services->store, scope_of(req), req.path_params.at("name"));
  if (!info) return info.error();
  return reply(versions_json(*info));
}

// Query of the single-entity routes: model, version, as_of, known_at, record.
Result<models::PredictRequest> query_request(const HttpRequest& req, const std::string& default_model,
                                             const std::string& entity) {
  models::PredictRequest r;
  r.name = req.query_param("model", default_model);
  r.entity_ids = {entity};
  for (const auto& [key, value] : req.query) {
    if (key == "as_of" || key == "known_at") {
      auto t = time_param(key, value);
      if (!t) return t.error();
      (key == "as_of" ? r.as_of : r.known_at) = *t;
    } else if (key == "version") {
      if (value.empty() || value.size() > 6 || value.find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(value) < 1)
        return bad_input("version: must be a whole number >= 1, got '" + value + "'");
      r.version = std::stoi(value);
    } else if (key == "record") {
      if (value != "true" && value != "false") return bad_input("record: 'true' or 'false', got '" + value + "'");
      r.record = value == "true";
    } else if (key != "model") {
      return bad_input("unknown query parameter '" + key + "' (model, version, as_of, known_at, record)");
    }
  }
  return r;
}

Result<HttpResponse> predict_one(const HttpRequest& req, const std::string& default_model, const std::string& param) {
  auto r = query_request(req, default_model, req.path_params.at(param));
  if (!r) return r.error();
  auto out = models::predict(*req.services->registry, *req.services->store, scope_of(req), *r);
  if (!out) return out.error();
  json::object body = out->to_json();
  body.erase("predictions");
  body["entity_id"] = r->entity_ids.front();
  body["value"] = out->predictions.empty() ? json::value(nullptr) : json::value(out->predictions.front().value);
  return reply(std::move(body));
}

Result<HttpResponse> predict_batch(const HttpRequest& req) {
  models::PredictRequest r;
  r.name = req.path_params.at("name");
  if (!req.body.empty()) {
    auto body = body_object(req);
    if (!body) return body.error();
    const json::object& o = **body;
    if (Status st = only_members(o, {"entity_ids", "as_of", "known_at", "version", "record"}); !st) return st.error();
    if (auto* ids = o.if_contains("entity_ids"); ids && !ids->is_null()) {
      if (!ids->is_array()) return bad_input("'entity_ids' must be an array of strings");
      for (const auto& id : ids->get_array()) {
        if (!id.is_string() || id.get_string().empty()) return bad_input("'entity_ids' must list non-empty strings");
        r.entity_ids.emplace_back(id.get_string());
      }
    }
    auto as_of = time_member(o, "as_of");
    if (!as_of) return as_of.error();
    auto known_at = time_member(o, "known_at");
    if (!known_at) return known_at.error();
    r.as_of = *as_of;
    r.known_at = *known_at;
    auto version = version_of(o.if_contains("version"), "version");
    if (!version) return version.error();
    r.version = *version;
    auto record = bool_member(o, "record", true);
    if (!record) return record.error();
    r.record = *record;
  }
  auto out = models::predict(*req.services->registry, *req.services->store, scope_of(req), r);
  if (!out) return out.error();
  return reply(out->to_json());
}

}  // namespace

Status register_model_routes(Registry& registry, const std::string& provider) {
  const Route routes[] = {
      {"GET", "/api/v1/ml/models", "reader", "model types and the tenant's trained models", &list_models},
      {"POST", "/api/v1/ml/models/train", "writer", "train a new version of a model from the event log", &train},
      {"GET", "/api/v1/ml/models/{name}/versions", "reader", "every version of a model with metrics", &versions},
      {"POST", "/api/v1/ml/models/{name}/promote", "writer", "serve a version of a model", &promote},
      {"POST", "/api/v1/ml/models/{name}/rollback", "writer", "serve the previously promoted version again",
       &rollback},
      {"GET", "/api/v1/ml/predict/maintenance/{vehicle_id}", "reader", "failure risk of a vehicle within the horizon",
       [](const HttpRequest& req) { return predict_one(req, "failure-risk", "vehicle_id"); }},
      {"GET", "/api/v1/ml/predict/rul/{asset_id}", "reader", "remaining useful life of an asset in cycles",
       [](const HttpRequest& req) { return predict_one(req, "rul", "asset_id"); }},
      {"POST", "/api/v1/ml/predict/{name}", "reader", "predictions of a model for many entities", &predict_batch},
  };
  for (const auto& route : routes)
    if (Status st = registry.add_route(provider, route); !st) return st;
  return {};
}

}  // namespace roundhouse::ml::http
