#include "storage_memory.hpp"

#include "memory_backend.hpp"
#include "roundhouse/storage/log_store.hpp"

namespace roundhouse::plugins {

Status register_storage_memory(Registry& registry, const std::string& provider) {
  auto st = registry.storage.add("memory", provider, [](const StoreUri& uri, const StoreOptions&) {
    return Result<std::shared_ptr<EventStore>>(make_log_store(make_memory_backend(uri.text)));
  });
  if (!st) return st;
  // The raw backend only (a fresh, empty log, e.g. a scratch migration target); nothing to back up.
  return registry.store_admin.add("memory", provider, StoreAdmin{.open_backend = [](const StoreUri& uri, const StoreOptions&) {
    return Result<std::shared_ptr<LogBackend>>(make_memory_backend(uri.text));
  }});
}

}  // namespace roundhouse::plugins
