#include "storage_sqlite.hpp"

#include "roundhouse/storage/log_store.hpp"
#include "sqlite_backend.hpp"
#include "sqlite_backup.hpp"

namespace roundhouse::plugins {
namespace {

Result<std::shared_ptr<LogBackend>> open_sqlite(const StoreUri& uri, const StoreOptions& options) {
  std::error_code ec;
  if (!options.create_if_missing && !uri.rest.empty() && !std::filesystem::is_regular_file(uri.rest, ec))
    return Error{ErrorCode::not_found, "no SQLite store at '" + uri.rest + "'"};
  return sqlite::open_backend(uri);
}

}  // namespace

Status register_storage_sqlite(Registry& registry, const std::string& provider) {
  auto st = registry.storage.add("sqlite", provider, [](const StoreUri& uri, const StoreOptions& options)
                                                         -> Result<std::shared_ptr<EventStore>> {
    auto backend = open_sqlite(uri, options);
    if (!backend) return backend.error();
    return make_log_store(std::move(backend).value());
  });
  if (!st) return st;
  return registry.store_admin.add("sqlite", provider,
                                  StoreAdmin{.open_backend = &open_sqlite,
                                             .backup = &sqlite::backup,
                                             .restore = &sqlite::restore,
                                             .location = &sqlite::location});
}

}  // namespace roundhouse::plugins
