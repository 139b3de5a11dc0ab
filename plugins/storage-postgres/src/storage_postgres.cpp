#include "storage_postgres.hpp"

#include "pg_backend.hpp"
#include "pg_backup.hpp"
#include "roundhouse/storage/log_store.hpp"

namespace roundhouse::plugins {
namespace {

// Runs `f`, turning a driver exception into an error value: none may reach the host.
template <class R, class F>
R no_throw(F&& f) {
  try {
    return f();
  } catch (const std::exception& ex) {
    return Error{ErrorCode::io_error, std::string("postgresql: ") + ex.what()};
  }
}

Result<std::shared_ptr<LogBackend>> open_postgres(const StoreUri& uri, const StoreOptions& options) {
  return no_throw<Result<std::shared_ptr<LogBackend>>>([&]() -> Result<std::shared_ptr<LogBackend>> {
    if (!options.create_if_missing)
      if (auto st = postgres::expect_existing_store(uri); !st) return st.error();
    return postgres::open_backend(uri);
  });
}

}  // namespace

Status register_storage_postgres(Registry& registry, const std::string& provider) {
  auto open = [](const StoreUri& uri, const StoreOptions& options) -> Result<std::shared_ptr<EventStore>> {
    auto backend = open_postgres(uri, options);
    if (!backend) return backend.error();
    return make_log_store(std::move(backend).value());
  };
  StoreAdmin admin{
      .open_backend = &open_postgres,
      .backup =
          [](const StoreUri& uri, const std::filesystem::path& file, const TransferProgress& progress) {
            return no_throw<Status>([&] { return postgres::backup(uri, file, progress); });
          },
      .restore =
          [](const std::filesystem::path& file, const StoreUri& uri, const RestoreOptions& options,
             const TransferProgress& progress) {
            return no_throw<Result<RestoreReport>>([&] { return postgres::restore(file, uri, options, progress); });
          },
      .location = &postgres::location,
  };
  for (const char* scheme : {"postgresql", "postgres"}) {
    if (auto st = registry.storage.add(scheme, provider, open); !st) return st;
    if (auto st = registry.store_admin.add(scheme, provider, admin); !st) return st;
  }
  return {};
}

}  // namespace roundhouse::plugins
