#include "storage_memory.hpp"

#include "memory_backend.hpp"
#include "roundhouse/storage/log_store.hpp"

namespace roundhouse::plugins {

Status register_storage_memory(Registry& registry, const std::string& provider) {
  return registry.storage.add("memory", provider, [](const StoreUri& uri, const StoreOptions&) {
    return Result<std::shared_ptr<EventStore>>(make_log_store(make_memory_backend(uri.text)));
  });
}

}  // namespace roundhouse::plugins
