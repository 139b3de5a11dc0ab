#include "roundhouse/plugin/registry.hpp"

namespace roundhouse {

Result<std::shared_ptr<EventStore>> Registry::open_store(std::string_view uri, const StoreOptions& options) const {
  auto parsed = StoreUri::parse(uri);
  if (!parsed) return parsed.error();
  auto entry = storage.find(parsed->scheme);
  if (!entry) {
    std::string known;
    for (const auto& e : storage.list()) known += (known.empty() ? "" : ", ") + e.name;
    return Error{ErrorCode::not_found, "no storage plugin handles '" + parsed->scheme + ":' URIs (loaded: " +
                                           (known.empty() ? "none" : known) + ")"};
  }
  try {
    return entry->value(*parsed, options);
  } catch (const std::exception& ex) {
    return Error{ErrorCode::internal, "storage plugin " + entry->provider + " threw: " + ex.what()};
  }
}

Status Registry::add_route(std::string provider, Route route) {
  if (route.pattern.empty() || route.pattern.front() != '/')
    return {ErrorCode::invalid_argument, "route pattern must start with '/': '" + route.pattern + "'"};
  if (route.required_role.empty()) route.required_role = route.method == "GET" ? "reader" : "writer";
  std::string key = route.method + " " + route.pattern;
  return routes.add(std::move(key), std::move(provider), std::move(route));
}

Status Registry::add_upcaster(std::string provider, Upcaster upcaster) {
  if (upcaster.event_type.empty() || upcaster.from_version < 1 || !upcaster.upgrade)
    return {ErrorCode::invalid_argument, "an upcaster needs an event type, a from_version >= 1 and a function"};
  std::string key = upcaster.event_type + "@" + std::to_string(upcaster.from_version);
  return upcasters.add(std::move(key), std::move(provider), std::move(upcaster));
}

Status Registry::validate_payload(const std::string& event_type, const boost::json::value& payload) const {
  auto schema = event_schemas.find(event_type);
  if (!schema) return {};
  return schema->value.check(payload);
}

}  // namespace roundhouse
