#include "migrations.hpp"

#include <algorithm>

namespace roundhouse::postgres {
namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const Migration kMigrations[] = {
#include "postgres_migrations.inc"
};

}  // namespace

int latest_schema_version() {
  int v = 0;
  for (const auto& m : kMigrations) v = std::max(v, m.version);
  return v;
}

Status migrate(Connection& c, const PgUri& uri) {
  if (auto st = c.exec("BEGIN"); !st) return st;
  auto fail = [&](Status st) {
    (void)c.exec("ROLLBACK");
    return st;
  };
  Params lock;
  lock.add(uri.migration_lock_key);
  if (auto r = c.query("SELECT pg_advisory_xact_lock($1::bigint)", lock, false); !r) return fail(r.error());
  if (!uri.schema.empty())
    if (auto st = c.exec("CREATE SCHEMA IF NOT EXISTS \"" + uri.schema + "\""); !st) return fail(st);
  if (auto st = c.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                       "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
      !st)
    return fail(st);
  auto current = c.query("SELECT COALESCE(MAX(version), 0)::bigint FROM schema_migrations", Params{}, false);
  if (!current) return fail(current.error());
  const auto version = current->int64(0, 0);
  if (version > latest_schema_version())
    return fail(Status{ErrorCode::incompatible, "PostgreSQL store " + uri.redacted + " has schema version " +
                                                    std::to_string(version) + "; this build knows up to " +
                                                    std::to_string(latest_schema_version()) + " (upgrade Roundhouse)"});
  for (const auto& m : kMigrations) {
    if (m.version <= version) continue;
    if (auto st = c.exec(m.sql); !st) return fail(Status{st.code(), "migration " + std::string(m.name) + ": " + st.message()});
    Params p;
    const std::string name = m.name;
    p.add(static_cast<std::int64_t>(m.version));
    p.add(name);
    if (auto r = c.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1::bigint::integer, "
                         "$2::text, (extract(epoch from clock_timestamp()) * 1000000)::bigint)",
                         p, false);
        !r)
      return fail(r.error());
  }
  return c.commit();
}

}  // namespace roundhouse::postgres
