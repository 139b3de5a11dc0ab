#pragma once
// The server -> device direction: what a fleet domain event changed, as sync field writes.
//
// Each event of a mirrored aggregate type (vehicle, work_order by default) is folded with the fleet
// plugin's own AggregateType (Registry::aggregates, upcasters applied) and the scalar fields that
// differ between the state before and after it become "<type>/<id>/<field>" values (a field that
// disappeared becomes null). Arrays and objects (a work order's parts list) are not mirrored: the
// device-side keys for those are the additive "parts.<part number>+..." operations.
//
// Deterministic for a given log: the state before an event is rebuilt from its stream when it is
// not cached, so a restarted host resumes at any event. Not thread-safe (the engine serializes it).

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "roundhouse/domain/aggregate.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/sync/value.hpp"

namespace roundhouse {
class Registry;
}

namespace roundhouse::sync {

class FleetMirror {
 public:
  // `registry` must outlive the mirror (it lives for the process). `types` are the sync keys'
  // aggregate types (vehicle, work_order, part, failure).
  FleetMirror(std::shared_ptr<EventStore> store, const Registry* registry, const std::set<std::string>& types);

  // The fleet stream type a sync key's aggregate type is stored under ("work_order" -> "workorder").
  static std::string stream_type(const std::string& sync_type);
  // The stream types mirrored: those with a registered aggregate (the others cannot be folded).
  std::vector<std::string> stream_types() const;
  // The sync keys and values `e` changed, in key order; empty for events of other types.
  Result<std::map<std::string, Value>> changes(const RecordedEvent& e);

 private:
  Result<AggregateState*> state_before(const RecordedEvent& e);

  std::shared_ptr<EventStore> store_;
  const Registry* registry_;
  std::map<std::string, std::string> types_;  // stream type -> sync key type
  struct Folded {
    std::unique_ptr<AggregateState> state;
    Version version = 0;
  };
  std::map<StreamId, Folded> cache_;
};

}  // namespace roundhouse::sync
