#pragma once
// `roundhouse fleet ...`: the fleet's HTTP commands and aggregate reads from the command line, run
// through the same FleetService (schema check, domain rules, optimistic append) as the routes.

#include "fleet_service.hpp"
#include "roundhouse/cli/command.hpp"

namespace roundhouse::fleet {

CliCommand fleet_command(const FleetOptions& options);

}  // namespace roundhouse::fleet
