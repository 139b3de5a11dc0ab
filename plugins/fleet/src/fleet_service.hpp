#pragma once
// FleetService: executes fleet commands against one EventStore — load (snapshot + tail), decide,
// validate every event against its schema, append with the loaded version as expected version,
// retry on a concurrent change, snapshot every N versions. Thread-safe.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "roundhouse/domain/repository.hpp"
#include "roundhouse/http/route.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::fleet {

struct CommandResult {
  std::string aggregate;
  std::string id;
  Version version = 0;
  std::vector<Position> positions;
  std::vector<std::string> event_types;
  boost::json::object state;
  std::vector<std::string> warnings;  // best-effort follow-ups that failed
  boost::json::object to_json() const;
};

// The plugin's settings: `"plugins": {"fleet": {"snapshot_every": 100, "max_retries": 5}}` in the
// host configuration.
struct FleetOptions {
  std::size_t snapshot_every = 100;  // snapshot an aggregate every N versions; 0: never
  int max_retries = 5;               // re-decide this often when another writer moved the aggregate
};

// Reads FleetOptions from the plugin's configuration section; invalid_argument names a bad key.
Result<FleetOptions> fleet_options_from(const boost::json::object& config);

class FleetService {
 public:
  FleetService(std::shared_ptr<EventStore> store, const Registry& registry, FleetOptions options = {});

  // `id` is the target aggregate id; empty for creations that take it from the body or generate
  // it. `body` may carry "occurred_at" (RFC 3339, back-dating) and "expected_version" (pins the
  // optimistic check; no automatic retry then).
  Result<CommandResult> execute(const std::string& command, std::string id, boost::json::object body,
                                const Principal& who);

  Result<LoadedAggregate> load(const std::string& aggregate, const std::string& id,
                               const std::optional<std::string>& tenant) const;
  const AggregateRepository* repository(const std::string& aggregate) const;
  const std::shared_ptr<EventStore>& store() const { return store_; }

 private:
  std::shared_ptr<EventStore> store_;
  const Registry& registry_;
  FleetOptions options_;
  std::map<std::string, std::unique_ptr<AggregateRepository>> repos_;
  std::map<std::string, JsonSchema> input_schemas_;  // by command name, built once
};

}  // namespace roundhouse::fleet
