#include "models/model_registry.hpp"

#include <algorithm>
#include <cctype>
#include <span>
#include <map>

#include "models/blob_codec.hpp"

namespace roundhouse::ml::models {
namespace {

namespace json = boost::json;

constexpr std::size_t kChunkBytes = 512 * 1024;  // 683 KiB of base64: under the 1 MiB event limit

std::string str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

const json::object& obj(const json::object& o, const char* key) {
  static const json::object kEmpty;
  auto* v = o.if_contains(key);
  return v && v->is_object() ? v->get_object() : kEmpty;
}

NewEvent event(std::string type, json::object payload, const RegistryScope& scope) {
  NewEvent e;
  e.type = std::move(type);
  e.payload = std::move(payload);
  e.metadata.actor = scope.actor;
  return e;
}

Status append(EventStore& store, const RegistryScope& scope, StreamId stream, ExpectedVersion expected,
              std::vector<NewEvent> events) {
  AppendRequest req;
  req.stream = std::move(stream);
  req.expected = expected;
  req.events = std::move(events);
  req.tenant = scope.tenant;
  auto r = store.append(std::move(req));
  return r ? Status{} : Status{r.error()};
}

// Folds one model stream.
ModelInfo fold(const std::string& name, const std::vector<RecordedEvent>& events) {
  ModelInfo info;
  info.name = name;
  for (const auto& e : events) {
    info.stream_version = e.version;
    const json::object p = e.payload_json().as_object();
    if (e.type == "ModelVersionTrained") {
      ModelVersion v;
      v.version = static_cast<int>(p.at("version").to_number<std::int64_t>());
      v.record = p;
      v.trained_at = e.recorded_at;
      if (info.model_type.empty()) info.model_type = v.model_type();
      info.versions.push_back(std::move(v));
    } else if (e.type == "ModelVersionPromoted") {
      info.promotions.push_back(static_cast<int>(p.at("version").to_number<std::int64_t>()));
    } else if (e.type == "ModelRolledBack" && !info.promotions.empty()) {
      info.promotions.pop_back();
    }
  }
  return info;
}

std::vector<NewEvent> artifact_events(const std::vector<std::uint8_t>& bytes, const std::string& sha,
                                      const RegistryScope& scope) {
  std::vector<NewEvent> out;
  const std::size_t count = std::max<std::size_t>(1, (bytes.size() + kChunkBytes - 1) / kChunkBytes);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t begin = i * kChunkBytes, end = std::min(bytes.size(), begin + kChunkBytes);
    std::span<const std::uint8_t> part(bytes.data() + begin, end - begin);
    out.push_back(event("ModelArtifactChunk",
                        {{"sha256", sha}, {"index", i}, {"count", count}, {"total_bytes", bytes.size()},
                         {"data", base64_encode(part)}},
                        scope));
  }
  return out;
}

}  // namespace

std::string ModelVersion::model_type() const { return str(record, "model_type"); }
std::string ModelVersion::artifact_sha256() const { return str(obj(record, "artifact"), "sha256"); }
std::string ModelVersion::feature_schema_hash() const { return str(obj(record, "feature_schema"), "hash"); }

const ModelVersion* ModelInfo::find(int version) const {
  for (const auto& v : versions)
    if (v.version == version) return &v;
  return nullptr;
}

json::object ModelInfo::summary_json() const {
  json::object o{{"name", name}, {"model_type", model_type}, {"versions", versions.size()}};
  o["latest_version"] = versions.empty() ? json::value(nullptr) : json::value(versions.back().version);
  o["promoted_version"] = promoted() ? json::value(*promoted()) : json::value(nullptr);
  if (!versions.empty()) {
    const auto& latest = versions.back();
    o["kind"] = str(latest.record, "kind");
    o["latest_metrics"] = obj(latest.record, "metrics");
    o["trained_at"] = format_timestamp(latest.trained_at);
  }
  return o;
}

Status check_model_name(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 64 && std::isalnum(static_cast<unsigned char>(name[0])) &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
                  });
  if (ok) return {};
  return {ErrorCode::invalid_argument,
          "model name '" + name + "' must be 1-64 letters, digits, '_', '-', '.', starting with a letter or digit"};
}

Result<std::vector<ModelInfo>> list_models(EventStore& store, const RegistryScope& scope) {
  ReadAllOptions options;
  options.filter.aggregate_types = {kModelStream};
  options.filter.tenant = scope.tenant;
  std::map<std::string, std::vector<RecordedEvent>> streams;
  Status st = store.read_all(options, [&](const RecordedEvent& e) {
    streams[e.stream.id].push_back(e);
    return true;
  });
  if (!st) return st.error();
  std::vector<ModelInfo> out;
  for (const auto& [name, events] : streams) out.push_back(fold(name, events));
  return out;
}

Result<ModelInfo> read_model(EventStore& store, const RegistryScope& scope, const std::string& name) {
  if (Status st = check_model_name(name); !st) return st.error();
  ReadStreamOptions options;
  options.tenant = scope.tenant;
  auto events = store.read_stream({kModelStream, name}, options);
  if (!events) {
    if (events.error().code == ErrorCode::not_found) return Error{ErrorCode::not_found, "unknown model '" + name + "'"};
    return events.error();
  }
  return fold(name, *events);
}

Result<ModelVersion> add_version(EventStore& store, const RegistryScope& scope, const std::string& name,
                                 const FittedModel& model, json::object record) {
  if (Status st = check_model_name(name); !st) return st.error();
  ModelInfo info;
  if (auto existing = read_model(store, scope, name)) info = std::move(*existing);
  else if (existing.error().code != ErrorCode::not_found) return existing.error();
  const std::string type = str(record, "model_type");
  if (!info.model_type.empty() && info.model_type != type)
    return Error{ErrorCode::rule_violation, "model '" + name + "' is a '" + info.model_type +
                                                "' model; a new version cannot be of type '" + type + "'"};

  const std::string sha = sha256_hex(model.artifact);
  // Content addressed: the same bytes stored before are simply reused.
  Status st = append(store, scope, {kArtifactStream, sha}, ExpectedVersion::no_stream(),
                     artifact_events(model.artifact, sha, scope));
  if (!st && st.code() != ErrorCode::wrong_expected_version) return st.error();

  const int version = info.versions.empty() ? 1 : info.versions.back().version + 1;
  record["version"] = version;
  record["artifact"] = {{"format", model.format}, {"sha256", sha}, {"bytes", model.artifact.size()}};
  st = append(store, scope, {kModelStream, name}, ExpectedVersion::exact(info.stream_version),
              {event("ModelVersionTrained", record, scope)});
  if (!st) return st.error();
  auto after = read_model(store, scope, name);
  if (!after) return after.error();
  return *after->find(version);
}

Result<ModelInfo> promote(EventStore& store, const RegistryScope& scope, const std::string& name, int version) {
  auto info = read_model(store, scope, name);
  if (!info) return info.error();
  if (!info->find(version))
    return Error{ErrorCode::not_found, "model '" + name + "' has no version " + std::to_string(version) +
                                           " (versions 1.." + std::to_string(info->versions.size()) + ")"};
  if (info->promoted() == version)
    return Error{ErrorCode::rule_violation,
                 "version " + std::to_string(version) + " of model '" + name + "' is already the promoted one"};
  json::object payload{{"version", version}};
  payload["previous"] = info->promoted() ? json::value(*info->promoted()) : json::value(nullptr);
  if (Status st = append(store, scope, {kModelStream, name}, ExpectedVersion::exact(info->stream_version),
                         {event("ModelVersionPromoted", std::move(payload), scope)});
      !st)
    return st.error();
  return read_model(store, scope, name);
}

Result<ModelInfo> rollback(EventStore& store, const RegistryScope& scope, const std::string& name) {
  auto info = read_model(store, scope, name);
  if (!info) return info.error();
  if (info->promotions.size() < 2)
    return Error{ErrorCode::rule_violation,
                 "model '" + name + "' has no earlier promoted version to roll back to" +
                     (info->promoted() ? " (only version " + std::to_string(*info->promoted()) + " was promoted)"
                                       : " (no version was promoted)")};
  const int from = info->promotions.back(), to = info->promotions[info->promotions.size() - 2];
  if (Status st = append(store, scope, {kModelStream, name}, ExpectedVersion::exact(info->stream_version),
                         {event("ModelRolledBack", {{"from_version", from}, {"to_version", to}}, scope)});
      !st)
    return st.error();
  return read_model(store, scope, name);
}

Result<std::vector<std::uint8_t>> read_artifact(EventStore& store, const RegistryScope& scope,
                                                const std::string& sha256) {
  ReadStreamOptions options;
  options.tenant = scope.tenant;
  auto events = store.read_stream({kArtifactStream, sha256}, options);
  if (!events) return Error{ErrorCode::corrupted, "model artifact " + sha256 + " is missing: " + events.error().message};
  std::vector<std::uint8_t> bytes;
  for (const auto& e : *events) {
    if (e.type != "ModelArtifactChunk") continue;
    auto part = base64_decode(e.payload_json().at("data").as_string());
    if (!part) return Error{ErrorCode::corrupted, "model artifact " + sha256 + ": " + part.error().message};
    bytes.insert(bytes.end(), part->begin(), part->end());
  }
  if (sha256_hex(bytes) != sha256)
    return Error{ErrorCode::corrupted, "model artifact " + sha256 + " does not match its sha256"};
  return bytes;
}

Result<FittedModel> fitted_model(EventStore& store, const RegistryScope& scope, const ModelVersion& v) {
  auto bytes = read_artifact(store, scope, v.artifact_sha256());
  if (!bytes) return bytes.error();
  FittedModel m;
  m.format = str(obj(v.record, "artifact"), "format");
  m.artifact = std::move(*bytes);
  const auto& schema = obj(v.record, "feature_schema");
  m.feature_schema_hash = str(schema, "hash");
  if (auto* cols = schema.if_contains("columns"); cols && cols->is_array())
    for (const auto& c : cols->get_array())
      if (c.is_string()) m.columns.emplace_back(c.get_string());
  m.hyperparameters = obj(v.record, "hyperparameters");
  return m;
}

}  // namespace roundhouse::ml::models
