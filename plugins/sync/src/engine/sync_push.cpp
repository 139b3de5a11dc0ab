// SyncEngine::push: accept a device's batch, then settle, authorize and apply each new operation.
#include <algorithm>

#include <boost/json/serialize.hpp>

#include "base64.hpp"
#include "engine_detail.hpp"
#include "fleet_bridge.hpp"
#include "roundhouse/plugin/registry.hpp"
#include "roundhouse/sync/wire.hpp"
#include "settle.hpp"
#include "sync_engine.hpp"
#include "value_json.hpp"

namespace roundhouse::sync {
namespace json = boost::json;
using namespace engine_detail;

namespace {

// The value a refused operation's field goes back to: what the server held before the push (its
// latest value when it held several), or nothing.
std::optional<Value> restored(const ChangeSet::Register* before) {
  if (!before || before->empty()) return std::nullopt;
  const FieldValue* best = nullptr;
  for (const auto& [_, fv] : *before)
    if (!best || best->ts < fv.ts) best = &fv;
  return best->value;
}

}  // namespace

Result<PushOutcome> SyncEngine::push(const std::string& device, std::uint64_t first_op, std::string_view wire_bytes,
                                     const Principal& who, const Services* services) {
  std::lock_guard lock(mu_);
  const std::string& actor = who.subject;
  if (auto st = follow(); !st) return st.error();
  auto dev = active_device(device);
  if (!dev) return dev.error();
  SessionInfo session{device, "push", now_micros(), 0, 0, 0, "ok", {}};
  auto refuse = [&](Error e) -> Result<PushOutcome> {
    session.outcome = "rejected: " + e.message;
    record_session(session, actor);
    return e;
  };
  if (wire_bytes.size() > static_cast<std::size_t>(kMaxPushBytes))
    return refuse({ErrorCode::payload_too_large, "a push is limited to 8 MiB; push the queue in parts"});
  auto batch = wire::decode_change_set(wire_bytes);
  if (!batch) return refuse(batch.error());
  for (const auto& [key, _] : batch->entries())
    if (auto st = check_key(key); !st) return refuse(st.error());
  const DeviceInfo& info = **dev;
  const ReplicaId replica = info.replica;
  PushOutcome out;
  std::uint64_t prev_acked = 0;
  std::size_t earlier_refusals = 0;
  // Refusals of the operations this request covers (again, when it retries a push whose reply was lost).
  auto report_refusals = [&](std::uint64_t upto) {
    if (auto it = refusals_.find(replica); it != refusals_.end())
      for (auto r = it->second.lower_bound(first_op); r != it->second.end() && r->first <= upto; ++r)
        out.refused.push_back(r->second);
  };
  // Planned against this host's view of the log and made durable at the log length it has seen: a
  // batch another host appended in between makes the append fail instead of interleaving, and the
  // push is planned again after catching up (as if it had arrived later).
  for (int attempt = 1;; ++attempt) {
    auto plan = log_.plan(replica, first_op, *batch);
    if (!plan) return refuse(plan.error());
    out = PushOutcome{plan->acked, plan->applied, 0, {}, {}, {}};
    if (!plan->applied) {
      session.outcome = "resend from " + std::to_string(plan->acked + 1);
      record_session(session, actor);
      report_refusals(out.acked);
      return out;
    }
    prev_acked = log_.acked(replica);
    report_refusals(prev_acked);  // a batch overlapping an earlier one: its refusals again
    earlier_refusals = out.refused.size();
    out.ops_in = plan->acked - prev_acked;
    // The caller's host roles go with the batch: a host that stops before authorizing its
    // operations re-checks them on restart with the same roles (recover.cpp).
    json::array caller_roles;
    for (const auto& r : who.roles) caller_roles.emplace_back(r);
    auto st = append({"sync-log", log_id_}, "SyncChangesAccepted",
                     {{"device_id", device}, {"replica_id", replica}, {"acked", plan->acked},
                      {"changes", base64_encode(wire_bytes)}, {"caller_roles", std::move(caller_roles)}},
                     actor, ExpectedVersion::exact(log_.head()), device);
    if (st) break;
    if (st.error().code != ErrorCode::wrong_expected_version) return refuse(st.error());
    if (attempt == kWriteAttempts)
      return refuse({ErrorCode::unavailable, "other hosts keep writing the sync log; retry the push"});
    if (auto f = follow(); !f) return refuse(f.error());
    if (info.revoked) return refuse({ErrorCode::forbidden, "device '" + device + "' has been revoked"});
  }
  // The new operations, in the order the device made them. Only the fleet's types can be refused
  // (authorize, the fleet's commands): theirs keep what the key goes back to then, the value the
  // server held before this batch (taken before the batch moves into the state).
  struct NewOp {
    std::string key;
    Dot dot;
    bool fleet = false;
    std::optional<Value> before;
  };
  std::vector<NewOp> ops;
  ops.reserve(batch->size());
  const std::int64_t wall = now_ms();
  for (const auto& [key, entries] : batch->entries()) {
    const bool fleet = FleetBridge::is_fleet_key(key);
    const auto* held = fleet ? log_.state().get(key) : nullptr;
    for (const auto& [d, fv] : entries) {
      clock_.observe(fv.ts, wall);
      if (d.replica == replica && d.counter > prev_acked)
        ops.push_back({key, d, fleet, held ? restored(held) : std::nullopt});
    }
  }
  std::sort(ops.begin(), ops.end(), [](const NewOp& a, const NewOp& b) { return a.dot < b.dot; });
  // The bytes the device sent are this batch's encoding: the log keeps them as they are.
  log_.commit(replica, std::move(*batch), out.acked, wire_bytes);
  stop_here_for_tests("ROUNDHOUSE_SYNC_TEST_STOP_BEFORE_SETTLING");  // a host that stops before settling

  Principal technician = who;
  technician.device = device;
  FleetBridge bridge(services, technician);
  std::map<std::string, std::optional<Value>> writes;
  json::array settled;
  for (const auto& op : ops) {
    const std::string& key = op.key;
    const Dot* dot = &op.dot;
    const auto* now = log_.state().get(key);
    const FieldValue* incoming = nullptr;
    if (now)
      if (auto it = now->find(*dot); it != now->end()) incoming = &it->second;
    if (!incoming) continue;  // already replaced
    auto refuse_op = [&](const Error& e) {
      out.refused.push_back({dot->counter, key, incoming->value, code_name(e.code), http_status(e.code), e.message});
      writes[key] = op.before;
    };
    if (auto st = authorize(info, who, key, incoming->value, bridge); !st) {
      refuse_op(st.error());
      continue;
    }
    Value apply = incoming->value;
    bool applies = true;
    if (now->size() > 1) {
      const StrategyRule rule = config_.strategies.rule_for(key);
      Settlement s;  // manual and additive keep every value: no candidates to weigh
      if (rule.strategy != Strategy::manual && rule.strategy != Strategy::additive) {
        std::vector<ConflictCandidate> candidates;
        for (const auto& [d, fv] : *now) {
          auto name = device_of_.find(d.replica);
          candidates.push_back({fv.value, fv.ts, d,
                                d.replica == kServerReplica ? "server" : name == device_of_.end() ? "" : name->second,
                                d.replica == replica && d.counter > prev_acked});
        }
        std::optional<ExtensionPoint<CustomMerge>::Entry> merge;
        if (rule.strategy == Strategy::custom && services && services->registry)
          merge = services->registry->sync_merges.find(rule.custom);
        s = settle(rule.strategy, candidates, merge ? &merge->value : nullptr, key, rule.custom);
      }
      auto record = [&](const char* outcome) {
        settled.push_back(json::object{{"key", key}, {"strategy", rule.text()}, {"outcome", outcome},
                                       {"value", sync::to_json(s.value)}, {"values", values_json(*now)}});
        out.settled.push_back(key);
      };
      switch (s.kind) {
        case Settlement::Kind::keep:
          if (rule.strategy != Strategy::additive) out.conflicts.push_back(key), applies = false;
          break;
        case Settlement::Kind::replace:
          record("replaced");
          writes[key] = s.value;
          apply = s.value;
          applies = s.from_incoming;
          break;
        case Settlement::Kind::refuse:
          record("refused");
          writes[key] = s.value;
          out.refused.push_back({dot->counter, key, incoming->value, "conflict", 409, s.reason});
          applies = false;
          break;
      }
    }
    // Only the fleet's types have commands; other keys (checklists, ...) skip the route lookups.
    if (applies && config_.bridge && op.fleet)
      if (auto st = bridge.apply(split_key(key), apply, log_.state()); !st) refuse_op(st.error());
  }
  if (auto st = write_server(writes, std::move(settled), actor); !st) return refuse(st.error());
  for (const auto& r : out.refused) refusals_[replica][r.op_seq] = r;
  session.ops_in = out.ops_in;
  session.conflicts = out.conflicts.size();
  session.refused.assign(out.refused.begin() + static_cast<std::ptrdiff_t>(earlier_refusals), out.refused.end());
  record_session(session, actor);
  return out;
}

}  // namespace roundhouse::sync
