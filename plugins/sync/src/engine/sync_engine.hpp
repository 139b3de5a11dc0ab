#pragma once
// The server's sync engine for one tenant: registered devices, the replicated field state (the
// protocol's ServerLog), sync sessions and conflicts. Every change is an event in the tenant's log
// first (streams sync-device/<tenant>#<id>, sync-log/<tenant>#changes, sync-session/<tenant>#<device>),
// then applied in memory, so a restarted host rebuilds the same engine with load(). Several hosts may
// share one log (PostgreSQL): every public call first applies what other hosts appended since
// (follow()), writes to the tenant's sync log at the exact version this host has seen, and re-plans
// on a lost race (shared_log.cpp).
//
// Pushes settle concurrent values by the configured strategy (settle.hpp), authorize each new
// operation by the device's role and depot, and apply what they accept to the fleet domain through
// its commands (fleet_bridge.hpp); a refused operation is compensated by a server write restoring
// the field and reported back as a permanent refusal, so the operations behind it go through.
//
// Thread-safe (one mutex; pushes are short). The store must outlive the engine.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "protocol/server_log.hpp"
#include "roundhouse/http/route.hpp"
#include "roundhouse/core/time.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/sync/hlc.hpp"
#include "sync_config.hpp"

namespace roundhouse::sync {

struct DeviceInfo {
  std::string id;
  ReplicaId replica = 0;
  std::string name;
  std::string depot;
  std::string role = "technician";  // what its operations may change (SyncConfig::roles)
  std::string registered_by;
  Timestamp registered_at = 0;
  bool revoked = false;
  boost::json::object to_json() const;
};

// A device operation the server refused permanently (the device moves it to its dead-letter list).
struct Refusal {
  std::uint64_t op_seq = 0;
  std::string key;
  Value value;
  std::string code;  // "forbidden", "conflict", "rule_violation", "schema_violation", "not_found", ...
  int status = 409;  // the HTTP status the same refusal would have had as a direct request
  std::string reason;
  boost::json::object to_json() const;
  static Result<Refusal> from_json(const boost::json::value& v);
};

// A conflict the server settled (by strategy, or a person through resolve), with provenance.
struct SettledConflict {
  std::string key;
  std::string strategy;        // "timestamp", "custom:x", ... or "manual" for a person's resolution
  std::string outcome;         // "replaced" (one value kept), "refused" (the pushed value refused)
  boost::json::value value;    // the value kept
  boost::json::array values;   // the concurrent values: device, replica, op_seq, hlc, value
  std::string by;              // who settled: "server" or the person
  Timestamp at = 0;
  boost::json::object to_json() const;
};

struct SessionInfo {
  std::string device;
  std::string kind;  // "push" or "pull"
  Timestamp started = 0;
  std::uint64_t ops_in = 0;
  std::uint64_t ops_out = 0;
  std::uint64_t conflicts = 0;
  std::string outcome;  // "ok", "resend", "rejected: <reason>"
  std::vector<Refusal> refused;  // operations of this push refused permanently
  boost::json::object to_json() const;
};

struct PushOutcome {
  std::uint64_t acked = 0;
  bool applied = false;
  std::uint64_t ops_in = 0;
  std::vector<std::string> conflicts;  // keys of the batch that now hold concurrent values (manual)
  std::vector<Refusal> refused;        // the batch's operations refused permanently
  std::vector<std::string> settled;    // keys whose conflict a strategy settled
};

struct PullOutcome {
  std::string changes;  // wire-format change set
  std::uint64_t from = 0;
  std::uint64_t cursor = 0;
  std::uint64_t ops_out = 0;
};

class FleetBridge;
class FleetMirror;

class SyncEngine {
 public:
  static constexpr ReplicaId kServerReplica = 1;  // conflict resolutions are the server's writes

  SyncEngine(std::shared_ptr<EventStore> store, std::string tenant, SyncConfig config = {});
  ~SyncEngine();  // stops the fleet mirror

  // Replays the tenant's sync streams. Call once before anything else.
  Status load();
  // Whether the tenant has synced on this store (its replica allocations or its sync log exist).
  static Result<bool> has_synced(EventStore& store, const std::string& tenant);
  // What the tenant's sync stream ids start with: "<tenant>#", or "~<hash>#" for a tenant name that
  // cannot go into a stream id (a '/', a control character, more than 64 bytes).
  static std::string tenant_prefix(const std::string& tenant);
  // After load(): settles the conflicts a push stored but did not live to settle (the host stopped
  // between making the batch durable and the server write that settles it), by the same strategies,
  // as the pushing technician; recorded like a push's settlements. Conflicts under `manual` (and
  // custom merges that cannot decide) stay open for a person. Idempotent (recover.cpp).
  Status settle_unsettled(const Services* services);

  Result<DeviceInfo> register_device(const std::string& id, const std::string& name, const std::string& depot,
                                     const std::string& actor, const std::string& role = "technician");
  Status revoke_device(const std::string& id, const std::string& actor);
  std::vector<DeviceInfo> devices();

  // A device's compacted queue in wire format. Malformed input, an unknown or revoked device, or
  // operations of another replica are refused and change nothing (the refusal is recorded as a
  // session). Acknowledges only after the batch is durable in the event log. `services` (may be
  // null) reach the fleet plugin and the registered custom merges; `who` is the pushing technician.
  Result<PushOutcome> push(const std::string& device, std::uint64_t first_op, std::string_view wire_bytes,
                           const Principal& who, const Services* services = nullptr);
  // The changes after `cursor`; with depot scope, without the keys of other depots' aggregates.
  Result<PullOutcome> pull(const std::string& device, std::uint64_t cursor, const std::string& actor,
                           const Services* services = nullptr);

  std::vector<SessionInfo> sessions(std::size_t limit);
  // Fields that hold concurrent values from different writers, with provenance ("open"), the
  // conflicts settled so far ("resolved"), or both ("all").
  boost::json::array conflicts(const std::string& status = "open");
  // Resolves the field `key` to `value` (a server write that replaces every value it sees), applied
  // to the fleet first when it is a fleet field (a refused command resolves nothing).
  Result<boost::json::object> resolve(const std::string& key, const Value& value, const Principal& who,
                                      const Services* services = nullptr);
  const SyncConfig& config() const noexcept { return config_; }

  // Fleet -> devices (sync_mirror.cpp): subscribes to the tenant's fleet events (config().mirror
  // types) after the last one mirrored, and turns each change of a mirrored aggregate into server
  // writes of its fields (fleet_mirror.hpp), so pulls deliver vehicles and work orders created or
  // changed over HTTP. The checkpoint travels in the sync log's own events ("fleet_position"), so
  // every change is mirrored once across restarts. An event that came from a device's operation
  // (metadata.device) does not overwrite that device's own value. No-op without the fleet plugin.
  Status start_mirror(const Services& services);
  void stop_mirror();  // idempotent; returns once the mirror's handler is idle
  // Waits (bounded) until the mirror has seen the store's current head, then stores what it has
  // gathered: call before answering from the sync state (the routes do).
  Status catch_up();
  boost::json::object mirror_status() const;

 private:
  Result<const DeviceInfo*> active_device(const std::string& id) const;
  // Stream ids are global and owned by one tenant, so each tenant's sync streams carry its prefix
  // before the id (device ids cannot hold '#'): "sync-device/<tenant>#<device>", ...
  StreamId qualified(const char* type, const std::string& id) const { return {type, tenant_prefix_ + id}; }
  // The id inside a sync stream's id: a device id, or "changes" / "allocations".
  static std::string unqualified(const std::string& stream_id);
  // load(): the tenant's log and replica allocations stay on the unqualified stream ids when this
  // tenant owns those (a store written before SDK 0.4), each decided on its own.
  Status choose_stream_names();
  Status append(StreamId stream, std::string type, boost::json::object payload, const std::string& actor,
                ExpectedVersion expected, const std::string& device = {});
  // Other hosts (shared_log.cpp): applies the sync events appended since this engine last looked,
  // skipping its own (mu_ held). One head-position read when nothing is new.
  Status follow();
  // Notes positions this engine appended itself, so follow() does not apply them twice.
  void note_own_append(const AppendResult& r);
  Result<ReplicaId> allocate_replica(const std::string& device, const std::string& actor);
  void record_session(SessionInfo s, const std::string& actor);
  Status apply_recorded(const RecordedEvent& e);
  boost::json::array values_json(const ChangeSet::Register& reg) const;
  // Appends one server write per key (a value, or nullopt: the key's values removed) replacing the
  // values the server holds there, with the settlement records, and commits it.
  // A lost race with another host's write (sync-log version moved) catches up and writes again what
  // still applies (shared_log.cpp). `settles`: a push's settlements and compensations, left to the
  // other host when it changed the key (its push saw this batch and settles the key itself); false
  // (mirror, a person's resolution): written over the values seen here, newer ones stay beside it.
  Status write_server(const std::map<std::string, std::optional<Value>>& writes, boost::json::array settled,
                      const std::string& actor, boost::json::object extra = {}, bool settles = true);
  Status mirror_event(const RecordedEvent& e);  // the mirror subscription's handler
  Status flush_mirror();                        // stores the gathered mirror writes (mu_ held)
  // A gathered write that would change nothing or echo a device's own value back to it.
  bool mirror_skips(const std::string& key, const Value& value, const std::string& device) const;
  // Notes what a server write says about the mirror: its checkpoint and who made each fleet change.
  void note_server_write(const boost::json::object& payload, const ChangeSet& delta);
  // load(): a server write goes to note_server_write, a device batch marks its keys' last writer.
  void note_replayed_batch(const boost::json::object& payload, const ChangeSet& delta, const std::string& actor,
                           Position position);
  void note_replayed_session(const SessionInfo& s);
  // Recovery: refusals and compensations for the cut-off push's operations its device may not make.
  void reauthorize_cut_off_push(const Services* services, std::map<std::string, std::optional<Value>>& writes,
                                std::map<ReplicaId, std::vector<Refusal>>& refused);
  // Recovery: whether the fleet already ran a command of `device` on the key's aggregate after `after`.
  bool fleet_ran_after(const std::string& key, const std::string& device, Position after) const;
  // The device's role and the caller's permissions (authorize.cpp).
  Status authorize(const DeviceInfo& dev, const Principal& who, const std::string& key, const Value& v,
                   FleetBridge& bridge) const;

  std::shared_ptr<EventStore> store_;
  std::string tenant_;
  std::string tenant_prefix_;  // tenant_prefix(tenant_)
  std::string log_id_;         // the "sync-log" stream's id: "<prefix>changes", or "changes" (older store)
  std::string alloc_id_;       // the "sync-replica" stream's id: "<prefix>allocations", or "allocations"
  std::map<std::string, std::string> device_streams_;  // device id -> its sync-device stream id
  SyncConfig config_;
  mutable std::mutex mu_;
  protocol::ServerLog log_;
  HybridClock clock_{kServerReplica};
  std::map<std::string, DeviceInfo> devices_;
  // Following the shared log: every sync event up to applied_through_ is applied; own_ holds this
  // engine's appends beyond it (another host's events lie between). loading_: load() is replaying.
  Position applied_through_ = 0;
  std::set<Position> own_;
  bool loading_ = false;
  // Replica ids: allocations are serialized through one stream (sync-replica/allocations) at an exact
  // version, so two hosts never hand out the same id.
  Version allocations_ = 0;
  ReplicaId max_replica_ = kServerReplica;
  std::map<ReplicaId, std::string> device_of_;
  std::vector<SessionInfo> sessions_;
  std::vector<SettledConflict> settled_;
  std::map<ReplicaId, std::map<std::uint64_t, Refusal>> refusals_;  // by device, op number

  // The fleet mirror (sync_mirror.cpp). Its handler runs inside the store's read, so it takes only
  // mirror_mu_ (never mu_, which is held across appends); lock order: mu_, then mirror_mu_.
  struct MirrorWrite {
    Value value;
    std::string device;  // the event came from this device's operation ("" : from the fleet API)
    Position at = 0;     // the fleet event's position (another host may have mirrored it already)
  };
  struct MirrorBatch {
    std::map<std::string, MirrorWrite> writes;
    boost::json::object actors;  // key -> who made the fleet change
    Position through = 0;        // last fleet event gathered
    std::size_t events = 0;
  };
  std::mutex mirror_mu_;
  std::unique_ptr<FleetMirror> mirror_;  // guarded by mirror_mu_
  MirrorBatch mirror_batch_;             // guarded by mirror_mu_
  std::shared_ptr<Subscription> mirror_sub_;
  Position mirrored_through_ = 0;  // every fleet event up to here is in the sync log
  struct LastWriter {
    ReplicaId replica = 0;
    std::string actor;
    Position position = 0;  // of the batch's SyncChangesAccepted event
  };
  std::map<std::string, LastWriter> last_writer_;  // load() .. settle_unsettled(): key -> last device batch
  // The last device batch replayed and whether its push session followed (pushes hold mu_
  // throughout, so only this one can have been cut off by a stopped host).
  struct LastPush {
    ReplicaId replica = 0;
    std::string actor;
    std::uint64_t prev_acked = 0;  // its new operations are the device's dots above this
    bool finished = true;
    std::optional<std::vector<std::string>> caller_roles;  // recorded with the batch (not by older hosts)
  };
  LastPush last_push_;
  std::map<std::uint64_t, std::string> server_writer_;  // first server op counter of a run -> fleet actor ("" : not a fleet change)
};

}  // namespace roundhouse::sync
