#include "storage_postgres.hpp"

#include "pg_backend.hpp"
#include "roundhouse/storage/log_store.hpp"

namespace roundhouse::plugins {

Status register_storage_postgres(Registry& registry, const std::string& provider) {
  auto open = [](const StoreUri& uri, const StoreOptions&) -> Result<std::shared_ptr<EventStore>> {
    try {
      auto backend = postgres::open_backend(uri);
      if (!backend) return backend.error();
      return make_log_store(std::move(backend).value());
    } catch (const std::exception& ex) {  // never let a driver exception reach the host
      return Error{ErrorCode::io_error, std::string("postgresql: ") + ex.what()};
    }
  };
  if (auto st = registry.storage.add("postgresql", provider, open); !st) return st;
  return registry.storage.add("postgres", provider, open);
}

}  // namespace roundhouse::plugins
