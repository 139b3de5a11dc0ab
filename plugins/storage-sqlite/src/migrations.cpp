#include "migrations.hpp"

namespace roundhouse::sqlite {
namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const Migration kMigrations[] = {
#include "sqlite_migrations.inc"
};

Result<int> current_version(Connection& c) {
  if (auto st = c.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                       "applied_at INTEGER NOT NULL)");
      !st)
    return st.error();
  auto stmt = c.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!stmt) return stmt.error();
  if (sqlite3_step((*stmt)->get()) != SQLITE_ROW) return c.error("reading the schema version");
  const int v = sqlite3_column_int((*stmt)->get(), 0);
  (*stmt)->reset();
  return v;
}

}  // namespace

int latest_schema_version() {
  int v = 0;
  for (const auto& m : kMigrations) v = std::max(v, m.version);
  return v;
}

Status migrate(Connection& c) {
  auto version = current_version(c);
  if (!version) return version.error();
  if (*version > latest_schema_version())
    return {ErrorCode::incompatible, "SQLite store " + c.file().string() + " has schema version " +
                                         std::to_string(*version) + "; this build knows up to " +
                                         std::to_string(latest_schema_version()) + " (upgrade Roundhouse)"};
  for (const auto& m : kMigrations) {
    if (m.version <= *version) continue;
    if (auto st = c.exec("BEGIN IMMEDIATE"); !st) return st;
    // Another process may have migrated while we waited for the write lock.
    auto now = current_version(c);
    if (!now) {
      (void)c.exec("ROLLBACK");
      return now.error();
    }
    if (*now >= m.version) {
      (void)c.exec("COMMIT");
      continue;
    }
    Status st = c.exec(m.sql);
    if (st)
      st = c.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (" + std::to_string(m.version) +
                  ", '" + m.name + "', CAST(strftime('%s','now') AS INTEGER) * 1000000)");
    if (st) st = c.exec("COMMIT");
    if (!st) {
      (void)c.exec("ROLLBACK");
      return {st.code(), "migration " + std::string(m.name) + ": " + st.message()};
    }
  }
  return {};
}

}  // namespace roundhouse::sqlite
