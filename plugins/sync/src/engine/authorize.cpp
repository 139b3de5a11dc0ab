// SyncEngine::authorize: may this push change this key? The effective permissions are those of the
// device's registered role AND of the caller (SyncConfig::caller_permits): a technician's key cannot
// use a supervisor's tablet to retire a vehicle, and a supervisor using a technician's tablet gets
// no more than that tablet was registered for. With depot scope, only the device's depot.
#include "fleet_bridge.hpp"
#include "sync_engine.hpp"

namespace roundhouse::sync {

Status SyncEngine::authorize(const DeviceInfo& dev, const Principal& who, const std::string& key, const Value& v,
                             FleetBridge& bridge) const {
  // Roles and depots guard the fleet's aggregates; other types are the devices' own data
  // (checklists, ...), which belong to no depot.
  if (!FleetBridge::is_fleet_key(key)) return {};
  const KeyParts k = split_key(key);
  const std::string permission = FleetBridge::permission_for(k, v);
  if (!config_.permits(dev.role, permission))
    return {ErrorCode::forbidden, "a " + dev.role + " device may not change " + permission};
  if (!config_.caller_permits(who.roles, permission))
    return {ErrorCode::forbidden, "'" + who.subject + "' (" + config_.caller_role_text(who.roles) +
                                      ") may not change " + permission + ", whatever the device's role"};
  if (config_.depot_scope && !dev.depot.empty()) {
    const std::string depot = bridge.depot_of(k);
    if (!depot.empty() && depot != dev.depot)
      return {ErrorCode::forbidden, k.type + " '" + k.id + "' belongs to depot " + depot + ", device '" + dev.id +
                                        "' to " + dev.depot};
  }
  return {};
}

}  // namespace roundhouse::sync
