#pragma once
#include <memory>

#include "roundhouse/storage/log_backend.hpp"
#include "roundhouse/storage/store_uri.hpp"

namespace roundhouse::sqlite {

// Opens (creating if needed) the SQLite event store named by `uri` ("sqlite:PATH[?params]"):
// parent directories are created, migrations applied, WAL mode set.
//   params: synchronous=full|normal (default full: every acknowledged append survives power loss),
//           busy_timeout_ms=N (default 5000), readers=N (read connection pool size, default 4).
//
// Thread-safety: one write transaction at a time (a mutex held by the WriteTransaction); reads run
// concurrently on a pool of connections, each seeing a committed WAL snapshot. Several processes
// may open the same file: SQLite's write lock (BEGIN IMMEDIATE) serialises their writers, which is
// what keeps positions in commit order across processes too.
Result<std::shared_ptr<LogBackend>> open_backend(const StoreUri& uri);

}  // namespace roundhouse::sqlite
