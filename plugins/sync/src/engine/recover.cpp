// SyncEngine::settle_unsettled: a push makes its batch durable first and settles its conflicts with a
// later server write; a host that stops in between leaves those fields holding concurrent values.
// On the next start they are settled as the push would have: same strategy, the last pushing device's
// values as the incoming ones, its technician as the fleet command's author, and a refused value
// reported on the device's next (retried) push. The cut-off push's operations its device may not
// make (role, depot) are refused and compensated first, as the push would have done.
#include "engine_detail.hpp"
#include "fleet_bridge.hpp"
#include "fleet_mirror.hpp"
#include "roundhouse/plugin/registry.hpp"
#include "settle.hpp"
#include "sync_engine.hpp"
#include "value_json.hpp"

namespace roundhouse::sync {
namespace json = boost::json;

void SyncEngine::note_replayed_batch(const json::object& payload, const ChangeSet& delta, const std::string& actor,
                                     Position position) {
  const ReplicaId replica = payload.at("replica_id").to_number<std::uint64_t>();
  if (replica == kServerReplica) return note_server_write(payload, delta);
  for (const auto& [key, _] : delta.entries()) last_writer_[key] = {replica, actor, position};
  last_push_ = {replica, actor, log_.acked(replica), false, std::nullopt};  // replayed before its commit: old acked
  if (const auto* roles = payload.if_contains("caller_roles"); roles && roles->is_array()) {
    last_push_.caller_roles.emplace();
    for (const auto& r : roles->get_array())
      if (r.is_string()) last_push_.caller_roles->emplace_back(r.get_string());
  }
}

void SyncEngine::note_replayed_session(const SessionInfo& s) {
  if (s.kind == "push" && last_push_.replica && device_of_[last_push_.replica] == s.device) last_push_.finished = true;
}

void SyncEngine::reauthorize_cut_off_push(const Services* services, std::map<std::string, std::optional<Value>>& writes,
                                          std::map<ReplicaId, std::vector<Refusal>>& refused) {
  if (last_push_.finished) return;
  auto dev = devices_.find(device_of_[last_push_.replica]);
  if (dev == devices_.end()) return;
  // The caller's host roles as recorded with the batch; a batch of an older host has none, and then
  // the device's role (and depot) alone decide.
  const Principal caller{last_push_.actor, tenant_, last_push_.caller_roles.value_or(std::vector<std::string>{"admin"}),
                         dev->first};
  FleetBridge bridge(services, caller);
  for (const auto& [key, reg] : log_.state().entries()) {
    const FieldValue* held = nullptr;  // what the server held besides the cut-off push's values
    std::optional<std::pair<Dot, Value>> pushed;
    for (const auto& [dot, fv] : reg) {
      if (dot.replica == last_push_.replica && dot.counter > last_push_.prev_acked) pushed.emplace(dot, fv.value);
      else if (!held || held->ts < fv.ts) held = &fv;
    }
    if (!pushed) continue;
    if (auto st = authorize(dev->second, caller, key, pushed->second, bridge); !st) {
      refused[last_push_.replica].push_back({pushed->first.counter, key, pushed->second, "forbidden", 403, st.message()});
      writes[key] = held ? std::optional<Value>(held->value) : std::nullopt;
    }
  }
}

bool SyncEngine::fleet_ran_after(const std::string& key, const std::string& device, Position after) const {
  const KeyParts k = split_key(key);
  ReadStreamOptions newest_first;
  newest_first.direction = Direction::backward;
  newest_first.tenant = tenant_;
  auto events = store_->read_stream({FleetMirror::stream_type(k.type), k.id}, newest_first);
  if (!events) return false;
  for (const auto& e : *events) {
    if (e.position <= after) break;
    try {
      if (e.metadata_parsed().device == device) return true;
    } catch (const std::exception&) {
      // unreadable metadata: not this device's command
    }
  }
  return false;
}

Status SyncEngine::settle_unsettled(const Services* services) {
  std::lock_guard lock(mu_);
  std::map<std::string, LastWriter> last;
  last.swap(last_writer_);  // only what load() replayed is a candidate
  std::map<std::string, std::optional<Value>> writes;
  json::array settled;
  std::map<ReplicaId, std::vector<Refusal>> refused;
  reauthorize_cut_off_push(services, writes, refused);
  for (const auto& [key, reg] : log_.state().entries()) {
    auto writer = last.find(key);
    if (reg.size() < 2 || writer == last.end() || writes.count(key)) continue;
    const StrategyRule rule = config_.strategies.rule_for(key);
    if (rule.strategy == Strategy::manual || rule.strategy == Strategy::additive) continue;
    const ReplicaId incoming = writer->second.replica;
    std::vector<ConflictCandidate> candidates;
    const FieldValue* pushed = nullptr;
    Dot pushed_dot;
    for (const auto& [dot, fv] : reg) {
      auto name = device_of_.find(dot.replica);
      candidates.push_back({fv.value, fv.ts, dot,
                            dot.replica == kServerReplica ? "server" : name == device_of_.end() ? "" : name->second,
                            dot.replica == incoming});
      if (dot.replica == incoming && (!pushed || pushed->ts < fv.ts)) pushed = &fv, pushed_dot = dot;
    }
    if (!pushed) continue;  // the last batch's value was replaced since: nothing of it to settle
    std::optional<ExtensionPoint<CustomMerge>::Entry> merge;
    if (rule.strategy == Strategy::custom && services && services->registry)
      merge = services->registry->sync_merges.find(rule.custom);
    Settlement s = settle(rule.strategy, candidates, merge ? &merge->value : nullptr, key, rule.custom);
    if (s.kind == Settlement::Kind::keep) continue;
    const std::string device = device_of_.count(incoming) ? device_of_.at(incoming) : std::string();
    auto refuse = [&](std::string code, int status, std::string reason) {
      refused[incoming].push_back({pushed_dot.counter, key, pushed->value, std::move(code), status, std::move(reason)});
    };
    if (s.kind == Settlement::Kind::replace && s.from_incoming && config_.bridge &&
        !fleet_ran_after(key, device, writer->second.position)) {
      // The winner is the device's value: its fleet command, as the push would have run it (unless
      // the stopped push got as far as running it).
      FleetBridge bridge(services, Principal{writer->second.actor, tenant_, {"writer"}, device});
      if (auto st = bridge.apply(split_key(key), s.value, log_.state()); !st) {
        refuse(engine_detail::code_name(st.code()), engine_detail::http_status(st.code()), st.message());
        const ConflictCandidate* held = nullptr;  // what the server held: its latest earlier value
        for (const auto& c : candidates)
          if (!c.incoming && (!held || held->ts < c.ts)) held = &c;
        s = {Settlement::Kind::refuse, held ? held->value : Value{}, false, st.message()};
      }
    } else if (s.kind == Settlement::Kind::refuse) {
      refuse("conflict", 409, s.reason);
    }
    settled.push_back(json::object{{"key", key}, {"strategy", rule.text()},
                                   {"outcome", s.kind == Settlement::Kind::refuse ? "refused" : "replaced"},
                                   {"value", sync::to_json(s.value)}, {"values", values_json(reg)}});
    writes[key] = s.value;
  }
  last_push_.finished = true;
  if (writes.empty()) return {};
  if (auto st = write_server(writes, std::move(settled), "server"); !st) return st;
  // The device learns of its refused operations on its next push (it retries the one whose reply it lost).
  for (auto& [replica, list] : refused) {
    for (const auto& r : list) refusals_[replica][r.op_seq] = r;
    record_session({device_of_[replica], "recovery", now_micros(), 0, 0, 0, "settled after a restart",
                    std::move(list)},
                   "server");
  }
  return {};
}

}  // namespace roundhouse::sync
