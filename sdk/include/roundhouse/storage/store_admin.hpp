#pragma once
// Store administration: what a storage plugin offers besides opening an EventStore. Registered
// per URI scheme in Registry::store_admin (next to Registry::storage) and reached through
// Registry::open_backend / backup_store / restore_store, which turn a missing scheme or an
// unsupported operation into an error value.
//
//  - open_backend: the raw LogBackend behind a URI (created empty when missing, like the
//    factory). Migration copies events between two of these, bypassing the LogStore's append
//    path so positions, versions, recorded times and hashes stay exactly as they are.
//  - backup / restore: a consistent copy of the whole store into one file and back, in the
//    backend's native format (a SQLite database file; a pg_dump custom-format archive). Optional:
//    an empty function means the backend cannot do it (memory: stores).
//  - location: what a URI physically points at (canonical file path; server, database and
//    schema), so "the same store under two spellings" can be refused. Optional.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "roundhouse/core/status.hpp"
#include "roundhouse/export.hpp"
#include "roundhouse/storage/log_backend.hpp"
#include "roundhouse/storage/store_options.hpp"
#include "roundhouse/storage/store_uri.hpp"

namespace roundhouse {

// Progress of a long admin operation: `done` of `total` units (pages, bytes; total 0: unknown).
// Called on the caller's thread; keep it cheap.
using TransferProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct RestoreOptions {
  // A restore refuses a target that already holds events unless this is set; then the target's
  // content is replaced (atomically where the backend can: one transaction).
  bool force = false;
};

// What a restore put in place; the caller verifies the chain through a store opened afterwards.
struct RestoreReport {
  std::uint64_t replaced_events = 0;  // events the target held before (0 unless force)
};

struct StoreAdmin {
  using OpenBackend = std::function<Result<std::shared_ptr<LogBackend>>(const StoreUri&, const StoreOptions&)>;
  using Backup = std::function<Status(const StoreUri& store, const std::filesystem::path& file,
                                      const TransferProgress& progress)>;
  using Restore = std::function<Result<RestoreReport>(const std::filesystem::path& file, const StoreUri& store,
                                                      const RestoreOptions& options, const TransferProgress& progress)>;
  using Location = std::function<std::string(const StoreUri&)>;

  OpenBackend open_backend;  // required
  Backup backup;             // empty: unsupported
  Restore restore;           // empty: unsupported
  Location location;         // empty: the URI text is the location
};

// Backup file formats, told apart by their first bytes.
inline constexpr const char* kSqliteBackup = "sqlite";    // a SQLite database file
inline constexpr const char* kPgDumpBackup = "pg_dump";  // a pg_dump custom-format archive

// Ok when `file` is a readable backup in the `wanted` format. Otherwise one line: not_found or
// io_error for a missing or unreadable file; invalid_argument for a backup of the other kind
// (naming the store scheme it restores to) or a file that is no backup at all.
ROUNDHOUSE_API Status expect_backup_format(const std::filesystem::path& file, std::string_view wanted);

}  // namespace roundhouse
