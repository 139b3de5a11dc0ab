#pragma once
// Turns a device's synced field value into the fleet command it stands for, run through the fleet
// plugin's own registered routes (as the Python bindings do), so the command gets the fleet's JSON
// Schema checks, invariants and audit metadata (actor = the pushing technician, metadata.device =
// the device). Fields without a command (work-order notes, anything of other aggregate types) are
// sync-only: applying them is a no-op.
//
//   vehicle/<id>/status        "retired" -> retire-vehicle, else change-vehicle-status
//   vehicle/<id>/depot         transfer-vehicle
//   vehicle/<id>/odometer_km   record-meters
//   work_order/<id>/status     in_progress -> start; completed -> (start if not started) + complete with
//                              the synced notes; cancelled -> cancel (reason: the synced notes)
//   work_order/<id>/technician assign-work-order (a supervisor's field by default)
//   work_order/<id>/labour+... book-labour {hours = value, technician = the pushing principal}
//   work_order/<id>/parts.<part number>+...  consume-parts {quantity = value}
//   part/<id>/count            count-stock {counted_quantity = value}
//
// One bridge per push (caches aggregate reads); not thread-safe. Without the fleet plugin loaded
// every field is sync-only and depots are unknown.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "roundhouse/http/route.hpp"
#include "roundhouse/sync/value.hpp"
#include "strategy_table.hpp"

namespace roundhouse::sync {

class FleetBridge {
 public:
  // services may be null (no bridge: everything sync-only).
  FleetBridge(const Services* services, Principal who) : services_(services), who_(std::move(who)) {}

  // Whether a key's aggregate can belong to a depot (a vehicle or a work order); depot_of() of any
  // other key is "".
  static bool has_depot(std::string_view key) {
    const std::string_view type = key.substr(0, key.find('/'));
    return type == "vehicle" || type == "work_order";
  }
  // The depot the key's aggregate belongs to (a work order: its vehicle's), "" when unknown. With
  // `mirrored` (the sync state, when the fleet mirror keeps vehicle depots and work-order vehicles
  // in it), a single mirrored value answers without reading the fleet.
  std::string depot_of(const KeyParts& k, const ChangeSet* mirrored = nullptr);
  // The permission an op needs ("work_order/status", "vehicle/retire", ...).
  static std::string permission_for(const KeyParts& k, const Value& v);
  // vehicle, work_order, part, failure: the types whose keys roles and depots restrict, and the
  // only ones with commands (an operation on another type is never refused).
  static bool is_fleet_type(std::string_view type) {
    return type == "vehicle" || type == "work_order" || type == "part" || type == "failure";
  }
  // The same for a whole "<type>/<id>/<field>" key (no copies).
  static bool is_fleet_key(std::string_view key) { return is_fleet_type(key.substr(0, key.find('/'))); }
  // Runs the command(s) for the value; `state` is the merged sync state (notes for completion).
  Status apply(const KeyParts& k, const Value& v, const ChangeSet& state);

 private:
  Result<std::optional<boost::json::object>> read(const std::string& pattern, const std::string& id);
  Status post(const std::string& pattern, const std::string& id, boost::json::object body);
  bool has_fleet() const;

  const Services* services_;
  Principal who_;
  std::map<std::string, std::optional<boost::json::object>> cache_;  // by "pattern|id"
};

}  // namespace roundhouse::sync
