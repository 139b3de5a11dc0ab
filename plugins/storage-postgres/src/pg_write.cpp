#include "pg_write.hpp"

#include <endian.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <iterator>
#include <unordered_set>
#include <vector>

#include "pg_commit_feed.hpp"

namespace roundhouse::postgres {
namespace {

using Clock = std::chrono::steady_clock;

// Rows per INSERT and keys per head or event-id lookup statement: each is one statement over
// arrays (one binary array parameter per column), so the SQL text, and the prepared statement,
// is the same for any count.
constexpr std::size_t kWriteChunk = 10000;
// How long a transaction begun ahead may wait for the next group commit before it is rolled
// back (and the log's lock given back to other hosts), and how soon after a commit the next one
// must begin for the writer to begin ahead at all.
constexpr auto kAheadHold = std::chrono::milliseconds(2);
// More cached heads than this and the cache starts over (a migration touching every stream).
constexpr std::size_t kMaxCachedHeads = 200000;

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

// The statements of a write transaction. Each is prepared once per connection; arrays make the
// text independent of how many streams, ids or events a commit has.
constexpr const char* kBeginSql = "BEGIN ISOLATION LEVEL READ COMMITTED";
constexpr const char* kLockSql = "SELECT pg_advisory_xact_lock($1::bigint)";
constexpr const char* kTryLockSql = "SELECT pg_try_advisory_xact_lock($1::bigint)";
constexpr const char* kTipSql = "SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1";
// The heads of the asked streams ($1 types, $2 ids): the streams that have a row; a stream
// without one does not exist yet (version 0).
const std::string kHeadsSql = std::string("SELECT k.t, k.i, ") + kStreamVersionSql +
                              ", s.tenant FROM unnest($1::text[], $2::text[]) AS k (t, i) "
                              "JOIN streams s ON s.aggregate_type = k.t AND s.aggregate_id = k.i";
constexpr const char* kFindSql =
    "SELECT e.event_id, e.position, s.aggregate_type, s.aggregate_id, e.version FROM events e "
    "JOIN streams s ON s.stream_pk = e.stream_pk WHERE e.event_id = ANY($1::bytea[])";
// The rows of the streams a commit creates (its events start at version 1), before the events'
// INSERT, which finds each event's stream row by its key. A stream's row never changes after that
// (its version is its events', its tenant is fixed), so a commit to existing streams writes no
// stream row at all. Streams are created only under the log's lock, after their head was read as
// absent, so the INSERT cannot meet an existing row; if it ever did, it fails and the
// transaction rolls back.
constexpr const char* kStreamsInsertSql =
    "INSERT INTO streams (aggregate_type, aggregate_id, tenant) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])";
// A stream without a row would give a NULL stream_pk, which the NOT NULL constraint refuses: an
// event is never dropped silently.
constexpr const char* kInsertSql =
    "INSERT INTO events (position, stream_pk, version, event_id, event_type, tenant, occurred_at, recorded_at, "
    "payload, metadata, hash) SELECT v.p, (SELECT s.stream_pk FROM streams s WHERE s.aggregate_type = v.t AND "
    "s.aggregate_id = v.i), v.v, v.id, v.ty, v.te, v.o, v.r, v.pl, v.m, v.h FROM unnest($1::bigint[], $2::text[], "
    "$3::text[], $4::bigint[], $5::bytea[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::text[], "
    "$11::text[], $12::bytea[]) AS v (p, t, i, v, id, ty, te, o, r, pl, m, h)";
constexpr const char* kNotifySql = "SELECT pg_notify($1::text, $2::text)";
constexpr const char* kCommitSql = "COMMIT";

// Every statement of the writer is a lookup by key, proportional to the commit. Its prepared
// statements, and the foreign-key checks PostgreSQL runs for each inserted event, are planned
// once per connection, typically while the tables are still small; a plan that scans the whole
// `streams` table is cheapest then and would be kept while the table grows (auto_explain: the
// heads statement at 1-5 ms per commit after a few thousand streams). Index lookups are right at
// every size, so the writer asks for them.
constexpr const char* kWriterSettings = "SET enable_seqscan = off; SET enable_hashjoin = off; SET enable_mergejoin = off";

Statement statement(const char* sql, std::initializer_list<std::string> arrays = {}) {
  Statement st{sql, {}};
  for (const auto& a : arrays) st.params.add_owned(a);
  return st;
}

ChainTip tip_of(const Rows& r) {
  ChainTip t;
  if (r.count() > 0) {
    t.position = static_cast<Position>(r.int64(0, 0));
    r.bytes(0, 1, t.hash.data(), t.hash.size());
    t.recorded_at = r.int64(0, 2);
  }
  return t;
}

bool same_tip(const ChainTip& a, const ChainTip& b) { return a.position == b.position && a.hash == b.hash; }

}  // namespace

Status configure_writer(Connection& c) { return c.configure(kWriterSettings); }

namespace {

Result<std::unique_ptr<Connection>> open_writer(const PgUri& uri) {
  auto c = Connection::open(uri);
  if (!c) return c.error();
  if (auto st = configure_writer(**c); !st) return st.error();
  return c;
}

// One write transaction on the writer connection. Round trips: none to begin; the tip, the heads
// the cache cannot answer and every event-id lookup as one pipeline (preceded by BEGIN and the
// lock when no transaction was begun ahead; none at all when the cache answers everything); the
// inserts, the head update, the NOTIFY and COMMIT (and the next transaction's BEGIN, lock try
// and tip) as a second one (insert() only queues its statements; commit() sends them).
class PgWrite final : public WriteTransaction {
 public:
  PgWrite(Writer& owner, Writer::State& state, std::unique_lock<std::mutex> lock, std::int64_t lock_key,
          const std::string& channel, bool busy)
      : owner_(owner), s_(state), c_(*state.conn), lock_(std::move(lock)), lock_key_(lock_key), channel_(channel),
        busy_(busy) {
    if (s_.ahead) {
      begun_ = true;
      if (s_.ahead->locked) tip_ = s_.ahead->tip;
      s_.ahead.reset();
    }
  }
  ~PgWrite() override {
    if (s_.ahead) {  // committed and began the next one
      owner_.ahead_opened();
      return;
    }
    // A lost connection took its transaction with it; the backend replaces the connection.
    if (!c_.broken() && PQtransactionStatus(c_.native()) != PQTRANS_IDLE) (void)c_.exec("ROLLBACK");
  }

  Result<ChainTip> tip() override {
    if (tip_) return *tip_;
    auto r = run({});
    if (!r) return r.error();
    return *tip_;
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

  // One pipeline at most: [BEGIN, lock,] [tip,] one head statement per kWriteChunk streams this
  // transaction does not know yet, one `event_id = ANY($1)` lookup per kWriteChunk ids (answered
  // from the unique index). Heads come from the cache while the tip is the one this writer left
  // (and, when the cache knows every stream with events, a stream it does not hold is new).
  Result<CommitView> read_for_commit(std::span<const StreamId> streams, std::span<const Uuid> ids) override {
    // Before the tip is known nothing may come from the cache: every stream is asked for.
    const bool need_tip = !tip_;
    const bool cached = tip_ && s_.known_tip && same_tip(*tip_, *s_.known_tip);
    std::vector<StreamId> ask;
    std::unordered_set<StreamId, StreamKeyHash> asked;
    for (const auto& s : streams) {
      if (known_.contains(s)) continue;
      if (cached) {
        if (auto it = s_.heads.find(s); it != s_.heads.end()) {
          known_.emplace(s, it->second);
          continue;
        }
        if (s_.complete) {
          known_.emplace(s, StreamHead{});
          continue;
        }
      }
      if (asked.insert(s).second) ask.push_back(s);
    }
    std::vector<Statement> reads;
    for (std::size_t first = 0; first < ask.size(); first += kWriteChunk) {
      BinaryArray types(BinaryArray::kText), names(BinaryArray::kText);
      for (std::size_t k = first; k < std::min(ask.size(), first + kWriteChunk); ++k) {
        types.add(ask[k].type);
        names.add(ask[k].id);
      }
      reads.push_back(statement(kHeadsSql.c_str(), {types.bytes(), names.bytes()}));
    }
    const std::size_t head_statements = reads.size();
    for (std::size_t first = 0; first < ids.size(); first += kWriteChunk) {
      BinaryArray chunk(BinaryArray::kBytea);
      for (std::size_t k = first; k < std::min(ids.size(), first + kWriteChunk); ++k) chunk.add(ids[k].bytes().data(), 16);
      reads.push_back(statement(kFindSql, {chunk.bytes()}));
    }
    std::vector<Rows> results;
    if (!reads.empty() || need_tip) {
      auto r = run(std::move(reads));
      if (!r) return r.error();
      results = std::move(r).value();
    }

    for (const auto& s : ask) known_.emplace(s, StreamHead{});  // no row: does not exist yet
    for (std::size_t n = 0; n < head_statements; ++n) {
      const Rows& r = results[n];
      for (int i = 0; i < r.count(); ++i) {
        StreamHead& h = known_[StreamId{r.text(i, 0), r.text(i, 1)}];
        h.version = static_cast<Version>(r.int64(i, 2));
        r.text(i, 3, h.tenant);
      }
    }
    CommitView view;
    view.tip = *tip_;
    view.heads.reserve(streams.size());
    for (const auto& s : streams) {
      auto it = known_.find(s);
      if (it == known_.end()) return Error{ErrorCode::internal, "PostgreSQL store " + c_.where() + ": no head read for stream " + to_string(s)};
      view.heads.push_back(it->second);
    }
    std::unordered_map<Uuid, EventLocation, UuidHash> stored;
    for (std::size_t n = head_statements; n < results.size(); ++n) {
      const Rows& r = results[n];
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

  // Queues the rows of the streams the events create (one INSERT per kWriteChunk new streams),
  // then one INSERT ... SELECT FROM unnest(...) per kWriteChunk events; commit() sends them. Needs
  // no reads: each event finds its stream's row by key on the server.
  Status insert(std::span<const RecordedEvent> events) override {
    std::vector<const RecordedEvent*> created;  // the first event of each new stream
    for (const auto& e : events) {
      if (e.version == 1) created.push_back(&e);
      known_[e.stream] = StreamHead{e.version, e.tenant};  // the head once this commits (events are in order)
      if (!last_ || e.position > last_->position) last_ = ChainTip{e.position, e.hash, e.recorded_at};
    }
    for (std::size_t first = 0; first < created.size(); first += kWriteChunk) {
      BinaryArray type(BinaryArray::kText), id(BinaryArray::kText), tenant(BinaryArray::kText);
      for (std::size_t k = first; k < std::min(created.size(), first + kWriteChunk); ++k) {
        type.add(created[k]->stream.type);
        id.add(created[k]->stream.id);
        tenant.add(created[k]->tenant);
      }
      queued_.push_back(statement(kStreamsInsertSql, {type.bytes(), id.bytes(), tenant.bytes()}));
    }
    for (std::size_t first = 0; first < events.size(); first += kWriteChunk) {
      BinaryArray position(BinaryArray::kInt8), type(BinaryArray::kText), name(BinaryArray::kText),
          version(BinaryArray::kInt8), id(BinaryArray::kBytea), event_type(BinaryArray::kText),
          tenant(BinaryArray::kText), occurred(BinaryArray::kInt8), recorded(BinaryArray::kInt8),
          payload(BinaryArray::kText), metadata(BinaryArray::kText), hash(BinaryArray::kBytea);
      for (std::size_t k = first; k < std::min(events.size(), first + kWriteChunk); ++k) {
        const RecordedEvent& e = events[k];
        position.add(static_cast<std::int64_t>(e.position));
        type.add(e.stream.type);
        name.add(e.stream.id);
        version.add(static_cast<std::int64_t>(e.version));
        id.add(e.id.bytes().data(), 16);
        event_type.add(e.type);
        tenant.add(e.tenant);
        occurred.add(e.occurred_at);
        recorded.add(e.recorded_at);
        payload.add(e.payload);
        metadata.add(e.metadata);
        hash.add(e.hash.data(), e.hash.size());
      }
      queued_.push_back(statement(kInsertSql, {position.bytes(), type.bytes(), name.bytes(), version.bytes(), id.bytes(),
                                               event_type.bytes(), tenant.bytes(), occurred.bytes(), recorded.bytes(),
                                               payload.bytes(), metadata.bytes(), hash.bytes()}));
    }
    return {};
  }

  // The queued inserts, the NOTIFY and COMMIT in one pipeline (PostgreSQL delivers the
  // notification only once the commit is visible, and never for a transaction that rolls back),
  // followed, while appends keep coming, by the next transaction's BEGIN, lock try and tip.
  Status commit() override {
    std::vector<Statement> rest = std::move(queued_);
    queued_.clear();
    if (last_) {
      rest.push_back(statement(kNotifySql));
      rest.back().params.add_owned(channel_);
      rest.back().params.add_owned(std::to_string(last_->position));
    }
    rest.push_back(statement(kCommitSql));
    // run() puts BEGIN, the lock and the tip first when they were not sent yet.
    const std::size_t commit_at = rest.size() - 1 + (begun_ ? 0 : 1) + (tip_ ? 0 : 2);
    if (busy_) {
      rest.push_back(statement(kBeginSql));
      rest.push_back(statement(kTryLockSql));
      rest.back().params.add(lock_key_);
      rest.push_back(statement(kTipSql));
    }
    std::vector<Rows> done;
    auto results = run(std::move(rest), &done, false);
    const bool committed = results ? true : done.size() > commit_at;
    std::vector<Rows>& rows = results ? *results : done;
    if (!committed) {
      s_.forget();
      Error e = results.error();
      if (c_.broken()) e.message += " (the connection was lost during COMMIT, so the outcome is unknown)";
      return e;
    }
    // After an error inside the transaction the server answers COMMIT with ROLLBACK.
    if (std::strcmp(PQcmdStatus(rows[commit_at].get()), "COMMIT") != 0) {
      s_.forget();
      return Error{ErrorCode::io_error, "PostgreSQL store " + c_.where() + ": the transaction was rolled back"};
    }
    remember();
    if (results && busy_) {
      const Rows& locked = rows[commit_at + 2];
      AheadTxn ahead;
      ahead.locked = locked.count() == 1 && PQgetlength(locked.get(), 0, 0) == 1 && *PQgetvalue(locked.get(), 0, 0) == 1;
      ahead.tip = tip_of(rows[commit_at + 3]);
      ahead.since = Clock::now();
      s_.ahead = ahead;
    }
    return {};
  }

 private:
  // After a commit: the tip it left and every head it read or advanced become the cache. A
  // transaction that found the log empty knows every stream with events from then on: those it
  // wrote (complete), until another writer commits or the cache overflows.
  void remember() {
    s_.last_commit = Clock::now();
    if (!tip_) return s_.forget();
    if (!s_.known_tip || !same_tip(*tip_, *s_.known_tip)) {  // someone else committed: start over
      s_.heads.clear();
      s_.complete = tip_->position == 0;
    }
    s_.known_tip = last_ ? last_ : tip_;
    if (s_.heads.size() + known_.size() > kMaxCachedHeads) {
      s_.heads.clear();
      s_.complete = false;
    }
    for (auto& [stream, h] : known_) s_.heads[stream] = std::move(h);
  }

  // Sends `statements` as one pipeline, preceded by BEGIN and the log's advisory lock when the
  // transaction has not begun yet (or just the lock when it was begun ahead without it), followed
  // by the tip read while it is not known; answers the results of `statements` only (all of them
  // when `strip` is false). From the lock until COMMIT/ROLLBACK no other transaction in any
  // process can take it, so the tip read after it stays the tip, and positions assigned from it
  // commit before anyone else's. Every statement of a pipeline runs on a snapshot taken when it
  // starts, i.e. after the lock.
  Result<std::vector<Rows>> run(std::vector<Statement> statements, std::vector<Rows>* done = nullptr,
                                bool strip = true) {
    // The tip is known exactly when the lock is held (read under it, here or ahead).
    std::vector<Statement> first;
    if (!begun_) first.push_back(statement(kBeginSql));
    if (!tip_) {
      first.push_back(statement(kLockSql));
      first.back().params.add(lock_key_);
      first.push_back(statement(kTipSql));
    }
    const std::size_t skip = first.size();
    const bool reads_tip = !tip_;
    statements.insert(statements.begin(), std::make_move_iterator(first.begin()), std::make_move_iterator(first.end()));
    begun_ = true;
    auto results = c_.pipeline(statements, done);
    if (!results) return results.error();
    if (reads_tip) tip_ = tip_of((*results)[skip - 1]);
    if (strip) results->erase(results->begin(), results->begin() + static_cast<std::ptrdiff_t>(skip));
    return results;
  }
  Writer& owner_;
  Writer::State& s_;
  Connection& c_;
  std::unique_lock<std::mutex> lock_;
  std::int64_t lock_key_;
  const std::string& channel_;
  bool busy_;                    // appends keep coming: begin the next transaction behind COMMIT
  bool begun_ = false;           // BEGIN was sent (the destructor rolls back what is open)
  std::optional<ChainTip> tip_;  // read under the lock in this transaction
  std::optional<ChainTip> last_;  // the last event inserted
  KnownHeads known_;             // every stream this transaction read, as it will be after commit
  std::vector<Statement> queued_;  // insert() statements, sent by commit()
};

}  // namespace

Writer::Writer(PgUri uri, std::unique_ptr<Connection> conn) : uri_(std::move(uri)) {
  const std::string quoted = commit_channel(uri_);
  channel_ = quoted.substr(1, quoted.size() - 2);
  state_.conn = std::move(conn);
}

Writer::~Writer() {
  std::unique_lock lock(mu_);
  stop_releaser(lock);
}

Result<std::unique_ptr<WriteTransaction>> Writer::begin() {
  std::unique_lock lock(mu_);
  if (!state_.conn || state_.conn->broken()) {  // first use after close(), or the server went away
    state_.conn.reset();
    state_.ahead.reset();
    state_.forget();
    auto c = open_writer(uri_);
    if (!c) return c.error();
    state_.conn = std::move(c).value();
  }
  const bool busy = state_.last_commit.time_since_epoch().count() != 0 &&
                    Clock::now() - state_.last_commit < kAheadHold;
  // Nothing is sent yet: BEGIN and the lock go out with the transaction's first reads.
  return std::unique_ptr<WriteTransaction>(
      std::make_unique<PgWrite>(*this, state_, std::move(lock), uri_.log_lock_key, channel_, busy));
}

void Writer::ahead_opened() {
  if (!releaser_.joinable() && !stopping_) releaser_ = std::thread([this] { release_idle(); });
  // A releaser waiting for an earlier deadline looks again then; waking it per commit would only
  // cost a context switch.
  if (releaser_idle_) cv_.notify_all();
}

// Rolls back a transaction begun ahead that nobody used within kAheadHold.
void Writer::release_idle() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (!state_.ahead) {
      releaser_idle_ = true;
      cv_.wait(lock);
      releaser_idle_ = false;
      continue;
    }
    const auto deadline = state_.ahead->since + kAheadHold;
    if (Clock::now() < deadline) {
      cv_.wait_until(lock, deadline);
      continue;
    }
    state_.ahead.reset();
    if (state_.conn && !state_.conn->broken()) (void)state_.conn->exec("ROLLBACK");
  }
}

void Writer::stop_releaser(std::unique_lock<std::mutex>& lock) {
  stopping_ = true;
  cv_.notify_all();
  if (releaser_.joinable()) {
    std::thread t = std::move(releaser_);
    lock.unlock();
    t.join();
    lock.lock();
  }
  stopping_ = false;
}

void Writer::close() {
  std::unique_lock lock(mu_);
  stop_releaser(lock);
  state_.ahead.reset();
  state_.forget();
  state_.conn.reset();  // closing the connection ends any open transaction
}

}  // namespace roundhouse::postgres
