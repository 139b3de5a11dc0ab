// `roundhouse <name> ...` for subcommands that plugins register in Registry::cli_commands (e.g. the
// fleet plugin's `demo` and `import`). The host takes the global flags (--config, --store,
// --plugins, --log-level, --tenant, --actor) out of the arguments, loads the plugins, and hands the
// rest — including --help — to the command.
#include <unistd.h>

#include <iostream>

#include "cli.hpp"
#include "log.hpp"
#include "roundhouse/cli/command.hpp"
#include "runtime.hpp"

namespace roundhouse::host {

namespace {

struct GlobalFlags {
  ConfigFlags config;
  std::string tenant = "default";
  std::string actor = "cli";
  std::vector<std::string> rest;
};

// Removes the host's flags ("--flag value" or "--flag=value") and keeps everything else in order.
GlobalFlags split_global_flags(const std::vector<std::string>& args) {
  GlobalFlags g;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> value;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    const bool global = arg == "--config" || arg == "--store" || arg == "--plugins" || arg == "--log-level" ||
                        arg == "--tenant" || arg == "--actor";
    if (!global) {
      g.rest.push_back(args[i]);
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) throw UsageError(arg + " needs a value");
      value = args[++i];
    }
    if (arg == "--config") g.config.config_file = *value;
    else if (arg == "--store") g.config.store = *value;
    else if (arg == "--plugins") g.config.plugin_dir = *value;
    else if (arg == "--tenant") g.tenant = *value;
    else if (arg == "--actor") g.actor = *value;
    else {
      LogLevel level;
      if (!parse_log_level(*value, level)) throw UsageError("--log-level must be debug, info, warn or error");
      g.config.log_level = *value == "warning" ? "warn" : *value;
    }
  }
  if (g.tenant.empty()) throw UsageError("--tenant must not be empty");
  return g;
}

}  // namespace

std::optional<int> run_plugin_command(const std::string& name, const std::vector<std::string>& args) {
  GlobalFlags flags = split_global_flags(args);
  auto config = load_command_config(name, flags.config, true);
  if (!config) return kExitFailure;
  Runtime rt;
  if (auto st = rt.load_plugins(*config); !st) {
    print_error(name, st.message());
    return kExitFailure;
  }
  auto command = rt.registry().cli_commands.find(name);
  if (!command) return std::nullopt;

  std::shared_ptr<EventStore> store;  // opened on first use, closed before the plugins stop
  CliContext ctx;
  ctx.args = std::move(flags.rest);
  ctx.open_store = [&]() -> Result<std::shared_ptr<EventStore>> {
    if (store) return store;
    auto opened = rt.open_store(*config);
    if (opened) store = *opened;
    return opened;
  };
  ctx.registry = &rt.registry();
  ctx.out = &std::cout;
  ctx.err = &std::cerr;
  ctx.progress = ::isatty(STDERR_FILENO) == 1;
  ctx.actor = flags.actor;
  ctx.tenant = flags.tenant;

  int code = kExitFailure;
  try {
    code = command->value.run(ctx);
  } catch (const std::exception& e) {  // a plugin bug must still end with a message and exit 1
    print_error(name, std::string("failed: ") + e.what());
  }
  std::cout.flush();
  if (store) store->close();
  store.reset();
  rt.shutdown();
  return code;
}

std::vector<std::pair<std::string, std::string>> plugin_command_summaries() {
  std::vector<std::pair<std::string, std::string>> out;
  const LogLevel before = Log::level();
  Log::set_level(LogLevel::error);  // listing commands must not print plugin warnings into --help
  if (auto config = load_config({}); config) {
    Runtime rt;
    if (rt.load_plugins(*config))
      for (const auto& c : rt.registry().cli_commands.list()) out.emplace_back(c.name, c.value.summary);
  }
  Log::set_level(before);
  return out;
}

}  // namespace roundhouse::host
