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

}  // namespace roundhouse
