#include "raw_sqlite.hpp"

#include <stdexcept>

namespace roundhouse::bench {

RawDb::RawDb(const std::string& file, const std::string& pragmas, bool read_only) {
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const int rc = sqlite3_open_v2(file.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("sqlite3_open " + file + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 10000);
  if (!pragmas.empty()) exec(pragmas);
}

RawDb::~RawDb() {
  for (auto* s : statements_) sqlite3_finalize(s);
  sqlite3_close(db_);
}

void RawDb::exec(const std::string& sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg ? msg : "?";
    sqlite3_free(msg);
    throw std::runtime_error("sqlite3_exec '" + sql + "': " + text);
  }
}

sqlite3_stmt* RawDb::prepare(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error("prepare '" + sql + "': " + sqlite3_errmsg(db_));
  statements_.push_back(s);
  return s;
}

void RawDb::check(int rc, int expected, const char* what) const {
  if (rc != expected) throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db_));
}

std::uint64_t touch_row(sqlite3_stmt* s) {
  std::uint64_t sum = 0;
  const int n = sqlite3_column_count(s);
  for (int i = 0; i < n; ++i) {
    switch (sqlite3_column_type(s, i)) {
      case SQLITE_INTEGER: sum += static_cast<std::uint64_t>(sqlite3_column_int64(s, i)); break;
      case SQLITE_TEXT: {
        const auto* p = sqlite3_column_text(s, i);
        const int len = sqlite3_column_bytes(s, i);
        sum += static_cast<std::uint64_t>(len) + (len > 0 ? p[len - 1] : 0);
        break;
      }
      case SQLITE_BLOB: {
        const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(s, i));
        const int len = sqlite3_column_bytes(s, i);
        sum += static_cast<std::uint64_t>(len) + (len > 0 ? p[0] : 0);
        break;
      }
      default: break;
    }
  }
  return sum;
}

ScanResult scan_rows(sqlite3_stmt* s) {
  ScanResult r;
  while ((r.rc = sqlite3_step(s)) == SQLITE_ROW) {
    r.checksum += touch_row(s);
    ++r.rows;
  }
  sqlite3_reset(s);
  return r;
}

NaiveWriter::NaiveWriter(const std::string& file)
    : db_(file, kDurablePragmas),
      begin_((db_.exec(kNaiveSchema), db_.prepare("BEGIN IMMEDIATE"))),
      commit_(db_.prepare("COMMIT")),
      insert_(db_.prepare(kNaiveInsert)) {}

namespace {
int step_once(sqlite3_stmt* s) {
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  return rc;
}
void bind(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}
}  // namespace

int NaiveWriter::begin() { return step_once(begin_); }
int NaiveWriter::commit() { return step_once(commit_); }
void NaiveWriter::rollback() { sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr); }

int NaiveWriter::insert(std::string_view id, std::string_view stream, std::int64_t version, std::string_view type,
                        std::string_view tenant, std::int64_t now, std::string_view payload,
                        std::string_view metadata) {
  bind(insert_, 1, id);
  bind(insert_, 2, stream);
  sqlite3_bind_int64(insert_, 3, version);
  bind(insert_, 4, type);
  bind(insert_, 5, tenant);
  sqlite3_bind_int64(insert_, 6, now);
  sqlite3_bind_int64(insert_, 7, now);
  bind(insert_, 8, payload);
  bind(insert_, 9, metadata);
  return step_once(insert_);
}

}  // namespace roundhouse::bench
