#pragma once
// The prediction service: a model's promoted (or a named) version applied to entities at an as-of
// time, each prediction recorded as a PredictionMade event on the stream prediction/<model name>.
//
// Features come from the model type's extractor with the parameters stored in the version's
// record, as of `as_of` (default now) and known at `known_at` (default as_of); the matrix must
// have the version's feature-schema hash (else rule_violation naming both hashes).
//
// Loaded models are cached by (tenant, artifact sha256). The model stream is read on every call
// (a handful of small events), so a promotion or rollback takes effect on the next prediction;
// artifacts are immutable, so a cached booster is never stale. The cache holds at most 32 models.

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "models/model_registry.hpp"

namespace roundhouse {
class Registry;
}

namespace roundhouse::ml::models {

inline constexpr const char* kPredictionStream = "prediction";

struct PredictRequest {
  std::string name;                     // model name
  std::vector<std::string> entity_ids;  // empty: every entity the extractor describes at as_of
  std::optional<Timestamp> as_of;
  std::optional<Timestamp> known_at;
  std::optional<int> version;           // default: the promoted version
  bool record = true;                   // append PredictionMade events
};

struct Prediction {
  std::string entity_id;
  double value = 0.0;
};

struct PredictOutcome {
  std::string name, model_type, kind, feature_schema_hash;
  int version = 0;
  Timestamp as_of = 0, known_at = 0;
  std::vector<Prediction> predictions;  // entity order of the feature matrix (ascending ids)
  std::size_t recorded = 0;             // PredictionMade events appended
  boost::json::object to_json() const;
};

// Errors: not_found (unknown model, version or entity), rule_violation (no promoted version,
// feature-schema mismatch), invalid_argument, the store's errors.
Result<PredictOutcome> predict(const Registry& registry, EventStore& store, const RegistryScope& scope,
                               const PredictRequest& request);

// Forgets every cached model (tests; a plugin stop).
void clear_model_cache();

}  // namespace roundhouse::ml::models
