#pragma once
// Which conflict strategy applies to which field: built-in defaults for the fleet's aggregates,
// overridden by the "conflicts" object of the plugin's configuration (or a JSON file it names).
//
//   {"default": "manual",
//    "work_order": {"status": "version", "notes": "timestamp", "labour": "additive", "*": "manual"},
//    "vehicle": {"status": "custom:my-merge"}}
//
// A field is looked up by its base name: "parts.P-100+2.7" -> "parts" (see split_key). Value type;
// immutable after construction, so safe to share between threads.

#include <map>
#include <string>

#include <string_view>

#include <boost/json/object.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/sync/conflict_strategy.hpp"

namespace roundhouse::sync {

struct StrategyRule {
  Strategy strategy = Strategy::manual;
  std::string custom;  // the merge's name when strategy == custom
  std::string text() const { return strategy == Strategy::custom ? "custom:" + custom : strategy_name(strategy); }
};

// "<aggregate type>/<id>/<field>" split; field_base is the field up to its first '.' or '+'. All
// empty when the key has fewer than three parts.
struct KeyView {
  std::string_view type, id, field, field_base;
};
KeyView split_key_view(std::string_view key);
// The same parts as strings.
struct KeyParts {
  std::string type, id, field, field_base;
};
KeyParts split_key(const std::string& key);

class StrategyTable {
 public:
  // The built-in defaults (plugins/sync/README.md, "Conflict strategies").
  StrategyTable();
  // Defaults overridden by `config` (the shape above); invalid_argument names the bad entry.
  static Result<StrategyTable> from_json(const boost::json::object& config);

  StrategyRule rule_for(const std::string& key) const;
  boost::json::object to_json() const;

 private:
  Status merge(const boost::json::object& config);
  StrategyRule default_;
  std::map<std::string, std::map<std::string, StrategyRule, std::less<>>, std::less<>> by_type_;  // type -> field base ("*") -> rule
};

}  // namespace roundhouse::sync
