#pragma once
// Subcommands contributed by plugins: `roundhouse <name> ...` runs a CliCommand registered in
// Registry::cli_commands (e.g. the fleet plugin's `demo` and `import`). The host parses the global
// flags (--store, --plugins, --config) and hands the rest over.

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "roundhouse/core/status.hpp"
#include "roundhouse/events/event_store.hpp"

namespace roundhouse {

class Registry;

struct CliContext {
  std::vector<std::string> args;  // arguments after the subcommand name, global flags removed
  std::function<Result<std::shared_ptr<EventStore>>()> open_store;  // the configured store
  const Registry* registry = nullptr;
  std::ostream* out = nullptr;    // results (JSON lines, tables)
  std::ostream* err = nullptr;    // messages and progress
  bool progress = false;          // true when err is a terminal: draw progress bars
  std::string actor = "cli";      // recorded as metadata.actor on written events
  std::string tenant;             // tenant the command acts for
};

struct CliCommand {
  std::string name;     // "demo"
  std::string summary;  // one line for `roundhouse --help`
  std::string usage;    // full help text for `roundhouse <name> --help`
  // Exit codes: 0 ok, 1 runtime failure, 2 usage error. Print a one-line message on failure.
  std::function<int(CliContext&)> run;
};

}  // namespace roundhouse
