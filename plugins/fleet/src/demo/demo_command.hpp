#pragma once
// `roundhouse demo`: argument parsing and output of the demo fleet generator (see demo_runner.hpp).

#include "roundhouse/cli/command.hpp"

namespace roundhouse::fleet::demo {

CliCommand demo_command();

}  // namespace roundhouse::fleet::demo
