#pragma once
// One SQLite connection, opened through SOCI, with the native handle used for the hot paths
// (prepared statements cached by SQL text). Not thread-safe: one user at a time.

#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <soci/soci.h>

#include "roundhouse/core/status.hpp"

namespace roundhouse::sqlite {

// A cached prepared statement; reset and cleared on every use.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* s) : stmt_(s) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  sqlite3_stmt* get() const { return stmt_; }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  // Binds without copying: the text must outlive the step.
  void bind(int i, const std::string& v) { sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC); }
  void bind_blob(int i, const void* p, int n) { sqlite3_bind_blob(stmt_, i, p, n, SQLITE_STATIC); }

 private:
  sqlite3_stmt* stmt_;
};

struct ConnectionOptions {
  bool read_only = false;
  int busy_timeout_ms = 5000;
  std::string synchronous = "FULL";  // every acknowledged commit is on disk
};

class Connection {
 public:
  static Result<std::unique_ptr<Connection>> open(const std::filesystem::path& file, const ConnectionOptions& options);

  sqlite3* db() const { return db_; }
  // The statement for `sql`, prepared once per connection.
  Result<Statement*> prepare(const std::string& sql);
  // Runs statements without results; the error names the file.
  Status exec(const std::string& sql);
  // A Status for the last error on this connection, with context.
  Error error(const std::string& what) const;
  const std::filesystem::path& file() const { return file_; }

 private:
  Connection() = default;
  soci::session session_;
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
  std::map<std::string, std::unique_ptr<Statement>> statements_;
};

}  // namespace roundhouse::sqlite
