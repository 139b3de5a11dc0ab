#pragma once
#include <memory>

#include "roundhouse/storage/log_backend.hpp"
#include "roundhouse/storage/store_uri.hpp"

namespace roundhouse::postgres {

// Opens the PostgreSQL event store named by `uri` (postgresql://user[:password]@host[:port]/db
// [?schema=NAME&readers=N&<libpq parameters>]): connects, creates the schema if asked for one,
// applies migrations.
//
// Thread-safety: one write transaction at a time per process (a mutex held by the
// WriteTransaction) on one writer connection (pg_write.hpp); across processes and hosts, each
// write transaction holds the advisory lock of this log before it reads the tip, which serialises
// writers and keeps positions gap-free in commit order. Reads run concurrently on a pool of connections,
// each statement seeing the last committed state. A connection that lost the server is replaced
// on its next use.
Result<std::shared_ptr<LogBackend>> open_backend(const StoreUri& uri);

}  // namespace roundhouse::postgres
