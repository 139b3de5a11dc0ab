#include "sync_engine.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <tuple>

#include "base64.hpp"
#include "engine_detail.hpp"
#include "fleet_bridge.hpp"
#include "fleet_mirror.hpp"
#include "roundhouse/core/fnv1a.hpp"
#include "roundhouse/sync/wire.hpp"
#include "scope_filter.hpp"
#include "value_json.hpp"

namespace roundhouse::sync {
namespace json = boost::json;
using namespace engine_detail;


json::object DeviceInfo::to_json() const {
  return {{"device_id", id}, {"replica_id", replica}, {"name", name}, {"depot", depot},
          {"role", role}, {"registered_by", registered_by}, {"registered_at", format_timestamp(registered_at)},
          {"status", revoked ? "revoked" : "active"}};
}

json::object Refusal::to_json() const {
  return {{"op_seq", op_seq}, {"key", key}, {"value", sync::to_json(value)}, {"code", code}, {"status", status},
          {"reason", reason}};
}

Result<Refusal> Refusal::from_json(const json::value& v) {
  const auto* o = v.if_object();
  if (!o) return Error{ErrorCode::invalid_argument, "a refusal must be an object"};
  try {
    auto value = value_from_json(o->at("value"));
    if (!value) return value.error();
    return Refusal{o->at("op_seq").to_number<std::uint64_t>(), std::string(o->at("key").as_string()), *value,
                   std::string(o->at("code").as_string()), static_cast<int>(o->at("status").to_number<std::int64_t>()),
                   std::string(o->at("reason").as_string())};
  } catch (const std::exception& e) {
    return Error{ErrorCode::invalid_argument, std::string("a refusal is missing a field: ") + e.what()};
  }
}

json::object SettledConflict::to_json() const {
  return {{"id", hex(key)},         {"key", key}, {"status", "resolved"}, {"strategy", strategy},
          {"outcome", outcome},     {"value", value}, {"values", values}, {"resolved_by", by},
          {"resolved_at", format_timestamp(at)}};
}

json::object SessionInfo::to_json() const {
  json::array r;
  for (const auto& x : refused) r.push_back(x.to_json());
  return {{"device_id", device}, {"kind", kind}, {"started", format_timestamp(started)}, {"ops_in", ops_in},
          {"ops_out", ops_out}, {"conflicts", conflicts}, {"outcome", outcome}, {"refused", std::move(r)}};
}

SyncEngine::SyncEngine(std::shared_ptr<EventStore> store, std::string tenant, SyncConfig config)
    : store_(std::move(store)),
      tenant_(std::move(tenant)),
      tenant_prefix_(tenant_prefix(tenant_)),
      log_id_(tenant_prefix_ + kLogStreamId),
      alloc_id_(tenant_prefix_ + kAllocStreamId),
      config_(std::move(config)) {}

std::string SyncEngine::unqualified(const std::string& stream_id) {
  const auto hash = stream_id.rfind('#');
  return hash == std::string::npos ? stream_id : stream_id.substr(hash + 1);
}

namespace {

// Whether the stream has events of the tenant (one event read).
Result<bool> tenant_has(EventStore& store, const std::string& tenant, const StreamId& stream) {
  ReadStreamOptions first;
  first.max_count = 1;
  first.tenant = tenant;
  auto r = store.read_stream(stream, first);
  if (r) return true;
  if (r.error().code == ErrorCode::not_found) return false;
  return r.error();
}

}  // namespace

std::string SyncEngine::tenant_prefix(const std::string& tenant) {
  // Stream ids are at most 256 bytes without '/' or control characters; a device id is at most 128.
  bool plain = !tenant.empty() && tenant.size() <= 64;
  for (unsigned char c : tenant) plain = plain && c != '/' && c >= 0x20 && c != 0x7f;
  if (plain) return tenant + "#";
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a_64(tenant)));
  return std::string("~") + hex + "#";
}

Result<bool> SyncEngine::has_synced(EventStore& store, const std::string& tenant) {
  const std::string prefix = tenant_prefix(tenant);
  for (const StreamId& s : {StreamId{"sync-replica", prefix + kAllocStreamId}, StreamId{"sync-log", prefix + kLogStreamId},
                            StreamId{"sync-replica", kAllocStreamId}, StreamId{"sync-log", kLogStreamId}}) {
    auto has = tenant_has(store, tenant, s);
    if (!has || *has) return has;
  }
  return false;
}

Status SyncEngine::choose_stream_names() {
  // Each of the two single streams separately: before SDK 0.4 one tenant may own the unqualified
  // log and another the unqualified allocations.
  for (auto [type, id, chosen] : {std::tuple{"sync-log", kLogStreamId, &log_id_},
                                  std::tuple{"sync-replica", kAllocStreamId, &alloc_id_}}) {
    auto legacy = tenant_has(*store_, tenant_, {type, id});
    if (!legacy) return legacy.error();
    *chosen = *legacy ? id : tenant_prefix_ + id;
  }
  return {};
}

Status SyncEngine::load() {
  std::lock_guard lock(mu_);
  if (auto st = choose_stream_names(); !st) return st;
  loading_ = true;
  auto st = follow();
  loading_ = false;
  return st;
}

Status SyncEngine::apply_recorded(const RecordedEvent& e) {
  json::object p = e.payload_json().as_object();
  if (e.type == "SyncDeviceRegistered") {
    if (devices_.count(unqualified(e.stream.id))) return {};  // registered here
    DeviceInfo d{unqualified(e.stream.id), static_cast<ReplicaId>(p.at("replica_id").to_number<std::uint64_t>()),
                 std::string(p.at("name").as_string()), std::string(p.at("depot").as_string()),
                 "technician", e.metadata_parsed().actor, e.recorded_at, false};
    if (const auto* role = p.if_contains("role"); role && role->is_string()) d.role = std::string(role->get_string());
    device_of_[d.replica] = d.id;
    max_replica_ = std::max(max_replica_, d.replica);
    device_streams_[d.id] = e.stream.id;  // a device of an older store keeps its unqualified stream
    devices_[d.id] = std::move(d);
  } else if (e.type == "SyncDeviceRevoked") {
    devices_.at(unqualified(e.stream.id)).revoked = true;
  } else if (e.type == "SyncReplicaAllocated") {
    if (e.stream.id == alloc_id_) allocations_ = std::max(allocations_, e.version);  // that stream's version
    max_replica_ = std::max(max_replica_, static_cast<ReplicaId>(p.at("replica_id").to_number<std::uint64_t>()));
  } else if (e.type == "SyncChangesAccepted") {
    // The log's versions number this tenant's one log stream; a batch in another sync-log stream
    // of the tenant (a host of another naming) is not part of it.
    if (e.stream.id != log_id_) return {};
    if (e.version <= log_.head()) return {};  // applied here already
    auto bytes = base64_decode(p.at("changes").as_string());
    if (!bytes) return {ErrorCode::corrupted, "sync-log event " + std::to_string(e.position) + " is not base64"};
    auto cs = wire::decode_change_set(*bytes);
    if (!cs) return {ErrorCode::corrupted, "sync-log event " + std::to_string(e.position) + ": " + cs.error().message};
    if (loading_)
      note_replayed_batch(p, *cs, e.metadata_parsed().actor, e.position);
    else if (p.at("replica_id").to_number<std::uint64_t>() == kServerReplica)
      note_server_write(p, *cs);  // another host's mirror checkpoint and fleet authors
    if (!loading_)  // another host's batch: later server writes here are stamped after it, as on that host
      for (const auto& [_, reg] : cs->entries())
        for (const auto& [__, fv] : reg) clock_.observe(fv.ts, now_ms());
    log_.commit(p.at("replica_id").to_number<std::uint64_t>(), std::move(*cs), p.at("acked").to_number<std::uint64_t>(),
                *bytes);
    if (const auto* settled = p.if_contains("settled"); settled && settled->is_array())
      for (const auto& x : settled->get_array()) {
        const auto& o = x.as_object();
        settled_.push_back({std::string(o.at("key").as_string()), std::string(o.at("strategy").as_string()),
                            std::string(o.at("outcome").as_string()), o.at("value"), o.at("values").as_array(),
                            e.metadata_parsed().actor, e.recorded_at});
      }
  } else if (e.type == "SyncSessionRecorded") {
    SessionInfo s{unqualified(e.stream.id), std::string(p.at("kind").as_string()), e.recorded_at,
                  p.at("ops_in").to_number<std::uint64_t>(), p.at("ops_out").to_number<std::uint64_t>(),
                  p.at("conflicts").to_number<std::uint64_t>(), std::string(p.at("outcome").as_string()), {}};
    if (const auto* refused = p.if_contains("refused"); refused && refused->is_array())
      for (const auto& x : refused->get_array())
        if (auto r = Refusal::from_json(x)) s.refused.push_back(*r);
    if (auto dev = devices_.find(s.device); dev != devices_.end())
      for (const auto& r : s.refused) refusals_[dev->second.replica][r.op_seq] = r;
    if (loading_) note_replayed_session(s);
    sessions_.push_back(std::move(s));
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
  if (!r) return r.error();
  note_own_append(*r);
  return {};
}

Result<DeviceInfo> SyncEngine::register_device(const std::string& id, const std::string& name,
                                               const std::string& depot, const std::string& actor,
                                               const std::string& role) {
  if (id.empty() || id.size() > 128 || id.find_first_of("/?#% ") != std::string::npos)
    return Error{ErrorCode::invalid_argument, "device_id must be 1-128 characters without '/', '?', '#', '%' or spaces"};
  if (!config_.roles.count(role))
    return Error{ErrorCode::invalid_argument, "unknown device role '" + role + "' (see GET /api/v1/sync/strategies)"};
  std::lock_guard lock(mu_);
  if (auto st = follow(); !st) return st.error();
  const Error taken{ErrorCode::wrong_expected_version, "device '" + id + "' is already registered"};
  if (devices_.count(id)) return taken;
  // Replica 1 is the server; devices count from 2, each id allocated once across hosts.
  auto replica = allocate_replica(id, actor);
  if (!replica) return replica.error();
  DeviceInfo d{id, *replica, name, depot, role, actor, now_micros(), false};
  if (auto st = append(qualified("sync-device", id), "SyncDeviceRegistered",
                       {{"replica_id", *replica}, {"name", name}, {"depot", depot}, {"role", role}}, actor,
                       ExpectedVersion::no_stream());
      !st) {
    // Another host registered the same id first (its replica id wins; this one stays unused).
    if (st.error().code == ErrorCode::wrong_expected_version) return taken;
    return st.error();
  }
  device_of_[*replica] = id;
  device_streams_[id] = tenant_prefix_ + id;
  devices_[id] = d;
  return d;
}

Status SyncEngine::revoke_device(const std::string& id, const std::string& actor) {
  std::lock_guard lock(mu_);
  if (auto st = follow(); !st) return st;
  auto it = devices_.find(id);
  if (it == devices_.end()) return {ErrorCode::not_found, "device '" + id + "' is not registered"};
  if (it->second.revoked) return {};
  const auto own = device_streams_.find(id);
  const StreamId device_stream{"sync-device", own == device_streams_.end() ? tenant_prefix_ + id : own->second};
  if (auto st = append(device_stream, "SyncDeviceRevoked", {}, actor, ExpectedVersion::stream_exists()); !st)
    return st;
  it->second.revoked = true;
  return {};
}

std::vector<DeviceInfo> SyncEngine::devices() {
  std::lock_guard lock(mu_);
  (void)follow();  // a store that cannot be read answers with what this host knows
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
  json::array refused;
  for (const auto& r : s.refused) refused.push_back(r.to_json());
  json::object p{{"kind", s.kind}, {"ops_in", s.ops_in}, {"ops_out", s.ops_out},
                 {"conflicts", s.conflicts}, {"outcome", s.outcome}, {"refused", std::move(refused)}};
  // A session record that cannot be written does not undo the sync it describes.
  if (append(qualified("sync-session", s.device), "SyncSessionRecorded", std::move(p), actor, ExpectedVersion::any(), s.device))
    sessions_.push_back(std::move(s));
}

Result<PullOutcome> SyncEngine::pull(const std::string& device, std::uint64_t cursor, const std::string& actor,
                                     const Services* services) {
  std::lock_guard lock(mu_);
  if (auto st = follow(); !st) return st.error();
  auto dev = active_device(device);
  if (!dev) return dev.error();
  // A full pull (cursor 0) reads the state in place: copying it was most of a first pull's cost.
  const bool full = cursor == 0 || cursor > log_.head();
  auto reply = full ? protocol::PullReply{{}, 0, log_.head()} : log_.pull(cursor);
  const ChangeSet* changes = full ? &log_.state() : &reply.changes;
  if (config_.depot_scope && !(*dev)->depot.empty()) {
    // Partial replication: leave out the keys of aggregates that belong to another depot.
    FleetBridge bridge(services, Principal{actor, tenant_, {"reader"}, device});
    // The mirror keeps vehicle depots and work-order vehicles in the state: no fleet read per key.
    const ChangeSet* mirrored = config_.mirror.count("vehicle") && config_.mirror.count("work_order") ? &log_.state() : nullptr;
    std::map<std::string, bool> foreign;  // by "<type>/<id>"
    std::set<std::string> excluded;
    for (const auto& [key, _] : changes->entries()) {
      if (!FleetBridge::has_depot(key)) continue;  // checklists, parts, ...: every device gets them
      const KeyParts k = split_key(key);
      auto [it, fresh] = foreign.try_emplace(k.type + "/" + k.id, false);
      if (fresh) {
        const std::string depot = bridge.depot_of(k, mirrored);
        it->second = !depot.empty() && depot != (*dev)->depot;
      }
      if (it->second) excluded.insert(key);
    }
    if (!excluded.empty()) reply.changes = without_keys(*changes, excluded), changes = &reply.changes;
  }
  PullOutcome out{wire::encode(*changes), reply.from, reply.cursor, 0};
  for (const auto& [_, reg] : changes->entries()) out.ops_out += reg.size();
  record_session({device, "pull", now_micros(), 0, out.ops_out, 0, "ok", {}}, actor);
  return out;
}

std::vector<SessionInfo> SyncEngine::sessions(std::size_t limit) {
  std::lock_guard lock(mu_);
  (void)follow();
  std::vector<SessionInfo> out;
  for (auto it = sessions_.rbegin(); it != sessions_.rend() && out.size() < limit; ++it) out.push_back(*it);
  return out;
}

json::array SyncEngine::values_json(const ChangeSet::Register& reg) const {
  json::array values;
  for (const auto& [dot, fv] : reg) {
    auto dev = device_of_.find(dot.replica);
    json::object& v = values.emplace_back(json::object{
        {"value", sync::to_json(fv.value)},
        {"device_id", dot.replica == kServerReplica ? "server" : dev == device_of_.end() ? "" : dev->second},
        {"replica_id", dot.replica}, {"op_seq", dot.counter},
        {"hlc", json::object{{"wall_ms", fv.ts.wall_ms}, {"logical", fv.ts.logical}}}}).as_object();
    if (dot.replica == kServerReplica)
      if (auto run = server_writer_.upper_bound(dot.counter); run != server_writer_.begin() && !(--run)->second.empty())
        v["source"] = "fleet", v["actor"] = run->second;  // a change made through the fleet API, by whom
  }
  return values;
}

json::array SyncEngine::conflicts(const std::string& status) {
  std::lock_guard lock(mu_);
  (void)follow();
  json::array out;
  if (status != "resolved")
    for (const auto& [key, reg] : log_.state().entries()) {
      if (reg.size() < 2) continue;
      out.push_back(json::object{{"id", hex(key)}, {"key", key}, {"status", "open"},
                                 {"strategy", config_.strategies.rule_for(key).text()}, {"values", values_json(reg)}});
    }
  if (status != "open")
    for (auto it = settled_.rbegin(); it != settled_.rend(); ++it) out.push_back(it->to_json());
  return out;
}

Result<json::object> SyncEngine::resolve(const std::string& key, const Value& value, const Principal& who,
                                         const Services* services) {
  std::lock_guard lock(mu_);
  if (auto st = follow(); !st) return st.error();
  const auto* reg = log_.state().get(key);
  if (!reg || reg->size() < 2) return Error{ErrorCode::not_found, "no open conflict on '" + key + "'"};
  // A fleet field's resolution is a fleet command by the person first: a refused one resolves nothing.
  if (config_.bridge) {
    FleetBridge bridge(services, who);
    if (auto st = bridge.apply(split_key(key), value, log_.state()); !st) return st.error();
  }
  json::array replaced = values_json(*reg);
  json::array settled{json::object{{"key", key}, {"strategy", "manual"}, {"outcome", "replaced"},
                                   {"value", sync::to_json(value)}, {"values", replaced}}};
  if (auto st = write_server({{key, value}}, std::move(settled), who.subject, {}, false); !st) return st.error();
  return json::object{{"key", key}, {"replaced", std::move(replaced)}, {"value", sync::to_json(value)}};
}

}  // namespace roundhouse::sync
