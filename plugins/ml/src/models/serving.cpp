#include "models/serving.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "models/training.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::ml::models {
namespace {

namespace json = boost::json;

constexpr std::size_t kCacheLimit = 32;
constexpr std::size_t kEventsPerAppend = 5000;

std::mutex& cache_mutex() {
  static std::mutex m;
  return m;
}
// Never destroyed: boosters freed during static destruction would call into an XGBoost library
// whose own globals may already be gone (an invalid free at exit).
std::map<std::string, PredictorPtr>& cache() {
  static auto* c = new std::map<std::string, PredictorPtr>;
  return *c;
}

Result<PredictorPtr> loaded(const ModelType& type, EventStore& store, const RegistryScope& scope,
                            const ModelVersion& v) {
  const std::string key = scope.tenant + "/" + v.artifact_sha256();
  {
    std::lock_guard lock(cache_mutex());
    if (auto it = cache().find(key); it != cache().end()) return it->second;
  }
  auto fitted = fitted_model(store, scope, v);
  if (!fitted) return fitted.error();
  auto predictor = type.load(*fitted);
  if (!predictor) return predictor.error();
  std::lock_guard lock(cache_mutex());
  if (cache().size() >= kCacheLimit) cache().clear();
  cache()[key] = *predictor;
  return *predictor;
}

Status record_predictions(EventStore& store, const RegistryScope& scope, const PredictOutcome& out) {
  for (std::size_t begin = 0; begin < out.predictions.size(); begin += kEventsPerAppend) {
    AppendRequest req;
    req.stream = {kPredictionStream, out.name};
    req.tenant = scope.tenant;
    const std::size_t end = std::min(out.predictions.size(), begin + kEventsPerAppend);
    for (std::size_t i = begin; i < end; ++i) {
      NewEvent e;
      e.type = "PredictionMade";
      e.occurred_at = out.as_of;
      e.metadata.actor = scope.actor;
      e.payload = json::object{{"model", out.name},
                               {"version", out.version},
                               {"model_type", out.model_type},
                               {"entity_id", out.predictions[i].entity_id},
                               {"value", out.predictions[i].value},
                               {"as_of", format_timestamp(out.as_of)},
                               {"known_at", format_timestamp(out.known_at)},
                               {"feature_schema_hash", out.feature_schema_hash}};
      req.events.push_back(std::move(e));
    }
    if (auto r = store.append(std::move(req)); !r) return r.error();
  }
  return {};
}

}  // namespace

json::object PredictOutcome::to_json() const {
  json::array rows;
  for (const auto& p : predictions) rows.push_back(json::object{{"entity_id", p.entity_id}, {"value", p.value}});
  return {{"model", name},          {"version", version},
          {"model_type", model_type}, {"kind", kind},
          {"as_of", format_timestamp(as_of)}, {"known_at", format_timestamp(known_at)},
          {"feature_schema_hash", feature_schema_hash}, {"predictions", std::move(rows)},
          {"recorded", recorded}};
}

void clear_model_cache() {
  std::lock_guard lock(cache_mutex());
  cache().clear();
}

Result<PredictOutcome> predict(const Registry& registry, EventStore& store, const RegistryScope& scope,
                               const PredictRequest& request) {
  auto info = read_model(store, scope, request.name);
  if (!info) return info.error();
  int version = 0;
  if (request.version) {
    version = *request.version;
  } else if (info->promoted()) {
    version = *info->promoted();
  } else {
    return Error{ErrorCode::rule_violation,
                 "model '" + request.name + "' has no promoted version (versions 1.." +
                     std::to_string(info->versions.size()) + "; promote one first)"};
  }
  const ModelVersion* v = info->find(version);
  if (!v)
    return Error{ErrorCode::not_found, "model '" + request.name + "' has no version " + std::to_string(version)};
  auto type = find_model_type(registry, v->model_type());
  if (!type) return type.error();
  auto predictor = loaded(**type, store, scope, *v);
  if (!predictor) return predictor.error();

  PredictOutcome out;
  out.name = request.name;
  out.version = version;
  out.model_type = v->model_type();
  out.kind = std::string(to_string((*type)->kind()));
  out.feature_schema_hash = v->feature_schema_hash();
  out.as_of = request.as_of.value_or(now_micros());
  out.known_at = request.known_at.value_or(out.as_of);

  FeatureRequest f;
  f.entity_ids = request.entity_ids;
  f.as_of = {out.as_of};
  f.known_at = out.known_at;
  f.tenant = scope.tenant;
  if (auto* schema = v->record.if_contains("feature_schema"))
    if (auto* params = schema->as_object().if_contains("parameters"); params && params->is_object())
      f.parameters = params->get_object();
  auto m = extract_features(registry, store, (*type)->extractor(), f);
  if (!m) return m.error();
  if (Status st = check_schema(*m, out.feature_schema_hash); !st)
    return Error{ErrorCode::rule_violation, st.message()};
  if (m->rows() > 0) {
    auto values = (*predictor)->predict(*m);
    if (!values) return values.error();
    for (std::size_t r = 0; r < m->rows(); ++r)
      out.predictions.push_back({m->entity_ids[r], (*type)->finish((*values)[r])});
  }
  if (request.record && !out.predictions.empty()) {
    if (Status st = record_predictions(store, scope, out); !st) return st.error();
    out.recorded = out.predictions.size();
  }
  return out;
}

}  // namespace roundhouse::ml::models
