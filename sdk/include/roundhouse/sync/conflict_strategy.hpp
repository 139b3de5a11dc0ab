#pragma once
// Conflict strategies: how the server settles a field that holds concurrent values after a device's
// push, chosen per aggregate type and field (plugins/sync/README.md lists the defaults), and the
// custom merge functions other plugins register for the "custom:<name>" strategy.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "roundhouse/core/status.hpp"
#include "roundhouse/sync/value.hpp"

namespace roundhouse::sync {

enum class Strategy {
  manual,       // keep every concurrent value and list the conflict for a person (GET /sync/conflicts)
  server_wins,  // the value the server held before the push stays; the device's value is dropped
  client_wins,  // the pushing device's value replaces what the server held
  timestamp,    // the greatest hybrid logical clock time wins (last writer wins)
  version,      // the first accepted value stays; a write made without seeing it is stale and refused
  additive,     // every write is an increment applied once (labour hours, parts consumed); never a conflict
  custom,       // a merge function registered by a plugin (Registry::sync_merges) decides
};

// "manual", "server_wins", ... (the custom strategy is configured as "custom:<name>").
inline const char* strategy_name(Strategy s) noexcept {
  switch (s) {
    case Strategy::manual: return "manual";
    case Strategy::server_wins: return "server_wins";
    case Strategy::client_wins: return "client_wins";
    case Strategy::timestamp: return "timestamp";
    case Strategy::version: return "version";
    case Strategy::additive: return "additive";
    case Strategy::custom: return "custom";
  }
  return "manual";
}

inline std::optional<Strategy> parse_strategy(std::string_view name) noexcept {
  for (auto s : {Strategy::manual, Strategy::server_wins, Strategy::client_wins, Strategy::timestamp,
                 Strategy::version, Strategy::additive, Strategy::custom})
    if (name == strategy_name(s)) return s;
  return std::nullopt;
}

// One of the concurrent values of a field, with its provenance.
struct ConflictCandidate {
  Value value;
  HlcTimestamp ts;         // when it was written (hybrid logical clock of its writer)
  Dot dot;                 // the operation that wrote it (replica, sequence number)
  std::string device;      // registered device id, or "server"
  bool incoming = false;   // written by the push being settled (false: held by the server before it)
};

// What a custom merge decides: the value the field keeps, or a refusal of the incoming values
// (reported to the device as a permanent refusal with `reason`, the server's values stay).
struct MergeDecision {
  std::optional<Value> value;  // set: the merged value; unset: refuse the incoming values
  std::string reason;          // why, when refusing (shown to the device and in the conflict log)
};

// A custom merge registered by a plugin under a name in Registry::sync_merges and selected with
// "custom:<name>" in the sync configuration. Contract: called by the sync engine with its lock held,
// so it must be fast, must not call back into the sync API, and must be deterministic in its inputs
// (same candidates in any order -> same decision). `key` is "<aggregate type>/<id>/<field>". An error
// result is treated as manual (the conflict stays listed). Thread-safe for concurrent calls.
using CustomMerge =
    std::function<Result<MergeDecision>(const std::string& key, const std::vector<ConflictCandidate>& candidates)>;

}  // namespace roundhouse::sync
