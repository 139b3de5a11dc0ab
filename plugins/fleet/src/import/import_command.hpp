#pragma once
// `roundhouse import`: argument parsing and output of the CSV import (see importer.hpp and
// import/README-import.md for the file formats).

#include "roundhouse/cli/command.hpp"

namespace roundhouse::fleet::import {

CliCommand import_command();

}  // namespace roundhouse::fleet::import
