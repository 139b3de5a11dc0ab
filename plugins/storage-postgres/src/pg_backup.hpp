#pragma once
// Backup and restore of a PostgreSQL event store with PostgreSQL's own tools, so a backup is an
// ordinary pg_dump archive an operator can inspect or restore by hand.
//
// backup: `pg_dump --format=custom --schema=<the store's schema>` into FILE.partial, renamed to
// FILE when pg_dump succeeds (an existing FILE is refused). pg_dump reads one snapshot, so the
// archive is one consistent commit while hosts keep appending.
//
// restore: `pg_restore --single-transaction --exit-on-error --clean --if-exists --no-owner
// --no-privileges` of the archive's tables (its CREATE SCHEMA entry is skipped; the schema is
// created when missing): the store's content is replaced in one transaction, or nothing changes.
// The archive's schema must be the target's (pg_restore cannot rename schemas); a target holding
// events is refused unless `force`. Stop hosts using the store first: they are not told.
//
// Connection parameters (host, port, user, password, sslmode, ...) reach the tools through
// their PG* environment variables; the command line names only the database and files.

#include <filesystem>

#include "pg_uri.hpp"
#include "roundhouse/storage/store_admin.hpp"

namespace roundhouse::postgres {

Status backup(const StoreUri& store, const std::filesystem::path& file, const TransferProgress& progress);
Result<RestoreReport> restore(const std::filesystem::path& file, const StoreUri& store, const RestoreOptions& options,
                              const TransferProgress& progress);
// "postgresql://user@host:port/database?schema=NAME" (defaults filled in the way libpq does).
std::string location(const StoreUri& store);
// not_found unless the store's schema holds an event log (checked without creating anything).
Status expect_existing_store(const StoreUri& store);

}  // namespace roundhouse::postgres
