#include "append_codec.hpp"

#include "problem.hpp"
#include "roundhouse/core/time.hpp"
#include "roundhouse/plugin/registry.hpp"
#include "schemas.hpp"

namespace roundhouse::host {
namespace json = boost::json;

namespace {

ExpectedVersion expected_from(const json::value* v) {
  if (!v) return ExpectedVersion::any();
  if (v->is_string()) {
    const auto& s = v->get_string();
    if (s == "no_stream") return ExpectedVersion::no_stream();
    if (s == "exists") return ExpectedVersion::stream_exists();
    return ExpectedVersion::any();
  }
  return ExpectedVersion::exact(v->to_number<Version>());
}

}  // namespace

DecodedAppend decode_append(const json::value& document, const Registry* registry) {
  DecodedAppend out;
  auto all = append_request_schema().validate(document);
  // valijson also reports every enclosing property/item ("Failed to validate against schema
  // associated with property name 'events'"); the specific failures below them are what helps.
  for (auto& v : all)
    if (!v.message.starts_with("Failed to validate against schema associated with property") &&
        !v.message.starts_with("Failed to validate item #"))
      out.violations.push_back(v);
  if (out.violations.empty()) out.violations = std::move(all);  // only wrappers: keep them
  if (!out.violations.empty()) return out;

  // The schema guarantees the shape from here on.
  const auto& o = document.get_object();
  const auto& stream = o.at("stream").get_object();
  out.request.stream.type = std::string(stream.at("type").get_string());
  out.request.stream.id = std::string(stream.at("id").get_string());
  out.request.expected = expected_from(o.if_contains("expected_version"));

  const auto& events = o.at("events").get_array();
  out.request.events.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i].get_object();
    const std::string at = "/events/" + std::to_string(i);
    NewEvent ne;
    ne.type = std::string(e.at("type").get_string());
    ne.payload = e.at("payload");
    if (auto* id = e.if_contains("id")) {
      auto parsed = Uuid::parse(id->get_string());
      if (!parsed || parsed->is_nil()) out.violations.push_back({at + "/id", "not a UUID (or the nil UUID)"});
      else ne.id = *parsed;
    } else {
      ne.id = Uuid::generate_v7();
    }
    if (auto* t = e.if_contains("occurred_at")) {
      auto ts = parse_timestamp(t->get_string());
      if (!ts) out.violations.push_back({at + "/occurred_at", "not an RFC 3339 timestamp"});
      else ne.occurred_at = *ts;
    }
    if (auto* m = e.if_contains("metadata")) {
      auto md = EventMetadata::from_json(*m);
      if (!md) out.violations.push_back({at + "/metadata", md.error().message});
      else ne.metadata = std::move(md).value();
    }
    if (registry) {
      if (auto st = registry->validate_payload(ne.type, ne.payload); !st)
        out.violations.push_back(violation_from_message(st.message(), at + "/payload"));
    }
    out.request.events.push_back(std::move(ne));
  }
  return out;
}

json::object encode_append_result(const StreamId& stream, const std::vector<std::string>& ids,
                                  const AppendResult& result) {
  json::array positions;
  for (auto p : result.positions) positions.push_back(p);
  json::array id_list;
  for (const auto& id : ids) id_list.push_back(json::string(id));
  return json::object{{"stream", json::object{{"type", stream.type}, {"id", stream.id}}},
                      {"positions", std::move(positions)},
                      {"first_version", result.first_version},
                      {"last_version", result.last_version},
                      {"ids", std::move(id_list)},
                      {"idempotent_replay", result.idempotent_replay}};
}

}  // namespace roundhouse::host
