#pragma once
// The model registry, kept in the event store (no side tables), per tenant:
//
//   model/<name>            ModelVersionTrained (version n = the n-th one), ModelVersionPromoted,
//                           ModelRolledBack. Small events: listing and promotion never read a model.
//   model-artifact/<sha256> the trained bytes, content addressed: ModelArtifactChunk events of at
//                           most 512 KiB each, base64 in the payload, appended in one atomic batch.
//
// Why a separate content-addressed stream rather than base64 inside ModelVersionTrained: an event
// may carry at most 1 MiB, and a few hundred deep trees exceed that; identical bytes are stored once;
// and the artifact still lives in the log, so backups, replication and the hash chain cover it.
// The sha256 recorded in ModelVersionTrained is checked on every load (corrupted otherwise).
//
// Thread-safety: functions are stateless apart from the loaded-model cache (thread-safe); two
// writers racing on one model stream get wrong_expected_version for the loser, nothing is lost.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "roundhouse/events/event_store.hpp"
#include "roundhouse/ml/model.hpp"

namespace roundhouse::ml::models {

inline constexpr const char* kModelStream = "model";
inline constexpr const char* kArtifactStream = "model-artifact";

struct ModelVersion {
  int version = 0;
  boost::json::object record;  // the ModelVersionTrained payload
  Timestamp trained_at = 0;    // recorded_at of that event
  std::string model_type() const;
  std::string artifact_sha256() const;
  std::string feature_schema_hash() const;
};

struct ModelInfo {
  std::string name;
  std::string model_type;
  std::vector<ModelVersion> versions;  // in version order
  std::vector<int> promotions;         // promotion stack; back() is the serving version
  Version stream_version = 0;
  std::optional<int> promoted() const {
    return promotions.empty() ? std::nullopt : std::optional<int>(promotions.back());
  }
  const ModelVersion* find(int version) const;
  boost::json::object summary_json() const;  // name, model_type, versions, latest, promoted, ...
};

// Who writes, for which tenant.
struct RegistryScope {
  std::string tenant;
  std::string actor;
};

// Model names: 1-64 of [A-Za-z0-9_.-], starting with a letter or digit. invalid_argument otherwise.
Status check_model_name(const std::string& name);

Result<std::vector<ModelInfo>> list_models(EventStore& store, const RegistryScope& scope);
// not_found "unknown model 'x'".
Result<ModelInfo> read_model(EventStore& store, const RegistryScope& scope, const std::string& name);

// Stores the artifact (once per content) and appends ModelVersionTrained with the next version
// number. `record` holds everything but version and artifact, which are filled in. Returns the
// full record as stored.
Result<ModelVersion> add_version(EventStore& store, const RegistryScope& scope, const std::string& name,
                                 const FittedModel& model, boost::json::object record);

// ModelVersionPromoted; not_found for an unknown model or version; promoting the serving version
// again is a no-op refusal (rule_violation).
Result<ModelInfo> promote(EventStore& store, const RegistryScope& scope, const std::string& name, int version);
// ModelRolledBack to the version promoted before the serving one; rule_violation when there is none.
Result<ModelInfo> rollback(EventStore& store, const RegistryScope& scope, const std::string& name);

// The artifact bytes of a version, checked against its sha256.
Result<std::vector<std::uint8_t>> read_artifact(EventStore& store, const RegistryScope& scope,
                                                const std::string& sha256);

// A model of this version rebuilt as the FittedModel its type can load.
Result<FittedModel> fitted_model(EventStore& store, const RegistryScope& scope, const ModelVersion& v);

}  // namespace roundhouse::ml::models
