#include "pg_backend.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "migrations.hpp"
#include "pg_commit_feed.hpp"
#include "pg_connection.hpp"
#include "pg_state_store.hpp"
#include "pg_uri.hpp"
#include "pg_write.hpp"

namespace roundhouse::postgres {
namespace {

constexpr const char* kSelectColumns =
    "SELECT e.position, s.aggregate_type, s.aggregate_id, e.version, e.event_id, e.event_type, e.occurred_at, "
    "e.recorded_at, e.tenant, e.payload, e.metadata, e.hash FROM events e JOIN streams s ON s.stream_pk = e.stream_pk ";

// Rows per read statement: reads are chunked so a full replay never holds the whole log in memory.
constexpr std::size_t kReadChunk = 2000;

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

std::int64_t limit_of(std::size_t n) {
  return n > static_cast<std::size_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(n);
}

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
      : uri_(std::move(uri)), writer_(uri_, std::move(writer)), readers_(uri_, uri_.readers),
        state_(make_pg_state_store(uri_)) {}

  Result<std::unique_ptr<WriteTransaction>> begin_write() override { return writer_.begin(); }

  Result<StreamHead> stream_head(const StreamId& stream) override {
    auto lease = readers_.take();
    if (!lease) return lease.error();
    Params p;
    p.add(stream.type);
    p.add(stream.id);
    auto r = (**lease)->query(std::string("SELECT ") + kStreamVersionSql +
                                  ", s.tenant FROM streams s WHERE s.aggregate_type = $1::text AND "
                                  "s.aggregate_id = $2::text",
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
    writer_.close();
    readers_.clear();
  }

 private:
  PgUri uri_;
  Writer writer_;
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
  if (auto st = configure_writer(**writer); !st) return st.error();
  return std::shared_ptr<LogBackend>(std::make_shared<PgBackend>(std::move(parsed).value(), std::move(writer).value()));
}

}  // namespace roundhouse::postgres
