#include "sync_engine.hpp"

#include <algorithm>

#include "base64.hpp"
#include "roundhouse/sync/wire.hpp"
#include "value_json.hpp"

namespace roundhouse::sync {
namespace json = boost::json;

namespace {

const StreamId kLogStream{"sync-log", "changes"};
constexpr std::int64_t kMaxPushBytes = 8 << 20;

std::int64_t now_ms() { return now_micros() / 1000; }

// "<aggregate type>/<id>/<field>", three non-empty segments.
Status check_key(const std::string& key) {
  auto a = key.find('/');
  auto b = a == std::string::npos ? a : key.find('/', a + 1);
  if (a == 0 || a == std::string::npos || b == a + 1 || b == std::string::npos || b + 1 == key.size() ||
      key.find('/', b + 1) != std::string::npos)
    return {ErrorCode::invalid_argument, "sync key '" + key + "' is not <aggregate type>/<id>/<field>"};
  return {};
}

std::string hex(std::string_view s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

}  // namespace

json::object DeviceInfo::to_json() const {
  return {{"device_id", id}, {"replica_id", replica}, {"name", name}, {"depot", depot},
          {"registered_by", registered_by}, {"registered_at", format_timestamp(registered_at)},
          {"status", revoked ? "revoked" : "active"}};
}

json::object SessionInfo::to_json() const {
  return {{"device_id", device}, {"kind", kind}, {"started", format_timestamp(started)}, {"ops_in", ops_in},
          {"ops_out", ops_out}, {"conflicts", conflicts}, {"outcome", outcome}};
}

SyncEngine::SyncEngine(std::shared_ptr<EventStore> store, std::string tenant)
    : store_(std::move(store)), tenant_(std::move(tenant)) {}

Status SyncEngine::load() {
  std::lock_guard lock(mu_);
  ReadAllOptions opts;
  opts.filter.aggregate_types = {"sync-device", "sync-log", "sync-session"};
  opts.filter.tenant = tenant_;
  Status failed;
  auto st = store_->read_all(opts, [&](const RecordedEvent& e) {
    failed = apply_recorded(e);
    return failed.ok();
  });
  if (!st) return st;
  return failed;
}

Status SyncEngine::apply_recorded(const RecordedEvent& e) {
  json::object p = e.payload_json().as_object();
  if (e.type == "SyncDeviceRegistered") {
    DeviceInfo d{e.stream.id, static_cast<ReplicaId>(p.at("replica_id").to_number<std::uint64_t>()),
                 std::string(p.at("name").as_string()), std::string(p.at("depot").as_string()),
                 e.metadata_parsed().actor, e.recorded_at, false};
    device_of_[d.replica] = d.id;
    devices_[d.id] = std::move(d);
  } else if (e.type == "SyncDeviceRevoked") {
    devices_.at(e.stream.id).revoked = true;
  } else if (e.type == "SyncChangesAccepted") {
    auto bytes = base64_decode(p.at("changes").as_string());
    if (!bytes) return {ErrorCode::corrupted, "sync-log event " + std::to_string(e.position) + " is not base64"};
    auto cs = wire::decode_change_set(*bytes);
    if (!cs) return {ErrorCode::corrupted, "sync-log event " + std::to_string(e.position) + ": " + cs.error().message};
    log_.commit(p.at("replica_id").to_number<std::uint64_t>(), *cs, p.at("acked").to_number<std::uint64_t>());
  } else if (e.type == "SyncSessionRecorded") {
    sessions_.push_back({e.stream.id, std::string(p.at("kind").as_string()), e.recorded_at,
                         p.at("ops_in").to_number<std::uint64_t>(), p.at("ops_out").to_number<std::uint64_t>(),
                         p.at("conflicts").to_number<std::uint64_t>(), std::string(p.at("outcome").as_string())});
  }
  return {};
}

Status SyncEngine::append(StreamId stream, std::string type, json::object payload, const std::string& actor,
                          ExpectedVersion expected, const std::string& device) {
  NewEvent ev;
  ev.type = std::move(type);
  ev.payload = std::move(payload);
  ev.metadata.actor = actor;
  ev.metadata.device = device;
  AppendRequest req{std::move(stream), expected, {}, tenant_};
  req.events.push_back(std::move(ev));
  auto r = store_->append(std::move(req));
  return r ? Status{} : Status{r.error()};
}

Result<DeviceInfo> SyncEngine::register_device(const std::string& id, const std::string& name,
                                               const std::string& depot, const std::string& actor) {
  if (id.empty() || id.size() > 128 || id.find('/') != std::string::npos)
    return Error{ErrorCode::invalid_argument, "device_id must be 1-128 characters without '/'"};
  std::lock_guard lock(mu_);
  if (devices_.count(id)) return Error{ErrorCode::wrong_expected_version, "device '" + id + "' is already registered"};
  // Replica 1 is the server; devices count from 2 in registration order.
  const ReplicaId replica = kServerReplica + 1 + devices_.size();
  DeviceInfo d{id, replica, name, depot, actor, now_micros(), false};
  if (auto st = append({"sync-device", id}, "SyncDeviceRegistered",
                       {{"replica_id", replica}, {"name", name}, {"depot", depot}}, actor, ExpectedVersion::no_stream());
      !st)
    return st.error();
  device_of_[replica] = id;
  devices_[id] = d;
  return d;
}

Status SyncEngine::revoke_device(const std::string& id, const std::string& actor) {
  std::lock_guard lock(mu_);
  auto it = devices_.find(id);
  if (it == devices_.end()) return {ErrorCode::not_found, "device '" + id + "' is not registered"};
  if (it->second.revoked) return {};
  if (auto st = append({"sync-device", id}, "SyncDeviceRevoked", {}, actor, ExpectedVersion::stream_exists()); !st)
    return st;
  it->second.revoked = true;
  return {};
}

std::vector<DeviceInfo> SyncEngine::devices() const {
  std::lock_guard lock(mu_);
  std::vector<DeviceInfo> out;
  for (const auto& [_, d] : devices_) out.push_back(d);
  return out;
}

Result<const DeviceInfo*> SyncEngine::active_device(const std::string& id) const {
  auto it = devices_.find(id);
  if (it == devices_.end()) return Error{ErrorCode::not_found, "device '" + id + "' is not registered"};
  if (it->second.revoked) return Error{ErrorCode::forbidden, "device '" + id + "' has been revoked"};
  return &it->second;
}

void SyncEngine::record_session(SessionInfo s, const std::string& actor) {
  json::object p{{"kind", s.kind}, {"ops_in", s.ops_in}, {"ops_out", s.ops_out},
                 {"conflicts", s.conflicts}, {"outcome", s.outcome}};
  // A session record that cannot be written does not undo the sync it describes.
  if (append({"sync-session", s.device}, "SyncSessionRecorded", std::move(p), actor, ExpectedVersion::any(), s.device))
    sessions_.push_back(std::move(s));
}

Result<PushOutcome> SyncEngine::push(const std::string& device, std::uint64_t first_op, std::string_view wire_bytes,
                                     const std::string& actor) {
  std::lock_guard lock(mu_);
  auto dev = active_device(device);
  if (!dev) return dev.error();
  SessionInfo session{device, "push", now_micros(), 0, 0, 0, "ok"};
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
  const ReplicaId replica = (*dev)->replica;
  auto plan = log_.plan(replica, first_op, *batch);
  if (!plan) return refuse(plan.error());
  PushOutcome out{plan->acked, plan->applied, 0, {}};
  if (!plan->applied) {
    session.outcome = "resend from " + std::to_string(plan->acked + 1);
    record_session(session, actor);
    return out;
  }
  out.ops_in = plan->acked - log_.acked(replica);
  // Durable first: the event's expected version is the log length, so two hosts cannot interleave.
  if (auto st = append(kLogStream, "SyncChangesAccepted",
                       {{"device_id", device}, {"replica_id", replica}, {"acked", plan->acked},
                        {"changes", base64_encode(wire_bytes)}},
                       actor, ExpectedVersion::exact(log_.head()), device);
      !st)
    return refuse(st.error());
  for (const auto& [_, reg] : batch->entries())
    for (const auto& [__, fv] : reg) clock_.observe(fv.ts, now_ms());
  log_.commit(replica, *batch, plan->acked);
  for (const auto& [key, _] : batch->entries())
    if (const auto* reg = log_.state().get(key); reg && reg->size() > 1) out.conflicts.push_back(key);
  session.ops_in = out.ops_in;
  session.conflicts = out.conflicts.size();
  record_session(session, actor);
  return out;
}

Result<PullOutcome> SyncEngine::pull(const std::string& device, std::uint64_t cursor, const std::string& actor) {
  std::lock_guard lock(mu_);
  auto dev = active_device(device);
  if (!dev) return dev.error();
  auto reply = log_.pull(cursor);
  PullOutcome out{wire::encode(reply.changes), reply.from, reply.cursor, 0};
  for (const auto& [_, reg] : reply.changes.entries()) out.ops_out += reg.size();
  record_session({device, "pull", now_micros(), 0, out.ops_out, 0, "ok"}, actor);
  return out;
}

std::vector<SessionInfo> SyncEngine::sessions(std::size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<SessionInfo> out;
  for (auto it = sessions_.rbegin(); it != sessions_.rend() && out.size() < limit; ++it) out.push_back(*it);
  return out;
}

json::array SyncEngine::values_json(const ChangeSet::Register& reg) const {
  json::array values;
  for (const auto& [dot, fv] : reg) {
    auto dev = device_of_.find(dot.replica);
    values.push_back(json::object{
        {"value", sync::to_json(fv.value)},
        {"device_id", dot.replica == kServerReplica ? "server" : dev == device_of_.end() ? "" : dev->second},
        {"replica_id", dot.replica}, {"op_seq", dot.counter},
        {"hlc", json::object{{"wall_ms", fv.ts.wall_ms}, {"logical", fv.ts.logical}}}});
  }
  return values;
}

json::array SyncEngine::conflicts() const {
  std::lock_guard lock(mu_);
  json::array out;
  for (const auto& [key, reg] : log_.state().entries()) {
    if (reg.size() < 2) continue;
    out.push_back(json::object{{"id", hex(key)}, {"key", key}, {"values", values_json(reg)}});
  }
  return out;
}

Result<json::object> SyncEngine::resolve(const std::string& key, const Value& value, const std::string& actor) {
  std::lock_guard lock(mu_);
  const auto* reg = log_.state().get(key);
  if (!reg || reg->size() < 2) return Error{ErrorCode::not_found, "no open conflict on '" + key + "'"};
  // The server's write: replaces exactly the values the person saw, as the server replica's next op.
  CausalContext ctx;
  for (const auto& [dot, _] : *reg) ctx.insert(dot);
  const Dot dot{kServerReplica, log_.state().context().max(kServerReplica) + 1};
  ctx.insert(dot);
  ChangeSet::Entries entries;
  entries[key].emplace(dot, FieldValue{value, clock_.now(now_ms())});
  ChangeSet delta = ChangeSet::from_parts(std::move(entries), std::move(ctx));
  const std::string bytes = wire::encode(delta);
  if (auto st = append(kLogStream, "SyncChangesAccepted",
                       {{"device_id", "server"}, {"replica_id", kServerReplica}, {"acked", dot.counter},
                        {"changes", base64_encode(bytes)}, {"resolved_by", actor}},
                       actor, ExpectedVersion::exact(log_.head()));
      !st)
    return st.error();
  json::object out{{"key", key}, {"replaced", values_json(*reg)}};
  log_.commit(kServerReplica, delta, dot.counter);
  out["value"] = sync::to_json(value);
  return out;
}

}  // namespace roundhouse::sync
