#include "sync_config.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "fleet_bridge.hpp"

namespace roundhouse::sync {
namespace json = boost::json;

SyncConfig::SyncConfig() {
  roles["technician"] = {"work_order/status", "work_order/notes", "work_order/labour", "work_order/parts",
                         "vehicle/status", "vehicle/odometer_km", "vehicle/notes"};
  roles["supervisor"] = {"*"};
}

Result<SyncConfig> SyncConfig::from_json(const json::object& section) {
  SyncConfig c;
  json::object conflicts;
  for (const auto& [key, v] : section) {
    if (key == "conflicts" && v.is_object()) {
      for (const auto& [k, x] : v.get_object()) conflicts[k] = x;
    } else if (key == "conflicts_file" && v.is_string()) {
      std::ifstream in(std::string(v.get_string()));
      if (!in) return Error{ErrorCode::invalid_argument, "sync: cannot read conflicts_file " + std::string(v.get_string())};
      std::string text((std::istreambuf_iterator<char>(in)), {});
      boost::system::error_code ec;
      auto parsed = json::parse(text, ec);
      if (ec || !parsed.is_object())
        return Error{ErrorCode::invalid_argument, "sync: conflicts_file " + std::string(v.get_string()) + " is not a JSON object"};
      for (const auto& [k, x] : parsed.get_object()) conflicts[k] = x;
    } else if (key == "bridge" && v.is_bool()) {
      c.bridge = v.get_bool();
    } else if (key == "scope" && v.is_string() && (v.get_string() == "depot" || v.get_string() == "all")) {
      c.depot_scope = v.get_string() == "depot";
    } else if (key == "mirror" && (v.is_array() || (v.is_bool() && !v.get_bool()))) {
      c.mirror.clear();
      if (v.is_array())
        for (const auto& t : v.get_array()) {
          if (!t.is_string() || !FleetBridge::is_fleet_type(std::string(t.get_string())))
            return Error{ErrorCode::invalid_argument, "sync: mirror holds " + json::serialize(t) +
                                                          " (known: vehicle, work_order, part, failure)"};
          c.mirror.insert(std::string(t.get_string()));
        }
    } else if (key == "caller_role" && v.is_string()) {
      c.caller_role = std::string(v.get_string());
    } else if (key == "roles" && v.is_object()) {
      for (const auto& [role, perms] : v.get_object()) {
        if (!perms.is_array()) return Error{ErrorCode::invalid_argument, "sync: roles." + std::string(role) + " must be an array of permissions"};
        auto& set = c.roles[std::string(role)];
        set.clear();
        for (const auto& p : perms.get_array()) {
          if (!p.is_string()) return Error{ErrorCode::invalid_argument, "sync: roles." + std::string(role) + " holds a non-string"};
          set.insert(std::string(p.get_string()));
        }
      }
    } else {
      return Error{ErrorCode::invalid_argument, "sync: bad setting '" + std::string(key) + "': " + json::serialize(v) +
                                                    " (known: conflicts, conflicts_file, bridge, scope, roles, caller_role, mirror)"};
    }
  }
  if (!c.caller_role.empty() && !c.roles.count(c.caller_role))
    return Error{ErrorCode::invalid_argument, "sync: caller_role '" + c.caller_role + "' is not one of roles"};
  auto table = StrategyTable::from_json(conflicts);
  if (!table) return table.error();
  c.strategies = std::move(*table);
  return c;
}

bool SyncConfig::permits(const std::string& role, const std::string& permission) const {
  auto it = roles.find(role);
  if (it == roles.end()) return false;
  const auto& p = it->second;
  return p.count("*") || p.count(permission) || p.count(permission.substr(0, permission.find('/')) + "/*");
}

namespace {
// The sync roles named among a caller's host roles.
std::vector<std::string> named_roles(const SyncConfig& c, const std::vector<std::string>& host_roles) {
  std::vector<std::string> out;
  for (const auto& r : host_roles)
    if (c.roles.count(r)) out.push_back(r);
  return out;
}
bool is_admin(const std::vector<std::string>& host_roles) {
  return std::find(host_roles.begin(), host_roles.end(), "admin") != host_roles.end();
}
}  // namespace

bool SyncConfig::caller_permits(const std::vector<std::string>& host_roles, const std::string& permission) const {
  if (is_admin(host_roles)) return true;
  auto named = named_roles(*this, host_roles);
  if (named.empty()) {
    if (caller_role.empty()) return true;
    named.push_back(caller_role);
  }
  return std::any_of(named.begin(), named.end(), [&](const std::string& r) { return permits(r, permission); });
}

std::string SyncConfig::caller_role_text(const std::vector<std::string>& host_roles) const {
  if (is_admin(host_roles)) return "admin";
  auto named = named_roles(*this, host_roles);
  if (named.empty()) return caller_role.empty() ? "any role" : caller_role + ", no sync role in its credentials";
  std::string out;
  for (const auto& r : named) out += (out.empty() ? "" : ", ") + r;
  return out;
}

json::object SyncConfig::to_json() const {
  json::object r;
  for (const auto& [role, perms] : roles) {
    json::array a;
    for (const auto& p : perms) a.push_back(json::string(p));
    r[role] = std::move(a);
  }
  json::object out = strategies.to_json();
  out["bridge"] = bridge;
  out["scope"] = depot_scope ? "depot" : "all";
  out["roles"] = std::move(r);
  out["caller_role"] = caller_role;
  json::array mirror;
  for (const auto& t : this->mirror) mirror.push_back(json::string(t));
  out["mirror"] = std::move(mirror);
  return out;
}

}  // namespace roundhouse::sync
