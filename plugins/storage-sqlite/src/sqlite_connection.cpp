#include "sqlite_connection.hpp"


namespace roundhouse::sqlite {

// soci_native_handle.cpp
void* native_sqlite_handle(soci::session& session);
void open_sqlite_session(soci::session& session, const std::string& connect_string);

Result<std::unique_ptr<Connection>> Connection::open(const std::filesystem::path& file, const ConnectionOptions& options) {
  std::unique_ptr<Connection> c(new Connection());
  c->file_ = file;
  try {
    std::string params = "db=\"" + file.string() + "\" timeout=" + std::to_string((options.busy_timeout_ms + 999) / 1000);
    open_sqlite_session(c->session_, params);
  } catch (const std::exception& ex) {
    return Error{ErrorCode::io_error, "cannot open SQLite store " + file.string() + ": " + ex.what()};
  }
  c->db_ = static_cast<sqlite3*>(native_sqlite_handle(c->session_));
  sqlite3_busy_timeout(c->db_, options.busy_timeout_ms);
  // The first statement that touches the file tells whether it is a SQLite database at all.
  // A larger page cache and memory-mapped reads keep bulk appends and scans off the syscall path;
  // checkpointing every ~40 MB of WAL instead of 4 MB amortises the checkpoint's fsyncs.
  std::string pragmas = "PRAGMA foreign_keys=ON; PRAGMA synchronous=" + options.synchronous +
                        "; PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824; PRAGMA temp_store=MEMORY;";
  if (!options.read_only) pragmas += " PRAGMA wal_autocheckpoint=10000;";
  pragmas = (options.read_only ? "PRAGMA query_only=ON; " : "PRAGMA journal_mode=WAL; ") + pragmas;
  if (auto st = c->exec(pragmas); !st) return st.error();
  return c;
}

Result<Statement*> Connection::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    it->second->reset();
    return it->second.get();
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
    return error("prepare");
  auto* raw = new Statement(stmt);
  statements_.emplace(sql, std::unique_ptr<Statement>(raw));
  return raw;
}

Status Connection::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return {};
  std::string text = message ? message : "unknown error";
  sqlite3_free(message);
  const int code = sqlite3_errcode(db_);
  const ErrorCode ec = code == SQLITE_NOTADB || code == SQLITE_CORRUPT ? ErrorCode::corrupted
                       : code == SQLITE_BUSY || code == SQLITE_LOCKED ? ErrorCode::unavailable
                                                                      : ErrorCode::io_error;
  return {ec, "SQLite store " + file_.string() + ": " + text};
}

Error Connection::error(const std::string& what) const {
  const int code = sqlite3_errcode(db_);
  const ErrorCode ec = code == SQLITE_NOTADB || code == SQLITE_CORRUPT ? ErrorCode::corrupted
                       : code == SQLITE_BUSY || code == SQLITE_LOCKED ? ErrorCode::unavailable
                                                                      : ErrorCode::io_error;
  return Error{ec, "SQLite store " + file_.string() + ": " + what + " failed: " + sqlite3_errmsg(db_)};
}

}  // namespace roundhouse::sqlite
