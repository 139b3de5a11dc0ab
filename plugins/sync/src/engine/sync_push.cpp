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
  // What each key goes back to if its operation is refused (the value only, not the register).
  std::map<std::string_view, std::optional<Value>> before;
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
    before.clear();
    for (const auto& [key, _] : batch->entries())
      if (const auto* reg = log_.state().get(key)) before.emplace(key, restored(reg));
    auto st = append(kLogStream, "SyncChangesAccepted",
                     {{"device_id", device}, {"replica_id", replica}, {"acked", plan->acked},
                      {"changes", base64_encode(wire_bytes)}},
                     actor, ExpectedVersion::exact(log_.head()), device);
    if (st) break;
    if (st.error().code != ErrorCode::wrong_expected_version) return refuse(st.error());
    if (attempt == kWriteAttempts)
      return refuse({ErrorCode::unavailable, "other hosts keep writing the sync log; retry the push"});
    if (auto f = follow(); !f) return refuse(f.error());
    if (info.revoked) return refuse({ErrorCode::forbidden, "device '" + device + "' has been revoked"});
  }
  for (const auto& [_, reg] : batch->entries())
    for (const auto& [__, fv] : reg) clock_.observe(fv.ts, now_ms());
  log_.commit(replica, *batch, out.acked);
  stop_here_for_tests("ROUNDHOUSE_SYNC_TEST_STOP_BEFORE_SETTLING");  // a host that stops before settling

  Principal technician = who;
  technician.device = device;
  FleetBridge bridge(services, technician);
  std::map<std::string, std::optional<Value>> writes;
  json::array settled;
  // The new operations still standing, in the order the device made them.
  struct NewOp {
    const std::string* key;
    Dot dot;
    const FieldValue* value;
  };
  std::vector<NewOp> ops;
  for (const auto& [key, entries] : batch->entries())
    for (const auto& [d, fv] : entries)
      if (d.replica == replica && d.counter > prev_acked) ops.push_back({&key, d, &fv});
  std::sort(ops.begin(), ops.end(), [](const NewOp& a, const NewOp& b) { return a.dot < b.dot; });
  for (const auto& op : ops) {
    const std::string& key = *op.key;
    const Dot* dot = &op.dot;
    const FieldValue* incoming = op.value;
    const auto* now = log_.state().get(key);
    if (!now || !now->count(*dot)) continue;  // already replaced
    auto held = before.find(key);
    auto refuse_op = [&](const Error& e) {
      out.refused.push_back({dot->counter, key, incoming->value, code_name(e.code), http_status(e.code), e.message});
      writes[key] = held == before.end() ? std::nullopt : held->second;
    };
    if (auto st = authorize(info, who, key, incoming->value, bridge); !st) {
      refuse_op(st.error());
      continue;
    }
    Value apply = incoming->value;
    bool applies = true;
    if (now->size() > 1) {
      std::vector<ConflictCandidate> candidates;
      for (const auto& [d, fv] : *now) {
        auto name = device_of_.find(d.replica);
        candidates.push_back({fv.value, fv.ts, d,
                              d.replica == kServerReplica ? "server" : name == device_of_.end() ? "" : name->second,
                              d.replica == replica && d.counter > prev_acked});
      }
      const StrategyRule rule = config_.strategies.rule_for(key);
      std::optional<ExtensionPoint<CustomMerge>::Entry> merge;
      if (rule.strategy == Strategy::custom && services && services->registry)
        merge = services->registry->sync_merges.find(rule.custom);
      const Settlement s = settle(rule.strategy, candidates, merge ? &merge->value : nullptr, key, rule.custom);
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
    if (applies && config_.bridge)
      if (const KeyParts k = split_key(key); FleetBridge::is_fleet_type(k.type))
        if (auto st = bridge.apply(k, apply, log_.state()); !st) refuse_op(st.error());
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
