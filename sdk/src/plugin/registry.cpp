#include "roundhouse/plugin/registry.hpp"

#include <boost/json/parse.hpp>

namespace roundhouse {

namespace {

// The entry registered for the URI's scheme in `point`, or not_found naming the loaded schemes.
template <class T>
Result<typename ExtensionPoint<T>::Entry> entry_for(const ExtensionPoint<T>& point, const StoreUri& uri,
                                                    const char* what) {
  if (auto entry = point.find(uri.scheme)) return *entry;
  std::string known;
  for (const auto& e : point.list()) known += (known.empty() ? "" : ", ") + e.name;
  return Error{ErrorCode::not_found, std::string("no storage plugin ") + what + " '" + uri.scheme +
                                         ":' URIs (loaded: " + (known.empty() ? "none" : known) + ")"};
}

// Runs a plugin-provided function; an exception becomes an internal error naming the plugin.
template <class R, class F>
R guarded(const std::string& provider, F&& f) {
  try {
    return f();
  } catch (const std::exception& ex) {
    return Error{ErrorCode::internal, "storage plugin " + provider + " threw: " + ex.what()};
  }
}

Result<std::pair<StoreUri, ExtensionPoint<StoreAdmin>::Entry>> admin_for(const Registry& r, std::string_view uri) {
  auto parsed = StoreUri::parse(uri);
  if (!parsed) return parsed.error();
  auto entry = entry_for(r.store_admin, *parsed, "administers");
  if (!entry) return entry.error();
  return std::pair{std::move(parsed).value(), std::move(entry).value()};
}

Error unsupported(const char* operation, const StoreUri& uri) {
  return Error{ErrorCode::invalid_argument,
               std::string(operation) + " is not supported for " + uri.scheme + ": stores"};
}

}  // namespace

Result<std::shared_ptr<EventStore>> Registry::open_store(std::string_view uri, const StoreOptions& options) const {
  auto parsed = StoreUri::parse(uri);
  if (!parsed) return parsed.error();
  auto entry = entry_for(storage, *parsed, "handles");
  if (!entry) return entry.error();
  return guarded<Result<std::shared_ptr<EventStore>>>(entry->provider, [&] { return entry->value(*parsed, options); });
}

Result<std::shared_ptr<LogBackend>> Registry::open_backend(std::string_view uri, const StoreOptions& options) const {
  auto admin = admin_for(*this, uri);
  if (!admin) return admin.error();
  auto& [parsed, entry] = *admin;
  if (!entry.value.open_backend) return unsupported("opening the raw backend", parsed);
  return guarded<Result<std::shared_ptr<LogBackend>>>(entry.provider,
                                                      [&] { return entry.value.open_backend(parsed, options); });
}

Status Registry::backup_store(std::string_view uri, const std::filesystem::path& file,
                              const TransferProgress& progress) const {
  auto admin = admin_for(*this, uri);
  if (!admin) return admin.error();
  auto& [parsed, entry] = *admin;
  if (!entry.value.backup) return unsupported("backup", parsed);
  return guarded<Status>(entry.provider, [&] { return entry.value.backup(parsed, file, progress); });
}

Result<RestoreReport> Registry::restore_store(const std::filesystem::path& file, std::string_view uri,
                                              const RestoreOptions& options, const TransferProgress& progress) const {
  auto admin = admin_for(*this, uri);
  if (!admin) return admin.error();
  auto& [parsed, entry] = *admin;
  if (!entry.value.restore) return unsupported("restore", parsed);
  return guarded<Result<RestoreReport>>(entry.provider,
                                        [&] { return entry.value.restore(file, parsed, options, progress); });
}

Result<std::string> Registry::store_location(std::string_view uri) const {
  auto admin = admin_for(*this, uri);
  if (!admin) return admin.error();
  auto& [parsed, entry] = *admin;
  if (!entry.value.location) return parsed.text;
  return guarded<Result<std::string>>(entry.provider, [&] { return Result<std::string>(entry.value.location(parsed)); });
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

Status Registry::add_event_schema(std::string provider, std::string event_type, std::string_view schema_json) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(schema_json, ec);
  if (ec) return {ErrorCode::internal, "embedded schema " + event_type + " is not JSON"};
  auto schema = JsonSchema::from_json(doc);
  if (!schema) return schema.error();
  return event_schemas.add(std::move(event_type), std::move(provider), std::move(schema).value());
}

Status Registry::validate_payload(const std::string& event_type, const boost::json::value& payload) const {
  auto schema = event_schemas.find(event_type);
  if (!schema) return {};
  return schema->value.check(payload);
}

}  // namespace roundhouse
