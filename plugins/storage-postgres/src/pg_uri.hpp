#pragma once
// What a postgresql:// store URI asks for, split into the part libpq understands (the connection)
// and the part this plugin understands (schema, pool size).

#include <cstdint>
#include <string>

#include "roundhouse/core/status.hpp"
#include "roundhouse/storage/store_uri.hpp"

namespace roundhouse::postgres {

struct PgUri {
  std::string conninfo;   // a libpq connection URI (postgresql://...), plugin parameters removed
  std::string redacted;   // the store URI with any password replaced by "***" (for messages)
  std::string schema;     // "" : the server's default search_path
  std::size_t readers = 4;
  std::int64_t log_lock_key = 0;  // pg_advisory_xact_lock key serialising writers of this log
  std::int64_t migration_lock_key = 0;
};

// Accepts postgresql://[user[:password]@][host][:port][/dbname][?param=value&...] and the
// "postgres" scheme. Plugin parameters: schema=NAME (created if missing; [A-Za-z_][A-Za-z0-9_]*,
// at most 63 characters), readers=N (1..64). Every other parameter is handed to libpq
// (sslmode, connect_timeout, application_name, ...), which refuses the ones it does not know.
// Defaults unless the URI sets them: connect_timeout=10 (an unreachable server fails instead of
// hanging), keepalives_idle=30, keepalives_interval=10, keepalives_count=3 and
// tcp_user_timeout=60000 (a vanished server or network is noticed within about a minute).
Result<PgUri> parse_pg_uri(const StoreUri& uri);

// The URI text with the password (if any) replaced by "***".
std::string redact_password(const std::string& uri);

}  // namespace roundhouse::postgres
