#pragma once
// The sync plugin's settings: the "sync" section of the host configuration.
//
//   {"plugins": {"sync": {
//      "conflicts": {...strategy table, see strategy_table.hpp...},
//      "conflicts_file": "/etc/roundhouse/sync-conflicts.json",   // same shape, applied after "conflicts"
//      "bridge": true,              // device ops on fleet fields become fleet commands
//      "scope": "depot",            // "depot": a device with a depot pulls and writes only that depot's
//                                   //  vehicles and work orders; "all": no partial replication
//      "roles": {"technician": ["work_order/status", ...], "supervisor": ["*"]}}}}
//
// Value type; immutable once loaded.

#include <map>
#include <set>
#include <string>

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

  SyncConfig();  // the defaults
  static Result<SyncConfig> from_json(const boost::json::object& section);
  // ok when a device of `role` may do `permission` (FleetBridge::permission_for).
  bool permits(const std::string& role, const std::string& permission) const;
  boost::json::object to_json() const;
};

}  // namespace roundhouse::sync
