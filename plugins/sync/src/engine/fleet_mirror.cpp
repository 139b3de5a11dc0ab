#include "fleet_mirror.hpp"

#include "engine_detail.hpp"
#include "roundhouse/domain/repository.hpp"
#include "roundhouse/plugin/registry.hpp"
#include "value_json.hpp"

namespace roundhouse::sync {
namespace json = boost::json;

namespace {
constexpr std::size_t kMaxCached = 50'000;  // folded aggregates kept; a miss costs one stream read
}  // namespace

FleetMirror::FleetMirror(std::shared_ptr<EventStore> store, const Registry* registry, const std::set<std::string>& types)
    : store_(std::move(store)), registry_(registry) {
  for (const auto& t : types)
    if (registry_ && registry_->aggregates.find(stream_type(t))) types_.emplace(stream_type(t), t);
}

std::string FleetMirror::stream_type(const std::string& sync_type) {
  return sync_type == "work_order" ? "workorder" : sync_type;
}

std::vector<std::string> FleetMirror::stream_types() const {
  std::vector<std::string> out;
  for (const auto& [stream, _] : types_) out.push_back(stream);
  return out;
}

Result<AggregateState*> FleetMirror::state_before(const RecordedEvent& e) {
  auto it = cache_.find(e.stream);
  if (it != cache_.end() && it->second.version + 1 == e.version) return it->second.state.get();
  if (cache_.size() >= kMaxCached) cache_.clear();
  auto type = registry_->aggregates.find(e.stream.type);
  Folded f{type->value.make(), 0};
  if (e.version > 1) {
    ReadStreamOptions opts;
    opts.max_count = e.version - 1;
    opts.tenant = e.tenant;
    auto events = store_->read_stream(e.stream, opts);
    if (!events) return events.error();
    for (auto& past : *events) {
      if (auto st = upcast(*registry_, past); !st) return st.error();
      if (auto st = f.state->apply(past); !st) return st.error();
      f.version = past.version;
    }
  }
  auto& slot = cache_[e.stream];
  slot = std::move(f);
  return slot.state.get();
}

Result<std::map<std::string, Value>> FleetMirror::changes(const RecordedEvent& e) {
  std::map<std::string, Value> out;
  const auto type = types_.find(e.stream.type);
  if (type == types_.end()) return out;
  auto state = state_before(e);
  if (!state) return state.error();
  const json::object before = (*state)->to_json();
  RecordedEvent current = e;
  if (auto st = upcast(*registry_, current); !st) return st.error();
  if (auto st = (*state)->apply(current); !st) return st.error();
  cache_[e.stream].version = e.version;
  const json::object after = (*state)->to_json();
  const std::string prefix = type->second + "/" + e.stream.id + "/";
  auto put = [&](const std::string& field, const json::value& v) {
    const std::string key = prefix + field;
    if (!engine_detail::check_key(key)) return;  // an id or field the sync key format cannot carry
    if (auto value = value_from_json(v)) out.emplace(key, std::move(*value));  // scalars only
  };
  for (const auto& [field, v] : after) {
    const auto* old = before.if_contains(field);
    if (!old || *old != v) put(std::string(field), v);
  }
  for (const auto& [field, v] : before)
    if (!after.contains(field) && !v.is_array() && !v.is_object()) put(std::string(field), nullptr);
  return out;
}

}  // namespace roundhouse::sync
