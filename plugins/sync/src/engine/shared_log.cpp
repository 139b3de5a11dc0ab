// Several hosts on one log (PostgreSQL scale-out). Each host's engine keeps the sync state in memory;
// before answering it applies what the others appended since it last looked (follow), and it writes
// to the tenant's sync log only at the exact version it has seen, so a writer that lost the race
// catches up and plans again. Replica ids come from one stream appended at an exact version, so no two hosts
// hand out the same id. Positions are gap-free and in commit order (storage-postgres), so "every sync
// event up to position p is applied" is one number.
#include <algorithm>

#include "base64.hpp"
#include "engine_detail.hpp"
#include "roundhouse/sync/wire.hpp"
#include "sync_engine.hpp"

namespace roundhouse::sync {
namespace json = boost::json;
using namespace engine_detail;

Status SyncEngine::follow() {
  auto head = store_->head_position();
  if (!head) return head.error();
  if (*head <= applied_through_) return {};  // nothing new anywhere: the cheap, common case
  ReadAllOptions opts;
  opts.from_position = applied_through_ + 1;
  opts.filter.aggregate_types = {"sync-device", "sync-log", "sync-session", "sync-replica"};
  opts.filter.tenant = tenant_;
  Status failed;
  Position last = applied_through_;
  auto st = store_->read_all(opts, [&](const RecordedEvent& e) {
    if (!own_.erase(e.position)) {
      try {
        failed = apply_recorded(e);
      } catch (const std::exception& x) {
        failed = {ErrorCode::corrupted, "sync event " + std::to_string(e.position) + ": " + x.what()};
      }
      if (!failed) return false;
    }
    last = e.position;
    return true;
  });
  // Everything up to the head read first is applied (later events are read next time).
  applied_through_ = st && failed ? std::max(last, *head) : last;
  own_.erase(own_.begin(), own_.upper_bound(applied_through_));
  if (!st) return st;
  return failed;
}

void SyncEngine::note_own_append(const AppendResult& r) {
  for (Position p : r.positions) {
    if (p == applied_through_ + 1)
      applied_through_ = p;  // nobody appended in between: nothing to skip later
    else
      own_.insert(p);
  }
}

Result<ReplicaId> SyncEngine::allocate_replica(const std::string& device, const std::string& actor) {
  for (int attempt = 1;; ++attempt) {
    const ReplicaId replica = max_replica_ + 1;
    auto st = append({"sync-replica", alloc_id_}, "SyncReplicaAllocated",
                     {{"device_id", device}, {"replica_id", replica}}, actor, ExpectedVersion::exact(allocations_));
    if (st) {
      allocations_ += 1;
      max_replica_ = replica;
      return replica;
    }
    if (st.error().code != ErrorCode::wrong_expected_version) return st.error();
    if (attempt == kWriteAttempts)
      return Error{ErrorCode::unavailable, "other hosts are registering devices at the same time; retry"};
    if (auto f = follow(); !f) return f.error();  // another host allocated: take the next id
  }
}

Status SyncEngine::write_server(const std::map<std::string, std::optional<Value>>& planned, json::array settled,
                                const std::string& actor, json::object extra, bool settles) {
  if (planned.empty()) return {};
  // The values each write replaces: those this engine saw when it planned the write.
  std::map<std::string, std::vector<Dot>> seen;
  for (const auto& [key, _] : planned) {
    auto& dots = seen[key];
    if (const auto* reg = log_.state().get(key))
      for (const auto& [dot, __] : *reg) dots.push_back(dot);
  }
  auto writes = planned;
  for (int attempt = 1;; ++attempt) {
    CausalContext ctx;
    ChangeSet::Entries entries;
    std::uint64_t counter = log_.state().context().max(kServerReplica);
    for (const auto& [key, value] : writes) {
      for (const Dot& d : seen[key]) ctx.insert(d);
      const Dot dot{kServerReplica, ++counter};
      ctx.insert(dot);
      if (value) entries[key].emplace(dot, FieldValue{*value, clock_.now(now_ms())});
    }
    ChangeSet delta = ChangeSet::from_parts(std::move(entries), std::move(ctx));
    const std::string bytes = wire::encode(delta);
    json::object payload{{"device_id", "server"}, {"replica_id", kServerReplica}, {"acked", counter},
                         {"changes", base64_encode(bytes)}, {"resolved_by", actor}};
    if (!settled.empty()) payload["settled"] = settled;
    for (const auto& [k, v] : extra) payload[k] = v;
    auto st = append({"sync-log", log_id_}, "SyncChangesAccepted", std::move(payload), actor,
                     ExpectedVersion::exact(log_.head()));
    if (st) {
      for (const auto& x : settled) {
        const auto& o = x.as_object();
        settled_.push_back({std::string(o.at("key").as_string()), std::string(o.at("strategy").as_string()),
                            std::string(o.at("outcome").as_string()), o.at("value"), o.at("values").as_array(), actor,
                            now_micros()});
      }
      note_server_write(extra, delta);
      log_.commit(kServerReplica, std::move(delta), counter, bytes);
      return {};
    }
    if (st.error().code != ErrorCode::wrong_expected_version) return st;
    if (attempt == kWriteAttempts)
      return {ErrorCode::unavailable, "other hosts are writing the sync log at the same time; retry"};
    if (auto f = follow(); !f) return f;
    // Another host wrote first, after seeing everything this host had appended (its appends are at
    // exact versions too). A key whose values seen here are all gone: its write supersedes this one.
    // A key that gained values: a settlement is left to that host's push, which saw this batch's
    // values and settles the key with them; a mirror write or a resolution replaces what it saw and
    // leaves the newer values beside it (a conflict when they are concurrent), so it is not lost.
    for (auto it = writes.begin(); it != writes.end();) {
      const auto* reg = log_.state().get(it->first);
      const auto& dots = seen[it->first];
      const auto was_seen = [&](const auto& entry) {
        return std::find(dots.begin(), dots.end(), entry.first) != dots.end();
      };
      const bool gained = reg && !std::all_of(reg->begin(), reg->end(), was_seen);
      const bool all_gone =
          !dots.empty() && std::none_of(dots.begin(), dots.end(), [&](const Dot& d) { return reg && reg->count(d); });
      const bool superseded = all_gone || (gained && (settles || dots.empty()));
      it = superseded ? writes.erase(it) : std::next(it);
    }
    if (writes.empty()) return {};
    json::array kept;
    for (auto& x : settled)
      if (writes.count(std::string(x.as_object().at("key").as_string()))) kept.push_back(std::move(x));
    settled = std::move(kept);
  }
}

}  // namespace roundhouse::sync
