#include "cli.hpp"

#include <cstdlib>
#include <algorithm>
#include <iostream>

#include "log.hpp"
#include "runtime.hpp"

namespace roundhouse::host {
namespace po = boost::program_options;

// Store administration (cmd_migrate.cpp, cmd_backup.cpp).
int cmd_migrate(const std::vector<std::string>& args);
int cmd_backup(const std::vector<std::string>& args);
int cmd_restore(const std::vector<std::string>& args);

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"serve", "serve the HTTP API (REST, health, metrics)", &cmd_serve},
      {"plugins", "list plugins: loaded, refused or failed, with the reason", &cmd_plugins},
      {"routes", "list the HTTP routes the server would serve", &cmd_routes},
      {"append", "append events from JSON lines on stdin", &cmd_append},
      {"read", "print events as JSON lines (one stream, or the whole log)", &cmd_read},
      {"verify", "verify the hash chain of the whole log", &cmd_verify},
      {"projections", "projection status, a read model's state, rebuild (list | state NAME | rebuild NAME)",
       &cmd_projections},
      {"time-travel", "an aggregate or the fleet as of a time (state-at | compare | history | fleet-at | types)",
       &cmd_time_travel},
      {"audit", "who recorded what, anomaly flags, window replay (trail | anomalies | replay)", &cmd_audit},
      {"migrate", "copy a store into another, e.g. SQLite to PostgreSQL (resumable, verified)", &cmd_migrate},
      {"backup", "write a consistent copy of the store into a file while hosts run", &cmd_backup},
      {"restore", "put a backup into a store and verify its hash chain", &cmd_restore},
  };
  return list;
}

void print_error(const std::string& command, const std::string& message) {
  std::cerr << "roundhouse" << (command.empty() ? "" : " " + command) << ": " << message << std::endl;
}

std::optional<std::string> take_action(std::vector<std::string>& args, std::initializer_list<const char*> actions) {
  if (args.empty() || args.front().starts_with("-")) return std::nullopt;
  for (const char* a : actions) {
    if (args.front() == a) {
      args.erase(args.begin());
      return std::string(a);
    }
  }
  std::string list;
  for (const char* a : actions) list += (list.empty() ? "" : ", ") + std::string(a);
  throw UsageError("unknown action '" + args.front() + "' (actions: " + list + ")");
}

std::optional<std::string> take_word(std::vector<std::string>& args) {
  if (args.empty() || args.front().starts_with("-")) return std::nullopt;
  std::string word = args.front();
  args.erase(args.begin());
  return word;
}

std::multimap<std::string, std::string> options_as_params(const po::variables_map& vm,
                                                          std::initializer_list<const char*> names) {
  std::multimap<std::string, std::string> out;
  for (const char* name : names) {
    if (!vm.count(name)) continue;
    std::string key = name;
    std::replace(key.begin(), key.end(), '-', '_');
    const auto& v = vm[name].value();
    if (const auto* one = boost::any_cast<std::string>(&v)) out.emplace(key, *one);
    else if (const auto* many = boost::any_cast<std::vector<std::string>>(&v))
      for (const auto& m : *many) out.emplace(key, m);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> key_value_option(const po::variables_map& vm, const char* name) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!vm.count(name)) return out;
  for (const auto& item : vm[name].as<std::vector<std::string>>()) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError(std::string("--") + name + " must be KEY=VALUE, got '" + item + "'");
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

void check_action_options(const po::variables_map& vm, const std::string& action,
                          const std::vector<const char*>& given, std::initializer_list<const char*> allowed) {
  for (const char* name : given)
    if (vm.count(name) && std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return std::string(a) == name; }))
      throw UsageError(std::string("--") + name + " does not apply to '" + action + "'");
}

std::shared_ptr<EventStore> open_command_store(const std::string& command, Runtime& rt, const Config& config) {
  if (auto st = rt.load_plugins(config); !st) {
    print_error(command, st.message());
    return nullptr;
  }
  auto store = rt.open_store(config);
  if (!store) {
    print_error(command, store.error().message);
    return nullptr;
  }
  return *store;
}

namespace {

void print_usage(std::ostream& out) {
  out << "usage: roundhouse <command> [options]\n\n"
         "Fleet maintenance event store and server.\n\ncommands:\n";
  const auto extra = plugin_command_summaries();
  std::size_t width = 10;  // the summaries start in one column, after the longest name
  for (const auto& c : commands()) width = std::max(width, std::string(c.name).size() + 2);
  for (const auto& e : extra) width = std::max(width, e.first.size() + 2);
  auto row = [&](std::string name, const std::string& summary) {
    name.resize(width, ' ');
    out << "  " << name << summary << "\n";
  };
  for (const auto& c : commands()) row(c.name, c.summary);
  if (!extra.empty()) {
    out << "\nplugin commands:\n";
    for (const auto& [name, summary] : extra) row(name, summary);
  }
  out << "\n`roundhouse <command> --help` describes a command's options.\n"
         "Common options: --config FILE, --store URI, --plugins DIR, --log-level LEVEL;\n"
         "plugin commands also take --tenant T (default \"default\") and --actor NAME (default \"cli\").\n";
}

}  // namespace

std::optional<po::variables_map> parse_command(const std::string& command, const std::string& usage_line,
                                               const std::string& description, po::options_description specific,
                                               const std::vector<std::string>& args, ConfigFlags& flags) {
  po::options_description common("Common options");
  common.add_options()
      ("help,h", "show this help and exit")
      ("config", po::value<std::string>()->value_name("FILE"),
       "JSON configuration file (schema: schemas/config.schema.json); env ROUNDHOUSE_CONFIG")
      ("store", po::value<std::string>()->value_name("URI"),
       "event store URI, e.g. sqlite:./data/roundhouse.db or memory:; env ROUNDHOUSE_STORE")
      ("plugins", po::value<std::string>()->value_name("DIR"),
       "plugin folder (default: lib/roundhouse/plugins beside the executable's bin/); env ROUNDHOUSE_PLUGIN_DIR")
      ("log-level", po::value<std::string>()->value_name("LEVEL"),
       "debug, info, warn or error; env ROUNDHOUSE_LOG_LEVEL");
  po::options_description all;
  all.add(specific).add(common);

  // Stray words are collected (not silently ignored) so the error can name them.
  po::options_description hidden;
  hidden.add_options()("rh-stray-words", po::value<std::vector<std::string>>());
  po::options_description parse_with;
  parse_with.add(all).add(hidden);
  po::positional_options_description positionals;
  positionals.add("rh-stray-words", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(parse_with).positional(positionals).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (vm.count("rh-stray-words"))
    throw UsageError("unexpected argument '" + vm["rh-stray-words"].as<std::vector<std::string>>().front() +
                     "' (this command takes options only)");
  if (vm.count("help")) {
    std::cout << "usage: " << usage_line << "\n\n" << description << "\n\n" << all << std::endl;
    return std::nullopt;
  }
  if (vm.count("config")) flags.config_file = vm["config"].as<std::string>();
  if (vm.count("store")) {
    flags.store = vm["store"].as<std::string>();
    if (flags.store->find(':') == std::string::npos)
      throw UsageError("--store '" + *flags.store + "' is not a store URI (e.g. sqlite:FILE or memory:)");
  }
  if (vm.count("plugins")) flags.plugin_dir = vm["plugins"].as<std::string>();
  if (vm.count("log-level")) {
    flags.log_level = vm["log-level"].as<std::string>();
    LogLevel level;
    if (!parse_log_level(*flags.log_level, level))
      throw UsageError("--log-level must be debug, info, warn or error, not '" + *flags.log_level + "'");
    if (*flags.log_level == "warning") flags.log_level = "warn";
  }
  if (vm.count("listen")) {
    flags.listen = vm["listen"].as<std::string>();
    if (auto l = parse_listen(*flags.listen); !l) throw UsageError("--listen " + l.error().message);
  }
  (void)command;
  return vm;
}

std::optional<Config> load_command_config(const std::string& command, const ConfigFlags& flags, bool quiet_default) {
  auto config = load_config(flags);
  if (!config) {
    print_error(command, config.error().message);
    return std::nullopt;
  }
  LogLevel level = config->log_level;
  const bool explicit_level = flags.log_level || std::getenv("ROUNDHOUSE_LOG_LEVEL");
  if (quiet_default && !explicit_level && level < LogLevel::warn) level = LogLevel::warn;
  Log::set_level(level);
  return std::move(config).value();
}

int run_cli(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage(std::cerr);
    return kExitUsage;
  }
  const std::string name = args.front();
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return kExitOk;
  }
  if (name == "--version" || name == "version") {
    std::cout << "roundhouse " << ROUNDHOUSE_HOST_VERSION << std::endl;
    return kExitOk;
  }
  args.erase(args.begin());
  try {
    for (const auto& c : commands())
      if (name == c.name) return c.run(args);
    if (!name.starts_with("-")) {
      if (auto code = run_plugin_command(name, args)) return *code;
    }
  } catch (const UsageError& e) {
    print_error(name, std::string(e.what()) + " (see roundhouse " + name + " --help)");
    return kExitUsage;
  } catch (const std::exception& e) {
    print_error(name, e.what());
    return kExitFailure;
  }
  print_error("", "unknown command '" + name + "' (see roundhouse --help)");
  return kExitUsage;
}

}  // namespace roundhouse::host
