#include "pg_backend.hpp"

#include <endian.h>

#include <algorithm>
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
// Rows per multi-row INSERT (11 parameters each; PostgreSQL allows 65535 per statement).
constexpr std::size_t kInsertChunk = 1000;
// Event ids per lookup statement (one array parameter, 20 bytes per id).
constexpr std::size_t kLookupChunk = 10000;

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

// PostgreSQL's binary array format for a one-dimensional bytea[] of 16-byte elements: header
// (dimensions, has-nulls flag, element type oid), the dimension (length, lower bound 1), then
// each element as length + bytes; integers big-endian.
std::string uuid_array(std::span<const Uuid> ids) {
  constexpr std::uint32_t kByteaOid = 17;
  std::string out;
  out.reserve(20 + ids.size() * 20);
  auto put = [&](std::uint32_t v) {
    const std::uint32_t be = htobe32(v);
    out.append(reinterpret_cast<const char*>(&be), 4);
  };
  put(1);
  put(0);
  put(kByteaOid);
  put(static_cast<std::uint32_t>(ids.size()));
  put(1);
  for (const Uuid& id : ids) {
    put(16);
    out.append(reinterpret_cast<const char*>(id.bytes().data()), 16);
  }
  return out;
}

std::int64_t limit_of(std::size_t n) {
  return n > static_cast<std::size_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(n);
}

struct StreamKeyHash {
  std::size_t operator()(const StreamId& s) const noexcept {
    return std::hash<std::string>{}(s.type) * 31 ^ std::hash<std::string>{}(s.id);
  }
};

class PgWrite final : public WriteTransaction {
 public:
  PgWrite(Connection& c, std::unique_lock<std::mutex> lock, const std::string& channel)
      : c_(c), lock_(std::move(lock)), channel_(channel) {}
  ~PgWrite() override {
    // A lost connection took its transaction with it; the backend replaces the connection.
    if (open_ && !c_.broken()) (void)c_.exec("ROLLBACK");
  }

  // BEGIN, then the log's advisory lock: from here until COMMIT/ROLLBACK no other transaction in
  // any process can take it, so the tip read next stays the tip, and the positions assigned from
  // it commit before anyone else's. BEGIN and the lock share one round trip (simple query
  // protocol, stops at the first error). The tip must be a later, separate statement: inside one
  // multi-statement query string the SELECT may run on a snapshot older than the lock.
  Status begin(std::int64_t lock_key) {
    open_ = true;  // from here on the destructor rolls back (harmless if BEGIN itself failed)
    return c_.exec("BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" + std::to_string(lock_key) +
                   ")");
  }

  Result<ChainTip> tip() override {
    auto r = c_.query("SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1", Params{});
    if (!r) return r.error();
    ChainTip t;
    if (r->count() > 0) {
      t.position = static_cast<Position>(r->int64(0, 0));
      r->bytes(0, 1, t.hash.data(), t.hash.size());
      t.recorded_at = r->int64(0, 2);
    }
    return t;
  }

  Result<StreamHead> stream_head(const StreamId& stream) override {
    Params p;
    p.add(stream.type);
    p.add(stream.id);
    auto r = c_.query("SELECT stream_pk, version, tenant FROM streams WHERE aggregate_type = $1::text AND "
                      "aggregate_id = $2::text",
                      p);
    if (!r) return r.error();
    StreamHead head;
    if (r->count() > 0) {
      pks_[stream] = r->int64(0, 0);
      head.version = static_cast<Version>(r->int64(0, 1));
      r->text(0, 2, head.tenant);
    }
    return head;
  }

  Result<std::optional<EventLocation>> find_event(const Uuid& id) override {
    auto found = find_events(std::span<const Uuid>(&id, 1));
    if (!found) return found.error();
    return std::move(found->front());
  }

  // One statement per kLookupChunk ids, `event_id = ANY($1)` with the ids as one binary bytea[]
  // parameter; the unique index on event_id answers each element.
  Result<std::vector<std::optional<EventLocation>>> find_events(std::span<const Uuid> ids) override {
    std::unordered_map<Uuid, EventLocation, UuidHash> stored;
    for (std::size_t first = 0; first < ids.size(); first += kLookupChunk) {
      Params p;
      p.add_owned(uuid_array(ids.subspan(first, std::min(kLookupChunk, ids.size() - first))));
      auto r = c_.query("SELECT e.event_id, e.position, s.aggregate_type, s.aggregate_id, e.version FROM events e "
                        "JOIN streams s ON s.stream_pk = e.stream_pk WHERE e.event_id = ANY($1::bytea[])",
                        p);
      if (!r) return r.error();
      for (int i = 0; i < r->count(); ++i) {
        std::array<std::uint8_t, 16> id{};
        if (!r->bytes(i, 0, id.data(), id.size())) continue;
        EventLocation loc;
        loc.position = static_cast<Position>(r->int64(i, 1));
        r->text(i, 2, loc.stream.type);
        r->text(i, 3, loc.stream.id);
        loc.version = static_cast<Version>(r->int64(i, 4));
        stored.emplace(Uuid(id), std::move(loc));
      }
    }
    std::vector<std::optional<EventLocation>> out(ids.size());
    for (std::size_t k = 0; k < ids.size(); ++k)
      if (auto it = stored.find(ids[k]); it != stored.end()) out[k] = it->second;
    return out;
  }

  // The batch path: one multi-row INSERT per kInsertChunk events, then one UPDATE for every
  // stream head the batch advanced.
  Status insert(std::span<const RecordedEvent> events) override {
    std::vector<std::int64_t> pks;
    pks.reserve(events.size());
    std::unordered_map<std::int64_t, Version> last_versions;
    for (const auto& e : events) {
      auto pk = stream_pk(e);
      if (!pk) return pk.error();
      pks.push_back(*pk);
      last_versions[*pk] = e.version;
      last_position_ = std::max(last_position_, e.position);
    }
    for (std::size_t first = 0; first < events.size(); first += kInsertChunk) {
      const std::size_t n = std::min(kInsertChunk, events.size() - first);
      std::string sql =
          "INSERT INTO events (position, stream_pk, version, event_id, event_type, tenant, occurred_at, recorded_at, "
          "payload, metadata, hash) VALUES ";
      Params p;
      int k = 1;
      for (std::size_t i = 0; i < n; ++i) {
        const auto& e = events[first + i];
        if (i) sql += ", ";
        sql += '(';
        for (const char* type : {"bigint", "bigint", "bigint", "bytea", "text", "text", "bigint", "bigint", "text",
                                 "text", "bytea"}) {
          if (sql.back() != '(') sql += ", ";
          sql += "$" + std::to_string(k++) + "::" + type;
        }
        sql += ')';
        p.add(static_cast<std::int64_t>(e.position));
        p.add(pks[first + i]);
        p.add(static_cast<std::int64_t>(e.version));
        p.add_bytes(e.id.bytes().data(), 16);
        p.add(e.type);
        p.add(e.tenant);
        p.add(e.occurred_at);
        p.add(e.recorded_at);
        p.add(e.payload);
        p.add(e.metadata);
        p.add_bytes(e.hash.data(), e.hash.size());
      }
      // A full chunk always has the same text: prepare it once; a remainder is sent unnamed.
      if (auto r = c_.query(sql, p, n == kInsertChunk || n == 1); !r) return r.error();
    }
    std::string sql = "UPDATE streams AS s SET version = v.version FROM (VALUES ";
    Params p;
    int k = 1;
    for (const auto& [pk, version] : last_versions) {
      if (k > 1) sql += ", ";
      sql += "($" + std::to_string(k) + "::bigint, $" + std::to_string(k + 1) + "::bigint)";
      k += 2;
      p.add(pk);
      p.add(static_cast<std::int64_t>(version));
    }
    if (last_versions.empty()) return {};
    sql += ") AS v (pk, version) WHERE s.stream_pk = v.pk";
    if (auto r = c_.query(sql, p, last_versions.size() == 1); !r) return r.error();
    return {};
  }

  // The NOTIFY rides in COMMIT's round trip; PostgreSQL delivers it only once the commit is
  // visible, and never for a transaction that rolls back.
  Status commit() override {
    Status st = c_.commit(last_position_ ? "NOTIFY " + channel_ + ", '" + std::to_string(last_position_) + "'; " : "");
    // Committed, or rolled back by the server; still open only if COMMIT never ran.
    open_ = PQtransactionStatus(c_.native()) == PQTRANS_INTRANS || PQtransactionStatus(c_.native()) == PQTRANS_INERROR;
    return st;
  }

 private:
  // The stream's primary key, creating the stream row on its first event (no race: the advisory
  // lock admits one writer at a time).
  Result<std::int64_t> stream_pk(const RecordedEvent& e) {
    if (auto it = pks_.find(e.stream); it != pks_.end()) return it->second;
    Params p;
    p.add(e.stream.type);
    p.add(e.stream.id);
    p.add(e.tenant);
    auto r = c_.query("INSERT INTO streams (aggregate_type, aggregate_id, version, tenant) VALUES ($1::text, "
                      "$2::text, 0, $3::text) RETURNING stream_pk",
                      p);
    if (!r) return r.error();
    const std::int64_t pk = r->int64(0, 0);
    pks_[e.stream] = pk;
    return pk;
  }

  Connection& c_;
  std::unique_lock<std::mutex> lock_;
  const std::string& channel_;
  Position last_position_ = 0;
  bool open_ = false;
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
    auto txn = std::make_unique<PgWrite>(*writer_, std::move(lock), channel_);
    if (auto st = txn->begin(uri_.log_lock_key); !st) return st.error();
    return std::unique_ptr<WriteTransaction>(std::move(txn));
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
