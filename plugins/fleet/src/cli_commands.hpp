#pragma once
// The fleet plugin's CLI subcommands: `roundhouse fleet` (fleet_command.cpp), `roundhouse demo`
// (demo/demo_command.cpp) and `roundhouse import` (import/import_command.cpp), registered in
// Registry::cli_commands.

#include <iosfwd>
#include <string>

#include <boost/json/value.hpp>

#include "fleet_service.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::fleet {

Status register_cli_commands(Registry& registry, const std::string& provider, const FleetOptions& options);

// Writes JSON indented two spaces per level, one member per line (objects and arrays nest; empty
// ones stay on one line). The summaries of `demo` and `import` are printed this way.
void write_pretty_json(std::ostream& out, const boost::json::value& value);

}  // namespace roundhouse::fleet
