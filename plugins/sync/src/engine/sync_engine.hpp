#pragma once
// The server's sync engine for one tenant: registered devices, the replicated field state (the
// protocol's ServerLog), sync sessions and conflicts. Every change is an event in the tenant's log
// first (streams sync-device/<id>, sync-log/changes, sync-session/<device>), then applied in memory,
// so a restarted host rebuilds the same engine with load().
//
// Thread-safe (one mutex; pushes are short). The store must outlive the engine.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "protocol/server_log.hpp"
#include "roundhouse/core/time.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/sync/hlc.hpp"

namespace roundhouse::sync {

struct DeviceInfo {
  std::string id;
  ReplicaId replica = 0;
  std::string name;
  std::string depot;
  std::string registered_by;
  Timestamp registered_at = 0;
  bool revoked = false;
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
  boost::json::object to_json() const;
};

struct PushOutcome {
  std::uint64_t acked = 0;
  bool applied = false;
  std::uint64_t ops_in = 0;
  std::vector<std::string> conflicts;  // keys of the batch that now hold concurrent values
};

struct PullOutcome {
  std::string changes;  // wire-format change set
  std::uint64_t from = 0;
  std::uint64_t cursor = 0;
  std::uint64_t ops_out = 0;
};

class SyncEngine {
 public:
  static constexpr ReplicaId kServerReplica = 1;  // conflict resolutions are the server's writes

  SyncEngine(std::shared_ptr<EventStore> store, std::string tenant);

  // Replays the tenant's sync streams. Call once before anything else.
  Status load();

  Result<DeviceInfo> register_device(const std::string& id, const std::string& name, const std::string& depot,
                                     const std::string& actor);
  Status revoke_device(const std::string& id, const std::string& actor);
  std::vector<DeviceInfo> devices() const;

  // A device's compacted queue in wire format. Malformed input, an unknown or revoked device, or
  // operations of another replica are refused and change nothing (the refusal is recorded as a
  // session). Acknowledges only after the batch is durable in the event log.
  Result<PushOutcome> push(const std::string& device, std::uint64_t first_op, std::string_view wire_bytes,
                           const std::string& actor);
  Result<PullOutcome> pull(const std::string& device, std::uint64_t cursor, const std::string& actor);

  std::vector<SessionInfo> sessions(std::size_t limit) const;
  // Fields that hold concurrent values from different writers, with provenance.
  boost::json::array conflicts() const;
  // Resolves the field `key` to `value` (a server write that replaces every value it sees).
  Result<boost::json::object> resolve(const std::string& key, const Value& value, const std::string& actor);

 private:
  Result<const DeviceInfo*> active_device(const std::string& id) const;
  Status append(StreamId stream, std::string type, boost::json::object payload, const std::string& actor,
                ExpectedVersion expected, const std::string& device = {});
  void record_session(SessionInfo s, const std::string& actor);
  Status apply_recorded(const RecordedEvent& e);
  boost::json::array values_json(const ChangeSet::Register& reg) const;

  std::shared_ptr<EventStore> store_;
  std::string tenant_;
  mutable std::mutex mu_;
  protocol::ServerLog log_;
  HybridClock clock_{kServerReplica};
  std::map<std::string, DeviceInfo> devices_;
  std::map<ReplicaId, std::string> device_of_;
  std::vector<SessionInfo> sessions_;
};

}  // namespace roundhouse::sync
