#include "pg_backend.hpp"

#include <endian.h>

#include <algorithm>
#include <cstring>
#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "migrations.hpp"
#include "pg_commit_feed.hpp"
#include "pg_connection.hpp"
#include "pg_state_store.hpp"
#include "pg_uri.hpp"

namespace roundhouse::postgres {
namespace {

constexpr const char* kSelectColumns =
    "SELECT e.position, s.aggregate_type, s.aggregate_id, e.version, e.event_id, e.event_type, e.occurred_at, "
    "e.recorded_at, e.tenant, e.payload, e.metadata, e.hash FROM events e JOIN streams s ON s.stream_pk = e.stream_pk ";

// Rows per read statement: reads are chunked so a full replay never holds the whole log in memory.
constexpr std::size_t kReadChunk = 2000;
// Rows per INSERT and keys per head or event-id lookup statement: each is one statement over
// arrays (one binary array parameter per column), so the SQL text, and the prepared statement,
// is the same for any count.
constexpr std::size_t kWriteChunk = 10000;

void decode_row(const Rows& r, int row, RecordedEvent& e) {
  e.position = static_cast<Position>(r.int64(row, 0));
  r.text(row, 1, e.stream.type);
  r.text(row, 2, e.stream.id);
  e.version = static_cast<Version>(r.int64(row, 3));
  std::array<std::uint8_t, 16> id{};
  r.bytes(row, 4, id.data(), 16);
  e.id = Uuid(id);
  r.text(row, 5, e.type);
  e.occurred_at = r.int64(row, 6);
  e.recorded_at = r.int64(row, 7);
  r.text(row, 8, e.tenant);
  r.text(row, 9, e.payload);
  r.text(row, 10, e.metadata);
  if (!r.bytes(row, 11, e.hash.data(), e.hash.size())) e.hash = Hash{};
}

// PostgreSQL's binary format of a one-dimensional array without NULLs: header (dimensions,
// has-nulls flag, element type oid), the dimension (length, lower bound 1), then each element as
// length + bytes; integers big-endian. Sent as one binary parameter ($1::bigint[], ...).
class BinaryArray {
 public:
  static constexpr std::uint32_t kBytea = 17, kInt8 = 20, kText = 25;
  explicit BinaryArray(std::uint32_t element_oid) : oid_(element_oid) {}
  void add(const void* p, std::size_t n) {
    put(body_, static_cast<std::uint32_t>(n));
    body_.append(static_cast<const char*>(p), n);
    ++count_;
  }
  void add(const std::string& s) { add(s.data(), s.size()); }
  void add(std::int64_t v) {
    const std::uint64_t be = htobe64(static_cast<std::uint64_t>(v));
    add(&be, 8);
  }
  std::string bytes() const {
    std::string out;
    out.reserve(20 + body_.size());
    for (std::uint32_t v : {1u, 0u, oid_, count_, 1u}) put(out, v);
    return out + body_;
  }

 private:
  static void put(std::string& out, std::uint32_t v) {
    const std::uint32_t be = htobe32(v);
    out.append(reinterpret_cast<const char*>(&be), 4);
  }
  std::uint32_t oid_;
  std::uint32_t count_ = 0;
  std::string body_;
};

std::int64_t limit_of(std::size_t n) {
  return n > static_cast<std::size_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(n);
}

struct StreamKeyHash {
  std::size_t operator()(const StreamId& s) const noexcept {
    return std::hash<std::string>{}(s.type) * 31 ^ std::hash<std::string>{}(s.id);
  }
};

// The statements of a write transaction. Each is prepared once per connection; arrays make the
// text independent of how many streams, ids or events a commit has.
constexpr const char* kBeginSql = "BEGIN ISOLATION LEVEL READ COMMITTED";
constexpr const char* kLockSql = "SELECT pg_advisory_xact_lock($1::bigint)";
constexpr const char* kTipSql = "SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1";
// The heads of the asked streams ($1 types, $2 ids, no duplicates), creating a row (version 0,
// i.e. "does not exist" to LogStore) for each stream that has none, so that insert() knows every
// stream_pk without another round trip. The second SELECT runs on the statement's snapshot and so
// does not see the rows the first part creates: every stream comes back exactly once.
constexpr const char* kHeadsSql =
    "WITH k AS (SELECT * FROM unnest($1::text[], $2::text[]) AS k (t, i)), "
    "created AS (INSERT INTO streams (aggregate_type, aggregate_id, version, tenant) "
    "SELECT k.t, k.i, 0, '' FROM k WHERE NOT EXISTS (SELECT 1 FROM streams s WHERE s.aggregate_type = k.t AND "
    "s.aggregate_id = k.i) ON CONFLICT (aggregate_type, aggregate_id) DO NOTHING "
    "RETURNING stream_pk, aggregate_type, aggregate_id, version, tenant) "
    "SELECT stream_pk, aggregate_type, aggregate_id, version, tenant FROM created UNION ALL "
    "SELECT s.stream_pk, s.aggregate_type, s.aggregate_id, s.version, s.tenant FROM k JOIN streams s ON "
    "s.aggregate_type = k.t AND s.aggregate_id = k.i";
constexpr const char* kFindSql =
    "SELECT e.event_id, e.position, s.aggregate_type, s.aggregate_id, e.version FROM events e "
    "JOIN streams s ON s.stream_pk = e.stream_pk WHERE e.event_id = ANY($1::bytea[])";
constexpr const char* kInsertSql =
    "INSERT INTO events (position, stream_pk, version, event_id, event_type, tenant, occurred_at, recorded_at, "
    "payload, metadata, hash) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bytea[], "
    "$5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::bytea[])";
constexpr const char* kAdvanceSql =
    "UPDATE streams AS s SET version = v.version, tenant = v.tenant FROM unnest($1::bigint[], $2::bigint[], "
    "$3::text[]) AS v (pk, version, tenant) WHERE s.stream_pk = v.pk";
constexpr const char* kNotifySql = "SELECT pg_notify($1::text, $2::text)";
constexpr const char* kCommitSql = "COMMIT";

Statement statement(const char* sql, std::initializer_list<std::string> arrays = {}) {
  Statement st{sql, {}};
  for (const auto& a : arrays) st.params.add_owned(a);
  return st;
}

// One write transaction on the backend's writer connection. Round trips: BEGIN, the advisory lock,
// the tip, every stream head and every event-id lookup of a group commit go out as one pipeline
// (read_for_commit); the inserts, the head update, the NOTIFY and COMMIT as a second one
// (insert() only queues its statements; commit() sends them).
class PgWrite final : public WriteTransaction {
 public:
  PgWrite(Connection& c, std::unique_lock<std::mutex> lock, std::int64_t lock_key, std::string channel)
      : c_(c), lock_(std::move(lock)), lock_key_(lock_key), channel_(std::move(channel)) {}
  ~PgWrite() override {
    // A lost connection took its transaction with it; the backend replaces the connection.
    if (!c_.broken() && PQtransactionStatus(c_.native()) != PQTRANS_IDLE) (void)c_.exec("ROLLBACK");
  }

  Result<ChainTip> tip() override {
    std::vector<Statement> read;
    read.push_back(statement(kTipSql));
    auto r = run(std::move(read));
    if (!r) return r.error();
    return tip_of(r->front());
  }

  Result<StreamHead> stream_head(const StreamId& stream) override {
    auto heads = stream_heads(std::span<const StreamId>(&stream, 1));
    if (!heads) return heads.error();
    return std::move(heads->front());
  }

  Result<std::vector<StreamHead>> stream_heads(std::span<const StreamId> streams) override {
    auto view = read_for_commit(streams, {});
    if (!view) return view.error();
    return std::move(view->heads);
  }

  Result<std::optional<EventLocation>> find_event(const Uuid& id) override {
    auto found = find_events(std::span<const Uuid>(&id, 1));
    if (!found) return found.error();
    return std::move(found->front());
  }

  Result<std::vector<std::optional<EventLocation>>> find_events(std::span<const Uuid> ids) override {
    auto view = read_for_commit({}, ids);
    if (!view) return view.error();
    return std::move(view->stored);
  }

  // One pipeline: [BEGIN, lock,] tip, one head statement per kWriteChunk distinct streams, one
  // `event_id = ANY($1)` lookup per kWriteChunk ids (answered from the unique index).
  Result<CommitView> read_for_commit(std::span<const StreamId> streams, std::span<const Uuid> ids) override {
    std::vector<StreamId> distinct;
    std::unordered_map<StreamId, StreamHead, StreamKeyHash> heads;
    for (const auto& s : streams)
      if (heads.emplace(s, StreamHead{}).second) distinct.push_back(s);
    std::vector<Statement> reads;
    reads.push_back(statement(kTipSql));
    for (std::size_t first = 0; first < distinct.size(); first += kWriteChunk) {
      BinaryArray types(BinaryArray::kText), names(BinaryArray::kText);
      for (std::size_t k = first; k < std::min(distinct.size(), first + kWriteChunk); ++k) {
        types.add(distinct[k].type);
        names.add(distinct[k].id);
      }
      reads.push_back(statement(kHeadsSql, {types.bytes(), names.bytes()}));
    }
    for (std::size_t first = 0; first < ids.size(); first += kWriteChunk) {
      BinaryArray chunk(BinaryArray::kBytea);
      for (std::size_t k = first; k < std::min(ids.size(), first + kWriteChunk); ++k) chunk.add(ids[k].bytes().data(), 16);
      reads.push_back(statement(kFindSql, {chunk.bytes()}));
    }
    const std::size_t head_statements = (distinct.size() + kWriteChunk - 1) / kWriteChunk;
    auto results = run(std::move(reads));
    if (!results) return results.error();

    CommitView view;
    view.tip = tip_of((*results)[0]);
    for (std::size_t n = 1; n <= head_statements; ++n) {
      const Rows& r = (*results)[n];
      for (int i = 0; i < r.count(); ++i) {
        StreamId id{r.text(i, 1), r.text(i, 2)};
        auto it = heads.find(id);
        if (it == heads.end()) continue;
        pks_[id] = r.int64(i, 0);
        it->second.version = static_cast<Version>(r.int64(i, 3));
        r.text(i, 4, it->second.tenant);
      }
    }
    view.heads.reserve(streams.size());
    for (const auto& s : streams) view.heads.push_back(heads[s]);
    std::unordered_map<Uuid, EventLocation, UuidHash> stored;
    for (std::size_t n = 1 + head_statements; n < results->size(); ++n) {
      const Rows& r = (*results)[n];
      for (int i = 0; i < r.count(); ++i) {
        std::array<std::uint8_t, 16> id{};
        if (!r.bytes(i, 0, id.data(), id.size())) continue;
        EventLocation loc;
        loc.position = static_cast<Position>(r.int64(i, 1));
        r.text(i, 2, loc.stream.type);
        r.text(i, 3, loc.stream.id);
        loc.version = static_cast<Version>(r.int64(i, 4));
        stored.emplace(Uuid(id), std::move(loc));
      }
    }
    view.stored.resize(ids.size());
    for (std::size_t k = 0; k < ids.size(); ++k)
      if (auto it = stored.find(ids[k]); it != stored.end()) view.stored[k] = it->second;
    return view;
  }

  // Queues one INSERT ... SELECT FROM unnest(...) per kWriteChunk events and one UPDATE of every
  // stream head the events advance; commit() sends them. Streams whose row is not known yet (a
  // caller that did not ask for their heads) get it first, in one round trip.
  Status insert(std::span<const RecordedEvent> events) override {
    std::vector<StreamId> unknown;
    for (const auto& e : events)
      if (!pks_.contains(e.stream)) unknown.push_back(e.stream);
    if (!unknown.empty())
      if (auto heads = stream_heads(unknown); !heads) return heads.error();
    struct Advance {
      Version version;
      const std::string* tenant;
    };
    std::unordered_map<std::int64_t, Advance> advanced;
    for (std::size_t first = 0; first < events.size(); first += kWriteChunk) {
      BinaryArray position(BinaryArray::kInt8), pk(BinaryArray::kInt8), version(BinaryArray::kInt8),
          id(BinaryArray::kBytea), type(BinaryArray::kText), tenant(BinaryArray::kText),
          occurred(BinaryArray::kInt8), recorded(BinaryArray::kInt8), payload(BinaryArray::kText),
          metadata(BinaryArray::kText), hash(BinaryArray::kBytea);
      for (std::size_t k = first; k < std::min(events.size(), first + kWriteChunk); ++k) {
        const RecordedEvent& e = events[k];
        const std::int64_t stream_pk = pks_.at(e.stream);
        position.add(static_cast<std::int64_t>(e.position));
        pk.add(stream_pk);
        version.add(static_cast<std::int64_t>(e.version));
        id.add(e.id.bytes().data(), 16);
        type.add(e.type);
        tenant.add(e.tenant);
        occurred.add(e.occurred_at);
        recorded.add(e.recorded_at);
        payload.add(e.payload);
        metadata.add(e.metadata);
        hash.add(e.hash.data(), e.hash.size());
        advanced[stream_pk] = Advance{e.version, &e.tenant};
        last_position_ = std::max(last_position_, e.position);
      }
      queued_.push_back(statement(kInsertSql, {position.bytes(), pk.bytes(), version.bytes(), id.bytes(), type.bytes(),
                                               tenant.bytes(), occurred.bytes(), recorded.bytes(), payload.bytes(),
                                               metadata.bytes(), hash.bytes()}));
    }
    BinaryArray pk(BinaryArray::kInt8), version(BinaryArray::kInt8), tenant(BinaryArray::kText);
    for (const auto& [stream_pk, a] : advanced) {
      pk.add(stream_pk);
      version.add(static_cast<std::int64_t>(a.version));
      tenant.add(*a.tenant);
    }
    if (!advanced.empty()) queued_.push_back(statement(kAdvanceSql, {pk.bytes(), version.bytes(), tenant.bytes()}));
    return {};
  }

  // The queued inserts, the NOTIFY and COMMIT in one pipeline. PostgreSQL delivers the
  // notification only once the commit is visible, and never for a transaction that rolls back.
  Status commit() override {
    std::vector<Statement> rest = std::move(queued_);
    queued_.clear();
    if (last_position_) {
      rest.push_back(statement(kNotifySql));
      rest.back().params.add_owned(channel_);
      rest.back().params.add_owned(std::to_string(last_position_));
    }
    rest.push_back(statement(kCommitSql));
    auto results = run(std::move(rest));
    if (!results) {
      Error e = results.error();
      if (c_.broken()) e.message += " (the connection was lost during COMMIT, so the outcome is unknown)";
      return e;
    }
    // After an error inside the transaction the server answers COMMIT with ROLLBACK.
    if (std::strcmp(PQcmdStatus(results->back().get()), "COMMIT") != 0)
      return Error{ErrorCode::io_error, "PostgreSQL store " + c_.where() + ": the transaction was rolled back"};
    return {};
  }

 private:
  // Sends `statements` as one pipeline, preceded by BEGIN and the log's advisory lock when the
  // transaction has not begun yet, and answers the results of `statements` only. From the lock
  // until COMMIT/ROLLBACK no other transaction in any process can take it, so the tip read after
  // it stays the tip, and positions assigned from it commit before anyone else's. Every
  // statement of a pipeline runs on a snapshot taken when it starts, i.e. after the lock.
  Result<std::vector<Rows>> run(std::vector<Statement> statements) {
    const std::size_t skip = begun_ ? 0 : 2;
    if (!begun_) {
      Statement lock = statement(kLockSql);
      lock.params.add(lock_key_);
      statements.insert(statements.begin(), std::move(lock));
      statements.insert(statements.begin(), statement(kBeginSql));
      begun_ = true;
    }
    auto results = c_.pipeline(statements);
    if (!results) return results.error();
    results->erase(results->begin(), results->begin() + static_cast<std::ptrdiff_t>(skip));
    return results;
  }

  static ChainTip tip_of(const Rows& r) {
    ChainTip t;
    if (r.count() > 0) {
      t.position = static_cast<Position>(r.int64(0, 0));
      r.bytes(0, 1, t.hash.data(), t.hash.size());
      t.recorded_at = r.int64(0, 2);
    }
    return t;
  }

  Connection& c_;
  std::unique_lock<std::mutex> lock_;
  std::int64_t lock_key_;
  std::string channel_;  // unquoted, as pg_notify takes it
  Position last_position_ = 0;
  bool begun_ = false;  // BEGIN and the lock were sent (the destructor rolls back what is open)
  std::vector<Statement> queued_;  // insert() statements, sent by commit()
  std::unordered_map<StreamId, std::int64_t, StreamKeyHash> pks_;
};

// Up to `size` read connections handed out one per reader. A connection that lost the server
// while idle reconnects on its next statement (see Connection); one that could not is dropped
// when it comes back, and a new one is opened on demand.
class ReaderPool {
 public:
  ReaderPool(PgUri uri, std::size_t size) : uri_(std::move(uri)), capacity_(size) {}

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
    auto c = Connection::open(uri_);
    if (c)
      if (auto st = (*c)->configure("SET default_transaction_read_only = on"); !st) c = st.error();
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
      if (c->broken()) --created_;
      else idle_.push_back(std::move(c));
    }
    cv_.notify_one();
  }
  PgUri uri_;
  std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t created_ = 0;
};

class PgBackend final : public LogBackend {
 public:
  PgBackend(PgUri uri, std::unique_ptr<Connection> writer)
      : uri_(std::move(uri)), channel_(commit_channel(uri_)), writer_(std::move(writer)), readers_(uri_, uri_.readers),
        state_(make_pg_state_store(uri_)) {}

  Result<std::unique_ptr<WriteTransaction>> begin_write() override {
    std::unique_lock lock(write_mu_);
    if (!writer_ || writer_->broken()) {  // first use after close(), or the server went away
      writer_.reset();
      auto c = Connection::open(uri_);
      if (!c) return c.error();
      writer_ = std::move(c).value();
    }
    // Nothing is sent yet: BEGIN and the lock go out with the transaction's first reads.
    return std::unique_ptr<WriteTransaction>(
        std::make_unique<PgWrite>(*writer_, std::move(lock), uri_.log_lock_key, channel_.substr(1, channel_.size() - 2)));
  }

  Result<StreamHead> stream_head(const StreamId& stream) override {
    auto lease = readers_.take();
    if (!lease) return lease.error();
    Params p;
    p.add(stream.type);
    p.add(stream.id);
    auto r = (**lease)->query("SELECT version, tenant FROM streams WHERE aggregate_type = $1::text AND "
                              "aggregate_id = $2::text",
                              p);
    if (!r) return r.error();
    StreamHead head;
    if (r->count() > 0) {
      head.version = static_cast<Version>(r->int64(0, 0));
      r->text(0, 1, head.tenant);
    }
    return head;
  }

  Status read_stream(const StreamId& stream, const ReadStreamOptions& o, const EventVisitor& visit) override {
    auto lease = readers_.take();
    if (!lease) return lease.error();
    Connection& c = ***lease;
    const bool forward = o.direction == Direction::forward;
    std::string sql = std::string(kSelectColumns) + "WHERE s.aggregate_type = $1::text AND s.aggregate_id = $2::text ";
    if (forward) sql += "AND e.version >= $3::bigint ORDER BY e.version ASC LIMIT $4::bigint";
    else sql += "AND e.version <= $3::bigint ORDER BY e.version DESC LIMIT $4::bigint";
    std::int64_t from = forward ? static_cast<std::int64_t>(std::min<Version>(o.from_version, INT64_MAX))
                                : (o.from_version == 0 ? INT64_MAX
                                                       : static_cast<std::int64_t>(std::min<Version>(o.from_version, INT64_MAX)));
    std::size_t remaining = o.max_count;
    RecordedEvent e;
    while (remaining > 0) {
      const std::size_t chunk = std::min(remaining, kReadChunk);
      Params p;
      p.add(stream.type);
      p.add(stream.id);
      p.add(from);
      p.add(limit_of(chunk));
      auto r = c.query(sql, p);
      if (!r) return r.error();
      for (int i = 0; i < r->count(); ++i) {
        decode_row(*r, i, e);
        if (!visit(e)) return {};
      }
      if (static_cast<std::size_t>(r->count()) < chunk) break;
      remaining -= chunk;
      from = forward ? static_cast<std::int64_t>(e.version) + 1 : static_cast<std::int64_t>(e.version) - 1;
      if (!forward && from < 1) break;
    }
    return {};
  }

  Status read_all(const ReadAllOptions& o, const EventVisitor& visit) override {
    auto lease = readers_.take();
    if (!lease) return lease.error();
    Connection& c = ***lease;
    // The SQL text depends only on how many values each filter has, so statements stay cached.
    std::string sql = std::string(kSelectColumns) + "WHERE e.position >= $1::bigint";
    int next = 3;
    auto in_list = [&](const char* column, std::size_t n) {
      if (n == 0) return;
      sql += std::string(" AND ") + column + " IN (";
      for (std::size_t i = 0; i < n; ++i) sql += (i ? ", $" : "$") + std::to_string(next++) + "::text";
      sql += ")";
    };
    in_list("s.aggregate_type", o.filter.aggregate_types.size());
    in_list("e.event_type", o.filter.event_types.size());
    if (o.filter.tenant) sql += " AND e.tenant = $" + std::to_string(next++) + "::text";
    sql += " ORDER BY e.position ASC LIMIT $2::bigint";
    std::int64_t from = static_cast<std::int64_t>(std::min<Position>(o.from_position, INT64_MAX));
    std::size_t remaining = o.max_count;
    RecordedEvent e;
    while (remaining > 0) {
      const std::size_t chunk = std::min(remaining, kReadChunk);
      Params p;
      p.add(from);
      p.add(limit_of(chunk));
      for (const auto& t : o.filter.aggregate_types) p.add(t);
      for (const auto& t : o.filter.event_types) p.add(t);
      if (o.filter.tenant) p.add(*o.filter.tenant);
      auto r = c.query(sql, p);
      if (!r) return r.error();
      for (int i = 0; i < r->count(); ++i) {
        decode_row(*r, i, e);
        if (!visit(e)) return {};
      }
      if (static_cast<std::size_t>(r->count()) < chunk) break;
      remaining -= chunk;
      from = static_cast<std::int64_t>(e.position) + 1;
    }
    return {};
  }

  Result<Position> head_position() override {
    auto lease = readers_.take();
    if (!lease) return lease.error();
    auto r = (**lease)->query("SELECT COALESCE(MAX(position), 0)::bigint FROM events", Params{});
    if (!r) return r.error();
    return static_cast<Position>(r->int64(0, 0));
  }

  // Other processes and hosts write to the same database: LogStore polls the head for commits it
  // was not told about, and listens for their NOTIFY to wake at once.
  bool shared_with_other_processes() const override { return true; }
  std::unique_ptr<CommitFeed> watch_commits(CommitCallback on_commit) override {
    return start_commit_feed(uri_, std::move(on_commit));
  }
  std::string uri() const override { return uri_.redacted; }
  std::shared_ptr<StateStore> state_store() override { return state_; }
  void close() override {
    std::lock_guard lock(write_mu_);
    readers_.clear();
    writer_.reset();
  }

 private:
  PgUri uri_;
  std::string channel_;  // NOTIFY channel of this log (pg_commit_feed.hpp)
  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_;
  ReaderPool readers_;
  std::shared_ptr<StateStore> state_;
};

}  // namespace

Result<std::shared_ptr<LogBackend>> open_backend(const StoreUri& uri) {
  auto parsed = parse_pg_uri(uri);
  if (!parsed) return parsed.error();
  auto writer = Connection::open(*parsed);
  if (!writer) return writer.error();
  if (auto st = migrate(**writer, *parsed); !st) return st.error();
  return std::shared_ptr<LogBackend>(std::make_shared<PgBackend>(std::move(parsed).value(), std::move(writer).value()));
}

}  // namespace roundhouse::postgres
