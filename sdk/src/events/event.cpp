#include "roundhouse/events/event.hpp"

#include <boost/json/parse.hpp>

namespace roundhouse {
namespace json = boost::json;

std::string to_string(const StreamId& s) { return s.type + "/" + s.id; }

std::string hex(const Hash& h) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(64, '0');
  for (std::size_t i = 0; i < h.size(); ++i) {
    s[2 * i] = digits[h[i] >> 4];
    s[2 * i + 1] = digits[h[i] & 0xF];
  }
  return s;
}

namespace {
constexpr const char* kKnownKeys[] = {"actor", "tenant", "correlation_id", "causation_id", "device"};
}

json::object EventMetadata::to_json() const {
  json::object o = extra;
  auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) o[key] = v;
    else o.erase(key);
  };
  put("actor", actor);
  put("tenant", tenant);
  put("correlation_id", correlation_id);
  put("causation_id", causation_id);
  put("device", device);
  return o;
}

Result<EventMetadata> EventMetadata::from_json(const json::value& v) {
  if (v.is_null()) return EventMetadata{};
  if (!v.is_object()) return Error{ErrorCode::invalid_argument, "metadata must be a JSON object"};
  EventMetadata m;
  const auto& o = v.get_object();
  std::string* fields[] = {&m.actor, &m.tenant, &m.correlation_id, &m.causation_id, &m.device};
  for (std::size_t i = 0; i < 5; ++i) {
    if (auto* f = o.if_contains(kKnownKeys[i])) {
      if (!f->is_string())
        return Error{ErrorCode::invalid_argument,
                     std::string("metadata.") + kKnownKeys[i] + " must be a string"};
      *fields[i] = std::string(f->get_string());
    }
  }
  for (const auto& kv : o) {
    bool known = false;
    for (const char* k : kKnownKeys) known = known || kv.key() == k;
    if (!known) m.extra.emplace(kv.key(), kv.value());
  }
  return m;
}

json::value RecordedEvent::payload_json() const { return json::parse(payload); }

EventMetadata RecordedEvent::metadata_parsed() const {
  auto r = EventMetadata::from_json(json::parse(metadata));
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(r).value();
}

json::object RecordedEvent::to_json() const {
  json::object o;
  o["position"] = position;
  o["stream"] = json::object{{"type", stream.type}, {"id", stream.id}};
  o["version"] = version;
  o["id"] = id.to_string();
  o["type"] = type;
  o["occurred_at"] = format_timestamp(occurred_at);
  o["recorded_at"] = format_timestamp(recorded_at);
  o["tenant"] = tenant;
  o["payload"] = payload_json();
  o["metadata"] = json::parse(metadata);
  o["hash"] = hex(hash);
  return o;
}

}  // namespace roundhouse
