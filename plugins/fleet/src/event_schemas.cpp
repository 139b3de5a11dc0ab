#include "event_schemas.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>

namespace roundhouse::fleet {
namespace {

struct EmbeddedSchema {
  const char* event_type;
  const char* text;
};

const EmbeddedSchema kSchemas[] = {
#include "fleet_event_schemas.inc"
};

std::map<std::string, int> load_versions() {
  std::map<std::string, int> out;
  for (const auto& s : kSchemas) {
    auto doc = boost::json::parse(s.text);
    int version = 1;
    if (const auto* v = doc.as_object().if_contains("x-schema-version"); v && v->is_int64())
      version = static_cast<int>(v->get_int64());
    out[s.event_type] = version;
  }
  return out;
}

}  // namespace

Status register_event_schemas(Registry& registry, const std::string& provider) {
  for (const auto& s : kSchemas) {
    boost::system::error_code ec;
    auto doc = boost::json::parse(s.text, ec);
    if (ec) return {ErrorCode::internal, std::string("embedded schema ") + s.event_type + " is not JSON"};
    auto schema = JsonSchema::from_json(doc);
    if (!schema) return schema.error();
    if (auto st = registry.event_schemas.add(s.event_type, provider, std::move(schema).value()); !st) return st;
  }
  return {};
}

Result<JsonSchema> input_schema(const std::string& event_type, const std::vector<std::string>& derived) {
  for (const auto& s : kSchemas) {
    if (event_type != s.event_type) continue;
    auto doc = boost::json::parse(s.text).as_object();
    auto& props = doc["properties"].as_object();
    boost::json::array required;
    for (const auto& r : doc["required"].as_array())
      if (std::find(derived.begin(), derived.end(), r.as_string()) == derived.end()) required.push_back(r);
    for (const auto& d : derived) props.erase(d);
    doc["required"] = std::move(required);
    return JsonSchema::from_json(doc);
  }
  return Error{ErrorCode::not_found, "no schema for event type " + event_type};
}

int current_schema_version(const std::string& event_type) {
  static const std::map<std::string, int> versions = load_versions();
  auto it = versions.find(event_type);
  return it == versions.end() ? 1 : it->second;
}

Status register_upcasters(Registry& registry, const std::string& provider) {
  // v1 meter readings carried only {"km": N}; v2 names the odometer and adds engine hours.
  return registry.add_upcaster(provider, Upcaster{"MeterReadingRecorded", 1, [](const boost::json::value& v1)
                                                      -> Result<boost::json::value> {
    if (!v1.is_object()) return Error{ErrorCode::corrupted, "payload is not an object"};
    const auto& o = v1.get_object();
    boost::json::object v2;
    if (const auto* km = o.if_contains("km")) v2["odometer_km"] = *km;
    else if (const auto* odo = o.if_contains("odometer_km")) v2["odometer_km"] = *odo;
    else return Error{ErrorCode::corrupted, "v1 MeterReadingRecorded without 'km'"};
    v2["engine_hours"] = o.contains("engine_hours") ? o.at("engine_hours") : boost::json::value(nullptr);
    return boost::json::value(std::move(v2));
  }});
}

}  // namespace roundhouse::fleet
