#include "sqlite_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "roundhouse/storage/log_store.hpp"
#include "sqlite_backend.hpp"

namespace roundhouse::sqlite {
namespace fs = std::filesystem;
namespace {

constexpr int kPagesPerStep = 1024;  // ~4 MiB per step: progress without per-page overhead

// A native connection of our own, closed on destruction.
class Db {
 public:
  static Result<Db> open(const fs::path& file, int flags) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
    Db out(db, file);
    if (rc != SQLITE_OK) return out.error("open");
    sqlite3_busy_timeout(db, 5000);
    return out;
  }
  sqlite3* get() const { return db_.get(); }
  Status exec(const std::string& sql) const {
    if (sqlite3_exec(get(), sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) return {};
    return error(sql);
  }
  // The single integer a query answers (0 when it returns no row).
  Result<std::int64_t> scalar(const std::string& sql) const {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) return error(sql);
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, &sqlite3_finalize);
    const int rc = sqlite3_step(raw);
    if (rc == SQLITE_ROW) return sqlite3_column_int64(raw, 0);
    if (rc == SQLITE_DONE) return std::int64_t{0};
    return error(sql);
  }
  Error error(const std::string& what) const {
    const int code = db_ ? sqlite3_errcode(get()) : SQLITE_CANTOPEN;
    const ErrorCode ec = code == SQLITE_NOTADB || code == SQLITE_CORRUPT ? ErrorCode::corrupted
                         : code == SQLITE_BUSY || code == SQLITE_LOCKED   ? ErrorCode::unavailable
                                                                          : ErrorCode::io_error;
    return Error{ec, "SQLite file " + file_.string() + ": " + what + " failed: " +
                         (db_ ? sqlite3_errmsg(get()) : "out of memory")};
  }

 private:
  Db(sqlite3* db, fs::path file) : db_(db, &sqlite3_close_v2), file_(std::move(file)) {}
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db_;
  fs::path file_;
};

// Copies every page of `from` into `to` with the online backup API, reporting pages done as
// `offset + done` of `total` (or of the page count when total is 0).
Status copy_pages(const Db& from, const Db& to, const TransferProgress& progress, std::uint64_t offset = 0,
                  std::uint64_t total = 0) {
  sqlite3_backup* b = sqlite3_backup_init(to.get(), "main", from.get(), "main");
  if (!b) return to.error("starting the backup");
  int rc = SQLITE_OK;
  for (;;) {
    rc = sqlite3_backup_step(b, kPagesPerStep);
    if (progress) {
      const auto pages = static_cast<std::uint64_t>(sqlite3_backup_pagecount(b));
      const auto left = static_cast<std::uint64_t>(sqlite3_backup_remaining(b));
      progress(offset + pages - left, total ? total : pages);
    }
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (rc != SQLITE_OK) break;
  }
  const int finished = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE || finished != SQLITE_OK) return to.error("copying pages");
  return {};
}

// Ok when `db` holds a Roundhouse event log (an `events` table).
Status expect_event_log(const Db& db, const fs::path& file) {
  auto n = db.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'events'");
  if (!n) return n.error();
  if (*n == 0) return {ErrorCode::invalid_argument, file.string() + " is a SQLite database but not a Roundhouse store"};
  return {};
}

void remove_with_side_files(const fs::path& file) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(file.string() + suffix, ec);
}

// Makes a rename durable: fsyncs the folder holding the entry.
void sync_directory(const fs::path& file) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// Events held by the store at `file` (0 when there is no such file or no log in it).
Result<std::int64_t> events_in(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::int64_t{0};
  auto db = Db::open(file, SQLITE_OPEN_READONLY);
  if (!db) return db.error();
  auto tables = db->scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'events'");
  if (!tables) return tables.error();
  if (*tables == 0) return std::int64_t{0};
  return db->scalar("SELECT count(*) FROM events");
}

// Opens `file` as a store (applying migrations) and verifies its hash chain.
Status verify_store_file(const fs::path& file) {
  auto uri = StoreUri::parse("sqlite:" + file.string());
  if (!uri) return uri.error();
  auto backend = open_backend(*uri);
  if (!backend) return backend.error();
  auto store = make_log_store(std::move(backend).value());
  auto report = store->verify_chain();
  store->close();
  if (!report) return report.error();
  if (!report->ok) return {ErrorCode::corrupted, "its hash chain does not verify: " + report->reason};
  return {};
}

}  // namespace

std::string location(const StoreUri& store) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(fs::path(store.rest), ec);
  return "sqlite:" + (ec ? store.rest : canonical.string());
}

Status backup(const StoreUri& store, const fs::path& file, const TransferProgress& progress) {
  const fs::path source = store.rest;
  std::error_code ec;
  if (source.empty() || !fs::is_regular_file(source, ec))
    return {ErrorCode::not_found, "no SQLite store at '" + source.string() + "'"};
  if (fs::exists(file, ec))
    return {ErrorCode::invalid_argument, "backup file " + file.string() + " already exists (choose a new name)"};
  auto from = Db::open(source, SQLITE_OPEN_READONLY);
  if (!from) return from.error();
  if (auto st = expect_event_log(*from, source); !st) return st;

  const fs::path partial = file.string() + ".partial";
  remove_with_side_files(partial);
  Status st = [&]() -> Status {
    auto to = Db::open(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!to) return to.error();
    // One read transaction for the whole copy: every step reads the same WAL snapshot, so the
    // backup is one consistent commit, and commits by other connections cannot restart it.
    if (auto s = from->exec("BEGIN"); !s) return s;
    if (auto n = from->scalar("SELECT count(*) FROM sqlite_schema"); !n) return n.error();
    Status copied = copy_pages(*from, *to, progress);
    (void)from->exec("COMMIT");
    if (!copied) return copied;
    // A backup is one self-contained file: no WAL beside it.
    if (auto s = to->exec("PRAGMA journal_mode=DELETE"); !s) return s;
    auto check = to->scalar("SELECT count(*) FROM pragma_quick_check WHERE quick_check <> 'ok'");
    if (!check) return check.error();
    if (*check != 0) return {ErrorCode::corrupted, "the copy in " + partial.string() + " fails PRAGMA quick_check"};
    return {};
  }();
  if (!st) {
    remove_with_side_files(partial);
    return st;
  }
  fs::rename(partial, file, ec);
  if (ec) {
    remove_with_side_files(partial);
    return {ErrorCode::io_error, "cannot rename " + partial.string() + " to " + file.string() + ": " + ec.message()};
  }
  sync_directory(file);
  return {};
}

Result<RestoreReport> restore(const fs::path& file, const StoreUri& store, const RestoreOptions& options,
                              const TransferProgress& progress) {
  if (auto st = expect_backup_format(file, kSqliteBackup); !st) return st.error();
  const fs::path target = store.rest;
  if (target.empty()) return Error{ErrorCode::invalid_argument, "sqlite: URI needs a file path"};
  std::error_code ec;
  if (fs::weakly_canonical(target, ec) == fs::weakly_canonical(file, ec))
    return Error{ErrorCode::invalid_argument, "the backup file and the store are the same file"};
  {
    auto backup_db = Db::open(file, SQLITE_OPEN_READONLY);
    if (!backup_db) return backup_db.error();
    if (auto st = expect_event_log(*backup_db, file); !st) return st.error();
  }
  auto existing = events_in(target);
  if (!existing) return existing.error();
  if (*existing > 0 && !options.force)
    return Error{ErrorCode::invalid_argument, "store " + target.string() + " is not empty (" +
                                                  std::to_string(*existing) +
                                                  " events); restoring over it needs force (roundhouse restore --force)"};
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);

  // Stage: copy, migrate and verify the backup beside the target before touching the target.
  const fs::path staging = target.string() + ".restoring";
  remove_with_side_files(staging);
  std::uint64_t pages = 0;
  Status st = [&]() -> Status {
    auto from = Db::open(file, SQLITE_OPEN_READONLY);
    if (!from) return from.error();
    auto to = Db::open(staging, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!to) return to.error();
    auto count = from->scalar("PRAGMA page_count");
    if (!count) return count.error();
    pages = static_cast<std::uint64_t>(*count);
    return copy_pages(*from, *to, progress, 0, 2 * pages);
  }();
  if (st) {
    st = verify_store_file(staging);
    if (!st) st = Status{st.code(), "backup " + file.string() + " was not restored: " + st.message()};
  }
  if (st) st = [&]() -> Status {
    // Replace the target's content in one transaction of the backup API.
    auto from = Db::open(staging, SQLITE_OPEN_READONLY);
    if (!from) return from.error();
    auto to = Db::open(target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!to) return to.error();
    return copy_pages(*from, *to, progress, pages, 2 * pages);
  }();
  remove_with_side_files(staging);
  if (!st) return st.error();
  return RestoreReport{static_cast<std::uint64_t>(*existing)};
}

}  // namespace roundhouse::sqlite
