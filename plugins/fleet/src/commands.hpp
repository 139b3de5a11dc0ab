#pragma once
// The fleet's commands: each checks the invariants of its aggregate (and of the aggregates it
// depends on) and decides which events to append. Decisions are pure: they read state through
// CommandContext and return events; FleetService does the appending.

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "aggregates.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse::fleet {

struct CommandInput {
  std::string id;             // the target aggregate's id
  boost::json::object body;   // the command's fields (already stripped of occurred_at etc.)
};

// An event to append: stream type + id, event type, payload.
struct PlannedEvent {
  std::string aggregate;
  std::string id;
  std::string type;
  boost::json::object payload;
};

struct Decision {
  std::vector<PlannedEvent> before;  // appended first, to other aggregates (e.g. stock issue)
  std::vector<PlannedEvent> events;  // appended to the target aggregate, atomically
  std::vector<PlannedEvent> compensate;  // appended if `events` cannot be stored after `before` was
  std::vector<PlannedEvent> after;   // best-effort follow-ups to other aggregates (links)
};

// Read access to other aggregates while deciding.
class CommandContext {
 public:
  virtual ~CommandContext() = default;
  // Current state of another aggregate, or nullopt when it does not exist (for this tenant).
  virtual Result<std::optional<boost::json::object>> load(const std::string& aggregate, const std::string& id) = 0;
};

struct CommandSpec {
  std::string name;         // "register-vehicle", "change-status", ...
  const char* aggregate;    // target stream type
  bool creates = false;     // true: the target must not exist yet
  const char* id_prefix = nullptr;  // creates: id generated as <prefix><random> when the body has none
  const char* id_field = nullptr;   // creates: body field that names the id ("number", "part_number")
  std::function<Result<Decision>(const boost::json::object& state, const CommandInput& in, CommandContext& ctx)> decide;
  const char* event_type = nullptr; // the main event; its schema (minus `derived`) validates the body
  std::vector<std::string> derived; // payload fields the command computes; not accepted as input
};

const std::vector<CommandSpec>& command_table();
const CommandSpec* find_command(const std::string& name);

}  // namespace roundhouse::fleet
