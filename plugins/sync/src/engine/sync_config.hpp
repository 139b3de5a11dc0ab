#pragma once
// The sync plugin's settings: the "sync" section of the host configuration.
//
//   {"plugins": {"sync": {
//      "conflicts": {...strategy table, see strategy_table.hpp...},
//      "conflicts_file": "/etc/roundhouse/sync-conflicts.json",   // same shape, applied after "conflicts"
//      "bridge": true,              // device ops on fleet fields become fleet commands
//      "scope": "depot",            // "depot": a device with a depot pulls and writes only that depot's
//                                   //  vehicles and work orders; "all": no partial replication
//      "roles": {"technician": ["work_order/status", ...], "supervisor": ["*"]},
//      "caller_role": "technician",  // what a caller whose credentials name no sync role may do
//      "mirror": ["vehicle", "work_order"]}}}   // fleet aggregates whose changes devices pull
//                                               //  (false or []: devices get only synced writes)
//
// Value type; immutable once loaded.

#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "roundhouse/core/status.hpp"
#include "strategy_table.hpp"

namespace roundhouse::sync {

struct SyncConfig {
  StrategyTable strategies;
  bool bridge = true;
  bool depot_scope = true;
  // role -> permissions "<type>/<field base>", "<type>/*", "*", or "vehicle/retire".
  std::map<std::string, std::set<std::string>> roles;
  // The sync role assumed for a caller (API key / JWT) whose roles name none of `roles`; "" puts no
  // limit on such callers (only the device's role counts). An admin caller is never limited.
  std::string caller_role = "technician";
  // Stream types whose fleet changes become server writes of the sync state (fleet_mirror.hpp).
  std::set<std::string> mirror{"vehicle", "work_order"};

  SyncConfig();  // the defaults
  static Result<SyncConfig> from_json(const boost::json::object& section);
  // ok when a device of `role` may do `permission` (FleetBridge::permission_for).
  bool permits(const std::string& role, const std::string& permission) const;
  // ok when the caller, with these host roles, may do `permission`: an admin may; else the union of
  // the sync roles its roles name (e.g. an API key with roles ["writer", "supervisor"]), or
  // caller_role when they name none.
  bool caller_permits(const std::vector<std::string>& host_roles, const std::string& permission) const;
  std::string caller_role_text(const std::vector<std::string>& host_roles) const;  // for messages
  boost::json::object to_json() const;
};

}  // namespace roundhouse::sync
