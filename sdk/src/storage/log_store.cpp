#include "roundhouse/storage/log_store.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "append_validation.hpp"
#include "commit_signal.hpp"
#include "roundhouse/events/chain_hash.hpp"
#include "subscription_runner.hpp"

namespace roundhouse {

WriteTransaction::~WriteTransaction() = default;
LogBackend::~LogBackend() = default;
CommitFeed::~CommitFeed() = default;

Result<std::vector<std::optional<EventLocation>>> WriteTransaction::find_events(std::span<const Uuid> ids) {
  std::vector<std::optional<EventLocation>> out;
  out.reserve(ids.size());
  for (const Uuid& id : ids) {
    auto loc = find_event(id);
    if (!loc) return loc.error();
    out.push_back(std::move(loc).value());
  }
  return out;
}

Result<std::vector<StreamHead>> WriteTransaction::stream_heads(std::span<const StreamId> streams) {
  std::vector<StreamHead> out;
  out.reserve(streams.size());
  for (const StreamId& s : streams) {
    auto head = stream_head(s);
    if (!head) return head.error();
    out.push_back(std::move(head).value());
  }
  return out;
}

Result<CommitView> WriteTransaction::read_for_commit(std::span<const StreamId> streams, std::span<const Uuid> ids) {
  CommitView view;
  auto t = tip();
  if (!t) return t.error();
  view.tip = *t;
  auto heads = stream_heads(streams);
  if (!heads) return heads.error();
  view.heads = std::move(heads).value();
  if (!ids.empty()) {
    auto found = find_events(ids);
    if (!found) return found.error();
    view.stored = std::move(found).value();
  }
  return view;
}

namespace {

using detail::PreparedAppend;

struct PendingAppend {
  PreparedAppend append;
  std::function<void(Result<AppendResult>)> done;
};

struct StreamKeyHash {
  std::size_t operator()(const StreamId& s) const noexcept {
    return std::hash<std::string>{}(s.type) * 31 ^ std::hash<std::string>{}(s.id);
  }
};

// The EventStore contract over a LogBackend.
//
// Group commit: callers queue prepared appends; one writer thread drains the queue into a single
// write transaction (one fsync), checks each append against the heads it sees inside that
// transaction (plus what earlier appends of the same batch did), assigns positions, versions,
// recorded time and chain hashes, commits, then completes every caller. An append that fails its
// checks is answered alone; the others in the batch still commit.
class LogStore final : public EventStore, public std::enable_shared_from_this<LogStore> {
 public:
  LogStore(std::shared_ptr<LogBackend> backend, LogStoreOptions options)
      : backend_(std::move(backend)), options_(options), signal_(std::make_shared<detail::CommitSignal>()) {
    state_ = backend_->state_store();
    if (!state_) state_ = make_memory_state_store();
    if (auto head = backend_->head_position()) signal_->publish(*head);
    writer_ = std::thread([this] { write_loop(); });
  }

  ~LogStore() override {
    close();
    backend_->close();
  }

  void append_async(AppendRequest request, std::function<void(Result<AppendResult>)> done) override {
    auto prepared = detail::prepare_append(std::move(request), options_);
    if (!prepared) return done(prepared.error());
    std::unique_lock lock(mu_);
    if (closing_) {
      lock.unlock();
      return done(Error{ErrorCode::unavailable, "the store is closed"});
    }
    pending_.push_back({std::move(prepared).value(), std::move(done)});
    lock.unlock();
    cv_.notify_one();
  }

  Result<std::vector<RecordedEvent>> read_stream(const StreamId& stream,
                                                 const ReadStreamOptions& options) override {
    // Events carry their stream's owner, so a non-empty read answers existence and tenancy
    // without a second query; only an empty one needs the head to tell "empty range" from "none".
    std::vector<RecordedEvent> out;
    auto st = backend_->read_stream(stream, options, [&](const RecordedEvent& e) {
      out.push_back(e);
      return true;
    });
    if (!st) return st.error();
    const auto missing = [&] { return Error{ErrorCode::not_found, "stream " + to_string(stream) + " does not exist"}; };
    if (!out.empty()) {
      if (options.tenant && *options.tenant != out.front().tenant) return missing();
      return out;
    }
    auto head = backend_->stream_head(stream);
    if (!head) return head.error();
    if (head->version == 0 || (options.tenant && *options.tenant != head->tenant)) return missing();
    return out;
  }

  Status read_all(const ReadAllOptions& options, const EventVisitor& visit) override {
    if (options.max_count == 0) return {};
    return backend_->read_all(options, visit);
  }
  using EventStore::read_all;

  Result<Position> head_position() override { return backend_->head_position(); }

  std::unique_ptr<Subscription> subscribe(SubscribeOptions options, EventHandler handler) override {
    watch_other_processes();
    const auto poll = backend_->shared_with_other_processes() ? options_.poll_interval
                                                              : std::chrono::milliseconds(1000);
    return detail::start_subscription(shared_from_this(), signal_, poll, std::move(options),
                                      std::move(handler), [this](std::shared_ptr<void> tracked) {
                                        std::lock_guard lock(subs_mu_);
                                        std::erase_if(subs_, [](auto& w) { return w.expired(); });
                                        subs_.push_back(tracked);
                                      });
  }

  std::vector<SubscriptionStatus> subscriptions() const override {
    std::vector<SubscriptionStatus> out;
    std::lock_guard lock(subs_mu_);
    for (const auto& w : subs_)
      if (auto s = w.lock()) out.push_back(detail::status_of(s));
    return out;
  }

  Result<ChainReport> verify_chain() override {
    ChainReport report;
    Hash previous{};
    Position expected_position = 1;
    auto st = backend_->read_all(ReadAllOptions{}, [&](const RecordedEvent& e) {
      ++report.events_checked;
      if (e.position != expected_position) {
        report.ok = false;
        report.first_bad_position = expected_position;
        report.reason = "position " + std::to_string(expected_position) + " is missing (next stored is " +
                        std::to_string(e.position) + ")";
        return false;
      }
      const Hash h = chain_hash(previous, e);
      if (h != e.hash) {
        report.ok = false;
        report.first_bad_position = e.position;
        report.reason = "hash mismatch at position " + std::to_string(e.position) + " (" +
                        to_string(e.stream) + " version " + std::to_string(e.version) + ")";
        return false;
      }
      previous = h;
      report.last_position = e.position;
      ++expected_position;
      return true;
    });
    if (!st) return st.error();
    return report;
  }

  void close() override {
    {
      std::lock_guard lock(mu_);
      closing_ = true;  // a second close() just waits for the same writer below
    }
    cv_.notify_all();
    std::lock_guard join_lock(join_mu_);
    if (writer_.joinable()) writer_.join();
    std::lock_guard feed_lock(feed_mu_);
    feed_.reset();
    feed_closed_ = true;
  }

  std::string uri() const override { return backend_->uri(); }
  std::shared_ptr<StateStore> state_store() override { return state_; }

 private:
  void write_loop() {
    for (;;) {
      std::vector<PendingAppend> batch;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !pending_.empty() || closing_; });
        if (pending_.empty()) return;  // closing and drained
        std::size_t events = 0;
        while (!pending_.empty() && (batch.empty() || events + pending_.front().append.events.size() <=
                                                          options_.max_events_per_commit)) {
          events += pending_.front().append.events.size();
          batch.push_back(std::move(pending_.front()));
          pending_.pop_front();
        }
      }
      std::vector<std::optional<Result<AppendResult>>> outcomes(batch.size());
      try {
        commit_batch(batch, outcomes);
      } catch (const std::exception& ex) {
        for (auto& o : outcomes) o = Error{ErrorCode::internal, std::string("writer failed: ") + ex.what()};
      }
      for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(*outcomes[i]));
    }
  }

  // Starts the backend's commit feed with the first subscription: a store nobody subscribes to
  // (a CLI command, a pure writer) holds no listening connection.
  void watch_other_processes() {
    std::lock_guard lock(feed_mu_);
    if (feed_ || feed_closed_ || !backend_->shared_with_other_processes()) return;
    feed_ = backend_->watch_commits([signal = signal_](Position head) { signal->hint(head); });
    feed_closed_ = !feed_;  // none offered: do not ask again
  }

  // Fills outcomes[i] for every append in the batch.
  void commit_batch(std::vector<PendingAppend>& batch, std::vector<std::optional<Result<AppendResult>>>& outcomes) {
    auto fail_all = [&](const Error& e) {
      for (auto& o : outcomes) o = e;
    };
    auto txn = backend_->begin_write();
    if (!txn) return fail_all(txn.error());
    auto prior = read_prior(**txn, batch);
    if (!prior) return fail_all(prior.error());
    auto& [tip_value, heads, stored] = *prior;
    ChainTip* tip = &tip_value;

    std::unordered_map<Uuid, EventLocation, UuidHash> written;  // by earlier appends of this batch
    std::vector<RecordedEvent> rows;
    std::vector<bool> writes(batch.size(), false);
    const Timestamp now = std::max(now_micros(), tip->recorded_at);

    for (std::size_t i = 0; i < batch.size(); ++i) {
      PreparedAppend& a = batch[i].append;
      StreamHead& head = heads[a.stream];

      if (head.version > 0 && head.tenant != a.tenant) {
        outcomes[i] = Error{ErrorCode::forbidden, "stream " + to_string(a.stream) + " belongs to another tenant"};
        continue;
      }
      // Idempotency: all ids stored already (in this stream, in this order) is a retry.
      std::vector<EventLocation> found;
      for (std::size_t k = 0; a.has_client_ids && k < a.events.size(); ++k) {
        const Uuid& id = a.events[k].id;
        if (auto w = written.find(id); w != written.end()) found.push_back(w->second);
        else if (auto s = stored.find(id); s != stored.end()) found.push_back(s->second);
      }
      if (!found.empty()) {
        outcomes[i] = replay_outcome(a, found);
        continue;
      }
      if (!a.expected.matches(head.version)) {
        outcomes[i] = Error{ErrorCode::wrong_expected_version,
                            "stream " + to_string(a.stream) + " is at version " + std::to_string(head.version) +
                                "; expected " + a.expected.describe()};
        continue;
      }
      AppendResult result;
      result.first_version = head.version + 1;
      for (auto& e : a.events) {
        e.position = ++tip->position;
        e.version = ++head.version;
        e.recorded_at = now;
        if (e.occurred_at == 0) e.occurred_at = now;
        e.hash = chain_hash(tip->hash, e);
        tip->hash = e.hash;
        result.positions.push_back(e.position);
        written.emplace(e.id, EventLocation{e.position, a.stream, e.version});
        rows.push_back(std::move(e));
      }
      head.tenant = a.tenant;
      result.last_version = head.version;
      outcomes[i] = std::move(result);
      writes[i] = true;
    }

    if (rows.empty()) return;  // nothing new: the transaction rolls back
    Status st = (*txn)->insert(rows);
    if (st) st = (*txn)->commit();
    if (!st) {
      // Nothing of this transaction is stored, including events a retry in this batch relied on.
      for (std::size_t i = 0; i < batch.size(); ++i)
        if (outcomes[i]->ok()) outcomes[i] = st.error();
      return;
    }
    signal_->publish(tip->position);
  }

  // What the batch's checks need from earlier commits: the tip, every stream head it appends to,
  // and where its client-supplied ids are stored (store-generated ids are fresh UUIDv7s, only
  // client-supplied ones can repeat). Read in one call (one round trip on a server) right after
  // the write lock is taken and before anything is inserted.
  struct Prior {
    ChainTip tip;
    std::unordered_map<StreamId, StreamHead, StreamKeyHash> heads;
    std::unordered_map<Uuid, EventLocation, UuidHash> stored;
  };
  static Result<Prior> read_prior(WriteTransaction& txn, const std::vector<PendingAppend>& batch) {
    Prior prior;
    std::vector<StreamId> streams;
    std::vector<Uuid> ids;
    for (const auto& p : batch) {
      if (prior.heads.emplace(p.append.stream, StreamHead{}).second) streams.push_back(p.append.stream);
      if (p.append.has_client_ids)
        for (const auto& e : p.append.events) ids.push_back(e.id);
    }
    auto view = txn.read_for_commit(streams, ids);
    if (!view) return view.error();
    if (view->heads.size() != streams.size() || view->stored.size() != ids.size())
      return Error{ErrorCode::internal, "the backend answered " + std::to_string(view->heads.size()) + " heads and " +
                                            std::to_string(view->stored.size()) + " id lookups for " +
                                            std::to_string(streams.size()) + " streams and " +
                                            std::to_string(ids.size()) + " ids"};
    prior.tip = view->tip;
    for (std::size_t k = 0; k < streams.size(); ++k) prior.heads[streams[k]] = std::move(view->heads[k]);
    for (std::size_t k = 0; k < ids.size(); ++k)
      if (view->stored[k]) prior.stored.emplace(ids[k], *view->stored[k]);
    return prior;
  }

  static Result<AppendResult> replay_outcome(const PreparedAppend& a, const std::vector<EventLocation>& found) {
    const auto conflict = [&](const std::string& why) {
      return Error{ErrorCode::duplicate_event, "append to " + to_string(a.stream) + " repeats stored event ids " +
                                                   "but is not an exact retry: " + why};
    };
    if (found.size() != a.events.size())
      return conflict(std::to_string(found.size()) + " of " + std::to_string(a.events.size()) + " ids are stored");
    AppendResult r;
    r.idempotent_replay = true;
    for (std::size_t k = 0; k < found.size(); ++k) {
      if (found[k].stream != a.stream) return conflict("id " + a.events[k].id.to_string() + " is in stream " + to_string(found[k].stream));
      if (k > 0 && found[k].version != found[k - 1].version + 1) return conflict("ids are stored in another order");
      r.positions.push_back(found[k].position);
    }
    r.first_version = found.front().version;
    r.last_version = found.back().version;
    return r;
  }

  std::shared_ptr<LogBackend> backend_;
  LogStoreOptions options_;
  std::shared_ptr<detail::CommitSignal> signal_;
  std::shared_ptr<StateStore> state_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PendingAppend> pending_;
  bool closing_ = false;
  std::mutex join_mu_;
  std::thread writer_;
  std::mutex feed_mu_;
  std::unique_ptr<CommitFeed> feed_;
  bool feed_closed_ = false;  // closed, or the backend has no feed

  mutable std::mutex subs_mu_;
  std::vector<std::weak_ptr<void>> subs_;
};

}  // namespace

std::shared_ptr<EventStore> make_log_store(std::shared_ptr<LogBackend> backend, LogStoreOptions options) {
  return std::make_shared<LogStore>(std::move(backend), options);
}

}  // namespace roundhouse
