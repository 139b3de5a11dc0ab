#include "roundhouse/storage/migrate.hpp"

#include <chrono>
#include <map>
#include <vector>

#include "roundhouse/events/chain_hash.hpp"
#include "roundhouse/plugin/registry.hpp"
#include "roundhouse/storage/log_store.hpp"

namespace roundhouse {
namespace {

using Clock = std::chrono::steady_clock;

std::string at(Position p) { return "position " + std::to_string(p); }

// Lends a backend to a LogStore without handing over its lifetime: the LogStore closes its
// backend when destroyed, but the migration's caller still owns (and may keep using) the target.
class BorrowedBackend final : public LogBackend {
 public:
  explicit BorrowedBackend(std::shared_ptr<LogBackend> inner) : inner_(std::move(inner)) {}
  Result<std::unique_ptr<WriteTransaction>> begin_write() override { return inner_->begin_write(); }
  Result<StreamHead> stream_head(const StreamId& s) override { return inner_->stream_head(s); }
  Status read_stream(const StreamId& s, const ReadStreamOptions& o, const EventVisitor& v) override {
    return inner_->read_stream(s, o, v);
  }
  Status read_all(const ReadAllOptions& o, const EventVisitor& v) override { return inner_->read_all(o, v); }
  Result<Position> head_position() override { return inner_->head_position(); }
  bool shared_with_other_processes() const override { return inner_->shared_with_other_processes(); }
  std::string uri() const override { return inner_->uri(); }
  std::shared_ptr<StateStore> state_store() override { return inner_->state_store(); }

 private:
  std::shared_ptr<LogBackend> inner_;
};

// The event at `p`, which must exist.
Result<RecordedEvent> event_at(LogBackend& log, Position p) {
  std::optional<RecordedEvent> found;
  ReadAllOptions o;
  o.from_position = p;
  o.max_count = 1;
  auto st = log.read_all(o, [&](const RecordedEvent& e) {
    found = e;
    return false;
  });
  if (!st) return st.error();
  if (!found || found->position != p) return Error{ErrorCode::corrupted, log.uri() + " has no event at " + at(p)};
  return *found;
}

// The target's tip, read inside a write transaction (consistent with what a writer would see).
Result<ChainTip> tip_of(LogBackend& log) {
  auto txn = log.begin_write();
  if (!txn) return txn.error();
  return (*txn)->tip();
}

// Where the copy starts: after the target's tip when the target holds a prefix of the source.
Result<ChainTip> resume_point(LogBackend& source, LogBackend& target, Position source_head) {
  auto tip = tip_of(target);
  if (!tip || tip->position == 0) return tip;
  const std::string refuse = "target " + target.uri() + " already holds " + std::to_string(tip->position) +
                             " events that are not a copy of the source's first events (";
  if (tip->position > source_head)
    return Error{ErrorCode::invalid_argument,
                 refuse + "the source has only " + std::to_string(source_head) + "); nothing was changed"};
  auto same = event_at(source, tip->position);
  if (!same) return same.error();
  if (same->hash != tip->hash)
    return Error{ErrorCode::invalid_argument,
                 refuse + "the chain hash at " + at(tip->position) + " differs); nothing was changed"};
  return tip;
}

// Reads up to `max` events from `from` and checks that they continue the chain after `previous`.
Result<std::vector<RecordedEvent>> read_verified_batch(LogBackend& source, Position from, std::size_t max,
                                                       Hash previous) {
  std::vector<RecordedEvent> batch;
  batch.reserve(max);
  ReadAllOptions o;
  o.from_position = from;
  o.max_count = max;
  std::optional<Error> broken;
  auto st = source.read_all(o, [&](const RecordedEvent& e) {
    const Position expected = from + batch.size();
    if (e.position != expected) {
      broken = Error{ErrorCode::corrupted, "the source has no event at " + at(expected)};
      return false;
    }
    if (chain_hash(previous, e) != e.hash) {
      broken = Error{ErrorCode::corrupted, "the source's hash chain does not verify at " + at(e.position) + " (" +
                                               to_string(e.stream) + " version " + std::to_string(e.version) + ")"};
      return false;
    }
    previous = e.hash;
    batch.push_back(e);
    return true;
  });
  if (!st) return st.error();
  if (broken) return *broken;
  if (batch.size() != max) return Error{ErrorCode::corrupted, "the source has no event at " + at(from + batch.size())};
  return batch;
}

// Writes one verified batch in one target transaction that must start at `expected` (the tip
// the previous batch left). The heads of the streams the batch continues are read with the tip
// (one round trip on a server), which also checks that the target's streams line up with the
// source's.
Status write_batch(LogBackend& target, const std::vector<RecordedEvent>& batch, const ChainTip& expected) {
  auto txn = target.begin_write();
  if (!txn) return txn.error();
  std::map<StreamId, const RecordedEvent*> first;  // each stream's first event in the batch
  std::vector<StreamId> streams;                   // those that continue a stream
  for (const auto& e : batch)
    if (first.emplace(e.stream, &e).second && e.version > 1) streams.push_back(e.stream);
  auto view = (*txn)->read_for_commit(streams, {});
  if (!view) return view.error();
  const ChainTip& tip = view->tip;
  if (tip.position != expected.position || tip.hash != expected.hash)
    return {ErrorCode::unavailable, "the target " + target.uri() + " changed during the migration (its tip moved to " +
                                        at(tip.position) + "); is something else writing to it?"};
  if (view->heads.size() != streams.size())
    return {ErrorCode::internal, "the target answered " + std::to_string(view->heads.size()) + " heads for " +
                                     std::to_string(streams.size()) + " streams"};
  for (std::size_t k = 0; k < streams.size(); ++k) {
    const RecordedEvent& e = *first[streams[k]];
    if (view->heads[k].version != e.version - 1)
      return {ErrorCode::corrupted, "target stream " + to_string(e.stream) + " is at version " +
                                        std::to_string(view->heads[k].version) +
                                        " but the source continues it with version " + std::to_string(e.version) +
                                        " at " + at(e.position)};
  }
  if (auto st = (*txn)->insert(batch); !st) return st;
  return (*txn)->commit();
}

// The end-to-end check: head, one event per position with an intact chain, and the same tip.
Status verify_copy(LogBackend& source, const std::shared_ptr<LogBackend>& target, MigrationReport& report) {
  auto head = target->head_position();
  if (!head) return head.error();
  report.target_head = *head;
  if (*head != report.source_head)
    return {ErrorCode::corrupted, "verification failed: the target's head is " + at(*head) + ", the source's " +
                                      at(report.source_head)};
  auto store = make_log_store(std::make_shared<BorrowedBackend>(target));
  auto chain = store->verify_chain();
  store->close();
  if (!chain) return chain.error();
  if (!chain->ok) return {ErrorCode::corrupted, "verification failed: the target's chain: " + chain->reason};
  if (chain->events_checked != report.source_head)
    return {ErrorCode::corrupted, "verification failed: the target holds " + std::to_string(chain->events_checked) +
                                      " events, the source " + std::to_string(report.source_head)};
  auto tip = tip_of(*target);
  if (!tip) return tip.error();
  report.tip_hash = tip->hash;
  if (report.source_head > 0) {
    auto last = event_at(source, report.source_head);
    if (!last) return last.error();
    if (last->hash != tip->hash)
      return {ErrorCode::corrupted, "verification failed: the tip hashes differ at " + at(report.source_head)};
  }
  auto now = source.head_position();
  if (now && *now > report.source_head) report.source_grew_by = *now - report.source_head;
  return {};
}

}  // namespace

Result<MigrationReport> migrate_log(LogBackend& source, const std::shared_ptr<LogBackend>& target,
                                    const MigrationOptions& options) {
  if (options.batch_size < 1 || options.batch_size > 100000)
    return Error{ErrorCode::invalid_argument, "the batch size must be 1..100000"};
  const auto start = Clock::now();
  MigrationReport report;
  auto head = source.head_position();
  if (!head) return head.error();
  report.source_head = *head;
  auto tip = resume_point(source, *target, report.source_head);
  if (!tip) return tip.error();
  report.resumed_after = tip->position;

  ChainTip at_tip = *tip;
  while (at_tip.position < report.source_head) {
    if (options.cancelled && options.cancelled()) {
      report.cancelled = true;
      report.target_head = at_tip.position;
      report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      return report;
    }
    const auto n = static_cast<std::size_t>(std::min<Position>(options.batch_size, report.source_head - at_tip.position));
    auto batch = read_verified_batch(source, at_tip.position + 1, n, at_tip.hash);
    if (!batch) {
      Error e = batch.error();
      e.message += "; the target holds the verified events up to " + at(at_tip.position);
      return e;
    }
    if (auto st = write_batch(*target, *batch, at_tip); !st) return st.error();
    at_tip = ChainTip{batch->back().position, batch->back().hash, batch->back().recorded_at};
    report.copied += batch->size();
    if (options.progress) {
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      options.progress(MigrationProgress{at_tip.position, report.source_head, report.copied,
                                         seconds > 0 ? static_cast<double>(report.copied) / seconds : 0.0});
    }
  }
  if (auto st = verify_copy(source, target, report); !st) return st.error();
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

Result<MigrationReport> migrate_store(const Registry& registry, std::string_view from_uri, std::string_view to_uri,
                                      const MigrationOptions& options) {
  auto from_location = registry.store_location(from_uri);
  if (!from_location) return from_location.error();
  auto to_location = registry.store_location(to_uri);
  if (!to_location) return to_location.error();
  if (*from_location == *to_location)
    return Error{ErrorCode::invalid_argument, "the source and the target are the same store (" + *from_location + ")"};
  StoreOptions existing;
  existing.create_if_missing = false;
  auto source = registry.open_backend(from_uri, existing);
  if (!source) return Error{source.error().code, "source: " + source.error().message};
  auto target = registry.open_backend(to_uri);
  if (!target) return Error{target.error().code, "target: " + target.error().message};
  auto report = migrate_log(**source, *target, options);
  (*target)->close();
  (*source)->close();
  return report;
}

}  // namespace roundhouse
