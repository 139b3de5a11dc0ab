#pragma once
// Command-line front end: `roundhouse <command> [options]`. Every command takes --config, --store,
// --plugins, --log-level and --help. Exit codes: 0 success, 1 runtime failure, 2 usage error
// (one line on stderr naming the problem and pointing to --help).

#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "config.hpp"
#include "roundhouse/core/status.hpp"

namespace roundhouse {
class EventStore;
}

namespace roundhouse::host {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Thrown by option parsing for bad command lines; run_cli turns it into exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args);
};
const std::vector<Command>& commands();

int run_cli(int argc, char** argv);

// Parsing shared by the commands. Adds the common options to `specific`, parses `args`, fills
// `flags`, and validates them (listen address, log level). Returns nullopt after printing --help.
std::optional<boost::program_options::variables_map> parse_command(
    const std::string& command, const std::string& usage_line, const std::string& description,
    boost::program_options::options_description specific, const std::vector<std::string>& args, ConfigFlags& flags);

// Loads the configuration for a command and sets the log level. Non-serve commands log warnings
// and errors only unless --log-level or ROUNDHOUSE_LOG_LEVEL says otherwise. nullopt after printing
// the error (the caller exits 1).
std::optional<Config> load_command_config(const std::string& command, const ConfigFlags& flags, bool quiet_default);

// "roundhouse <command>: <message>" on stderr.
void print_error(const std::string& command, const std::string& message);

// For commands with actions (`roundhouse audit trail ...`): removes and returns the first argument
// when it is one of `actions`; nullopt when there is none or it is an option (--help). A word that
// is not an action is a UsageError listing them.
std::optional<std::string> take_action(std::vector<std::string>& args, std::initializer_list<const char*> actions);
// The next argument when it is a word rather than an option (an action's NAME), removed from args.
std::optional<std::string> take_word(std::vector<std::string>& args);

// The given options, when set, as parameters named like the HTTP query parameters ("--event-type"
// -> "event_type"), for decoding through query_params.hpp. Options must hold std::string or
// std::vector<std::string>.
std::multimap<std::string, std::string> options_as_params(const boost::program_options::variables_map& vm,
                                                          std::initializer_list<const char*> names);
// The values of a repeatable KEY=VALUE option (e.g. --where depot=North), in order; UsageError
// for a value without '=' or with an empty key.
std::vector<std::pair<std::string, std::string>> key_value_option(const boost::program_options::variables_map& vm,
                                                                  const char* name);
// UsageError naming the first option in `given` that `action` does not take.
void check_action_options(const boost::program_options::variables_map& vm, const std::string& action,
                          const std::vector<const char*>& given, std::initializer_list<const char*> allowed);

// The value of a decoded option, or a UsageError with its message (exit code 2).
template <class T>
T usage_value(Result<T> result) {
  if (!result) throw UsageError(result.error().message);
  return std::move(result).value();
}

class Runtime;
// Loads the plugins and opens the configured store for `command`; nullptr after printing the error.
std::shared_ptr<EventStore> open_command_store(const std::string& command, Runtime& rt, const Config& config);

int cmd_serve(const std::vector<std::string>& args);
int cmd_plugins(const std::vector<std::string>& args);
int cmd_routes(const std::vector<std::string>& args);
int cmd_append(const std::vector<std::string>& args);
int cmd_read(const std::vector<std::string>& args);
int cmd_verify(const std::vector<std::string>& args);
int cmd_projections(const std::vector<std::string>& args);
int cmd_time_travel(const std::vector<std::string>& args);
int cmd_audit(const std::vector<std::string>& args);

// A subcommand registered by a plugin (Registry::cli_commands); nullopt when no plugin has `name`.
std::optional<int> run_plugin_command(const std::string& name, const std::vector<std::string>& args);
// {name, summary} of every plugin subcommand in the default plugin folder (for `roundhouse --help`).
std::vector<std::pair<std::string, std::string>> plugin_command_summaries();

}  // namespace roundhouse::host
