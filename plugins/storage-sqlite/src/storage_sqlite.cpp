#include "storage_sqlite.hpp"

#include "roundhouse/storage/log_store.hpp"
#include "sqlite_backend.hpp"

namespace roundhouse::plugins {

Status register_storage_sqlite(Registry& registry, const std::string& provider) {
  return registry.storage.add("sqlite", provider, [](const StoreUri& uri, const StoreOptions&)
                                                      -> Result<std::shared_ptr<EventStore>> {
    auto backend = sqlite::open_backend(uri);
    if (!backend) return backend.error();
    return make_log_store(std::move(backend).value());
  });
}

}  // namespace roundhouse::plugins
