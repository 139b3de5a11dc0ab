#include "sqlite_backend.hpp"

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "migrations.hpp"
#include "sqlite_connection.hpp"
#include "sqlite_state_store.hpp"

namespace roundhouse::sqlite {
namespace {

constexpr const char* kSelectColumns =
    "SELECT e.position, s.aggregate_type, s.aggregate_id, e.version, e.event_id, e.event_type, e.occurred_at, "
    "e.recorded_at, e.tenant, e.payload, e.metadata, e.hash FROM events e ";
constexpr const char* kJoinStreams = "JOIN streams s ON s.stream_pk = e.stream_pk ";

void assign_text(std::string& out, sqlite3_stmt* s, int col) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  out.assign(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s, col)));
}

// Decodes the current row of a kSelectColumns query into `e`, reusing its buffers.
void decode_row(sqlite3_stmt* s, RecordedEvent& e) {
  e.position = static_cast<Position>(sqlite3_column_int64(s, 0));
  assign_text(e.stream.type, s, 1);
  assign_text(e.stream.id, s, 2);
  e.version = static_cast<Version>(sqlite3_column_int64(s, 3));
  std::array<std::uint8_t, 16> id{};
  if (sqlite3_column_bytes(s, 4) == 16) std::memcpy(id.data(), sqlite3_column_blob(s, 4), 16);
  e.id = Uuid(id);
  assign_text(e.type, s, 5);
  e.occurred_at = sqlite3_column_int64(s, 6);
  e.recorded_at = sqlite3_column_int64(s, 7);
  assign_text(e.tenant, s, 8);
  assign_text(e.payload, s, 9);
  assign_text(e.metadata, s, 10);
  if (sqlite3_column_bytes(s, 11) == 32) std::memcpy(e.hash.data(), sqlite3_column_blob(s, 11), 32);
  else e.hash = Hash{};
}

// Steps a kSelectColumns statement, handing each row to `visit`.
Status visit_rows(Connection& c, Statement& stmt, const EventVisitor& visit) {
  RecordedEvent e;
  for (;;) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      Error err = c.error("reading events");
      stmt.reset();
      return err;
    }
    decode_row(stmt.get(), e);
    if (!visit(e)) break;
  }
  stmt.reset();
  return {};
}

struct StreamKeyHash {
  std::size_t operator()(const StreamId& s) const noexcept {
    return std::hash<std::string>{}(s.type) * 31 ^ std::hash<std::string>{}(s.id);
  }
};

class SqliteBackend;

class SqliteWrite final : public WriteTransaction {
 public:
  SqliteWrite(Connection& c, std::unique_lock<std::mutex> lock) : c_(c), lock_(std::move(lock)) {}
  ~SqliteWrite() override {
    if (open_) (void)c_.exec("ROLLBACK");
  }
  Status begin() {
    if (auto st = c_.exec("BEGIN IMMEDIATE"); !st) return st;
    open_ = true;
    return {};
  }

  Result<ChainTip> tip() override {
    auto stmt = c_.prepare("SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1");
    if (!stmt) return stmt.error();
    sqlite3_stmt* s = (*stmt)->get();
    ChainTip t;
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      t.position = static_cast<Position>(sqlite3_column_int64(s, 0));
      if (sqlite3_column_bytes(s, 1) == 32) std::memcpy(t.hash.data(), sqlite3_column_blob(s, 1), 32);
      t.recorded_at = sqlite3_column_int64(s, 2);
    } else if (rc != SQLITE_DONE) {
      return c_.error("reading the log tip");
    }
    (*stmt)->reset();
    return t;
  }

  Result<StreamHead> stream_head(const StreamId& stream) override {
    auto stmt = c_.prepare("SELECT stream_pk, version, tenant FROM streams WHERE aggregate_type = ?1 AND aggregate_id = ?2");
    if (!stmt) return stmt.error();
    (*stmt)->bind(1, stream.type);
    (*stmt)->bind(2, stream.id);
    sqlite3_stmt* s = (*stmt)->get();
    StreamHead head;
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      pks_[stream] = sqlite3_column_int64(s, 0);
      head.version = static_cast<Version>(sqlite3_column_int64(s, 1));
      assign_text(head.tenant, s, 2);
    } else if (rc != SQLITE_DONE) {
      return c_.error("reading a stream head");
    }
    (*stmt)->reset();
    return head;
  }

  Result<std::optional<EventLocation>> find_event(const Uuid& id) override {
    auto stmt = c_.prepare(
        "SELECT e.position, s.aggregate_type, s.aggregate_id, e.version FROM events e JOIN streams s "
        "ON s.stream_pk = e.stream_pk WHERE e.event_id = ?1");
    if (!stmt) return stmt.error();
    (*stmt)->bind_blob(1, id.bytes().data(), 16);
    sqlite3_stmt* s = (*stmt)->get();
    std::optional<EventLocation> out;
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      EventLocation loc;
      loc.position = static_cast<Position>(sqlite3_column_int64(s, 0));
      assign_text(loc.stream.type, s, 1);
      assign_text(loc.stream.id, s, 2);
      loc.version = static_cast<Version>(sqlite3_column_int64(s, 3));
      out = std::move(loc);
    } else if (rc != SQLITE_DONE) {
      return c_.error("looking up an event id");
    }
    (*stmt)->reset();
    return out;
  }

  Status insert(std::span<const RecordedEvent> events) override {
    auto ins = c_.prepare(
        "INSERT INTO events (position, stream_pk, version, event_id, event_type, tenant, occurred_at, recorded_at, "
        "payload, metadata, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    if (!ins) return ins.error();
    std::unordered_map<std::int64_t, Version> last_versions;
    for (const auto& e : events) {
      auto pk = stream_pk(e);
      if (!pk) return pk.error();
      Statement& s = **ins;
      s.bind(1, static_cast<std::int64_t>(e.position));
      s.bind(2, *pk);
      s.bind(3, static_cast<std::int64_t>(e.version));
      s.bind_blob(4, e.id.bytes().data(), 16);
      s.bind(5, e.type);
      s.bind(6, e.tenant);
      s.bind(7, e.occurred_at);
      s.bind(8, e.recorded_at);
      s.bind(9, e.payload);
      s.bind(10, e.metadata);
      s.bind_blob(11, e.hash.data(), 32);
      const int rc = sqlite3_step(s.get());
      s.reset();
      if (rc != SQLITE_DONE) return c_.error("inserting event " + std::to_string(e.position));
      last_versions[*pk] = e.version;
    }
    auto upd = c_.prepare("UPDATE streams SET version = ?1 WHERE stream_pk = ?2");
    if (!upd) return upd.error();
    for (const auto& [pk, version] : last_versions) {
      (*upd)->bind(1, static_cast<std::int64_t>(version));
      (*upd)->bind(2, pk);
      const int rc = sqlite3_step((*upd)->get());
      (*upd)->reset();
      if (rc != SQLITE_DONE) return c_.error("advancing a stream head");
    }
    return {};
  }

  Status commit() override {
    Status st = c_.exec("COMMIT");
    if (!st) return st;  // the destructor rolls back
    open_ = false;
    return {};
  }

 private:
  // The stream's primary key, creating the stream row on its first event.
  Result<std::int64_t> stream_pk(const RecordedEvent& e) {
    if (auto it = pks_.find(e.stream); it != pks_.end()) return it->second;
    auto stmt = c_.prepare("INSERT INTO streams (aggregate_type, aggregate_id, version, tenant) VALUES (?1, ?2, 0, ?3)");
    if (!stmt) return stmt.error();
    (*stmt)->bind(1, e.stream.type);
    (*stmt)->bind(2, e.stream.id);
    (*stmt)->bind(3, e.tenant);
    const int rc = sqlite3_step((*stmt)->get());
    (*stmt)->reset();
    if (rc != SQLITE_DONE) return c_.error("creating stream " + to_string(e.stream));
    const std::int64_t pk = sqlite3_last_insert_rowid(c_.db());
    pks_[e.stream] = pk;
    return pk;
  }

  Connection& c_;
  std::unique_lock<std::mutex> lock_;
  bool open_ = false;
  std::unordered_map<StreamId, std::int64_t, StreamKeyHash> pks_;
};

// A fixed set of read connections handed out one per reader.
class ReaderPool {
 public:
  ReaderPool(std::filesystem::path file, ConnectionOptions options, std::size_t size)
      : file_(std::move(file)), options_(options), capacity_(size) {}

  class Lease {
   public:
    Lease(ReaderPool& pool, std::unique_ptr<Connection> c) : pool_(pool), c_(std::move(c)) {}
    ~Lease() { pool_.give_back(std::move(c_)); }
    Connection& operator*() { return *c_; }
    Connection* operator->() { return c_.get(); }

   private:
    ReaderPool& pool_;
    std::unique_ptr<Connection> c_;
  };

  Result<std::unique_ptr<Lease>> take() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || created_ < capacity_; });
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return std::make_unique<Lease>(*this, std::move(c));
    }
    ++created_;
    lock.unlock();
    auto c = Connection::open(file_, options_);
    if (!c) {
      std::lock_guard relock(mu_);
      --created_;
      cv_.notify_one();
      return c.error();
    }
    return std::make_unique<Lease>(*this, std::move(c).value());
  }
  void clear() {
    std::lock_guard lock(mu_);
    created_ -= idle_.size();
    idle_.clear();
  }

 private:
  void give_back(std::unique_ptr<Connection> c) {
    {
      std::lock_guard lock(mu_);
      idle_.push_back(std::move(c));
    }
    cv_.notify_one();
  }
  std::filesystem::path file_;
  ConnectionOptions options_;
  std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t created_ = 0;
};

class SqliteBackend final : public LogBackend {
 public:
  SqliteBackend(std::string uri, std::unique_ptr<Connection> writer, std::filesystem::path file,
                ConnectionOptions options, std::size_t readers)
      : uri_(std::move(uri)), writer_(std::move(writer)), readers_(file, reader_options(options), readers),
        state_(make_sqlite_state_store(file, options)) {}

  Result<std::unique_ptr<WriteTransaction>> begin_write() override {
    std::unique_lock lock(write_mu_);
    auto txn = std::make_unique<SqliteWrite>(*writer_, std::move(lock));
    if (auto st = txn->begin(); !st) return st.error();
    return std::unique_ptr<WriteTransaction>(std::move(txn));
  }

  Result<StreamHead> stream_head(const StreamId& stream) override {
    auto lease = readers_.take();
    if (!lease) return lease.error();
    Connection& c = ***lease;
    auto stmt = c.prepare("SELECT version, tenant FROM streams WHERE aggregate_type = ?1 AND aggregate_id = ?2");
    if (!stmt) return stmt.error();
    (*stmt)->bind(1, stream.type);
    (*stmt)->bind(2, stream.id);
    StreamHead head;
    const int rc = sqlite3_step((*stmt)->get());
    if (rc == SQLITE_ROW) {
      head.version = static_cast<Version>(sqlite3_column_int64((*stmt)->get(), 0));
      assign_text(head.tenant, (*stmt)->get(), 1);
    } else if (rc != SQLITE_DONE) {
      Error err = c.error("reading a stream head");
      (*stmt)->reset();
      return err;
    }
    (*stmt)->reset();
    return head;
  }

  Status read_stream(const StreamId& stream, const ReadStreamOptions& o, const EventVisitor& visit) override {
    auto lease = readers_.take();
    if (!lease) return lease.error();
    Connection& c = ***lease;
    const bool forward = o.direction == Direction::forward;
    std::string sql = std::string(kSelectColumns) + kJoinStreams + "WHERE s.aggregate_type = ?1 AND s.aggregate_id = ?2 ";
    if (forward) sql += "AND e.version >= ?3 ORDER BY e.version ASC LIMIT ?4";
    else sql += "AND e.version <= ?3 ORDER BY e.version DESC LIMIT ?4";
    auto stmt = c.prepare(sql);
    if (!stmt) return stmt.error();
    (*stmt)->bind(1, stream.type);
    (*stmt)->bind(2, stream.id);
    const Version from = forward ? o.from_version : (o.from_version == 0 ? INT64_MAX : o.from_version);
    (*stmt)->bind(3, static_cast<std::int64_t>(std::min<Version>(from, INT64_MAX)));
    (*stmt)->bind(4, limit_of(o.max_count));
    return visit_rows(c, **stmt, visit);
  }

  Status read_all(const ReadAllOptions& o, const EventVisitor& visit) override {
    auto lease = readers_.take();
    if (!lease) return lease.error();
    Connection& c = ***lease;
    // The SQL text depends only on how many values each filter has, so statements stay cached.
    // CROSS JOIN keeps events as the outer loop: SQLite walks positions from ?1 and stops at the
    // LIMIT, instead of collecting every event of the filtered aggregate type and sorting it
    // (which made a projection's 1000-event catch-up batch cost a full scan of that type).
    std::string sql = std::string(kSelectColumns) + "CROSS " + kJoinStreams + "WHERE e.position >= ?1";
    int next = 3;
    auto in_list = [&](const char* column, std::size_t n) {
      if (n == 0) return;
      sql += std::string(" AND ") + column + " IN (";
      for (std::size_t i = 0; i < n; ++i) sql += (i ? ", ?" : "?") + std::to_string(next++);
      sql += ")";
    };
    in_list("s.aggregate_type", o.filter.aggregate_types.size());
    in_list("e.event_type", o.filter.event_types.size());
    if (o.filter.tenant) sql += " AND e.tenant = ?" + std::to_string(next++);
    sql += " ORDER BY e.position ASC LIMIT ?2";
    auto stmt = c.prepare(sql);
    if (!stmt) return stmt.error();
    Statement& s = **stmt;
    s.bind(1, static_cast<std::int64_t>(o.from_position));
    s.bind(2, limit_of(o.max_count));
    int i = 3;
    for (const auto& t : o.filter.aggregate_types) s.bind(i++, t);
    for (const auto& t : o.filter.event_types) s.bind(i++, t);
    if (o.filter.tenant) s.bind(i++, *o.filter.tenant);
    return visit_rows(c, s, visit);
  }

  Result<Position> head_position() override {
    auto lease = readers_.take();
    if (!lease) return lease.error();
    Connection& c = ***lease;
    auto stmt = c.prepare("SELECT COALESCE(MAX(position), 0) FROM events");
    if (!stmt) return stmt.error();
    const int rc = sqlite3_step((*stmt)->get());
    if (rc != SQLITE_ROW) {
      Error err = c.error("reading the head position");
      (*stmt)->reset();
      return err;
    }
    const auto head = static_cast<Position>(sqlite3_column_int64((*stmt)->get(), 0));
    (*stmt)->reset();
    return head;
  }

  bool shared_with_other_processes() const override { return true; }
  std::string uri() const override { return uri_; }
  std::shared_ptr<StateStore> state_store() override { return state_; }
  void close() override {
    std::lock_guard lock(write_mu_);
    readers_.clear();
  }

 private:
  static ConnectionOptions reader_options(ConnectionOptions o) {
    o.read_only = true;
    return o;
  }
  static std::int64_t limit_of(std::size_t n) {
    return n > static_cast<std::size_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(n);
  }

  std::string uri_;
  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_;
  ReaderPool readers_;
  std::shared_ptr<StateStore> state_;
};

}  // namespace

Result<std::shared_ptr<LogBackend>> open_backend(const StoreUri& uri) {
  if (uri.rest.empty()) return Error{ErrorCode::invalid_argument, "sqlite: URI needs a file path, e.g. sqlite:./data/roundhouse.db"};
  const std::filesystem::path file = uri.rest;
  ConnectionOptions options;
  std::size_t readers = 4;
  for (const auto& [key, value] : uri.params) {
    if (key == "synchronous") {
      if (value != "full" && value != "normal")
        return Error{ErrorCode::invalid_argument, "sqlite: synchronous must be 'full' or 'normal', not '" + value + "'"};
      options.synchronous = value == "full" ? "FULL" : "NORMAL";
    } else if (key == "busy_timeout_ms" || key == "readers") {
      std::size_t n = 0;
      try {
        n = std::stoul(value);
      } catch (...) {
        return Error{ErrorCode::invalid_argument, "sqlite: " + key + " must be a number"};
      }
      if (key == "readers") readers = std::max<std::size_t>(1, n);
      else options.busy_timeout_ms = static_cast<int>(n);
    } else {
      return Error{ErrorCode::invalid_argument, "sqlite: unknown URI parameter '" + key + "'"};
    }
  }
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  if (ec)
    return Error{ErrorCode::io_error, "cannot create SQLite store " + file.string() + ": directory " +
                                          file.parent_path().string() + ": " + ec.message()};
  auto writer = Connection::open(file, options);
  if (!writer) return writer.error();
  if (auto st = migrate(**writer); !st) return st.error();
  return std::shared_ptr<LogBackend>(
      std::make_shared<SqliteBackend>(uri.text, std::move(writer).value(), file, options, readers));
}

}  // namespace roundhouse::sqlite
