#pragma once
// `roundhouse ml <subcommand>`: the ml plugin's command line. Each subcommand lives in its own
// file and is listed in ml_subcommands() (ml_command.cpp); adding one is one line there.

#include <functional>
#include <string>
#include <vector>

#include "roundhouse/cli/command.hpp"

namespace roundhouse::ml::cli {

struct MlSubcommand {
  std::string name;     // "import-cmapss"
  std::string summary;  // one line for `roundhouse ml --help`
  std::function<int(CliContext&)> run;  // args without the subcommand name; exit 0 / 1 / 2
};

std::vector<MlSubcommand> ml_subcommands();
CliCommand ml_command();

// The subcommands defined so far.
MlSubcommand import_cmapss_subcommand();
MlSubcommand evaluate_cmapss_subcommand();
MlSubcommand features_subcommand();
std::vector<MlSubcommand> model_subcommands();  // train, models, versions, promote, rollback, predict
MlSubcommand rescore_subcommand();

}  // namespace roundhouse::ml::cli
