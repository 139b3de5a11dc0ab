#pragma once
// Backup and restore of a SQLite event store through SQLite's online backup API, on native
// connections of their own (never the store's writer), so a running host keeps appending.
//
// backup: copies the store into FILE, a complete SQLite database (journal_mode DELETE, one file,
// openable as sqlite:FILE). The source connection holds one read transaction for the whole copy,
// so the backup is the consistent snapshot of one commit even while writers continue (WAL: they
// are not blocked). Written to FILE.partial, checked (PRAGMA quick_check), then renamed: FILE
// appears only complete. An existing FILE is refused.
//
// restore: copies FILE into the store. Refuses a store that holds events unless `force`. FILE is
// first copied to PATH.restoring, brought to the current schema and its hash chain verified; only
// a verified copy replaces the store's content, in one SQLite transaction (a crash leaves the old
// content or the new, never a mix). Stop hosts using the store first: they are not told.

#include <filesystem>

#include "roundhouse/storage/store_admin.hpp"

namespace roundhouse::sqlite {

Status backup(const StoreUri& store, const std::filesystem::path& file, const TransferProgress& progress);
Result<RestoreReport> restore(const std::filesystem::path& file, const StoreUri& store, const RestoreOptions& options,
                              const TransferProgress& progress);
// "sqlite:" + the canonical path of the store's file.
std::string location(const StoreUri& store);

}  // namespace roundhouse::sqlite
