// scripting: embeds Python and serves reports, KPIs and models from the folder in its configuration,
// {"plugins": {"scripting": {"scripts_dir": "reports/"}}}. Without scripts_dir its routes list nothing.

#include <dlfcn.h>

#include "model_routes.hpp"
#include "report_routes.hpp"
#include "roundhouse/plugin/plugin.hpp"
#include "script_host.hpp"

namespace {

std::filesystem::path this_plugin() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&this_plugin), &info) == 0 || !info.dli_fname) return {};
  return info.dli_fname;
}

roundhouse::Status start(roundhouse::PluginContext& ctx) {
  const auto config = ctx.config();
  const auto* dir = config.if_contains("scripts_dir");
  std::shared_ptr<roundhouse::scripting::ScriptHost> host;  // stays null: routes that list nothing
  if (dir) {
    if (!dir->is_string()) return {roundhouse::ErrorCode::invalid_argument, "scripts_dir must be a string"};
    // Inside a Python process (the roundhouse package loads every plugin) start() gives null too.
    auto started = roundhouse::scripting::ScriptHost::start(std::string(dir->get_string()), this_plugin(),
                                                            ctx.registry(), ctx.plugin_name());
    if (!started) return started.status();
    host = *started;
  }
  if (auto st = roundhouse::scripting::register_report_routes(ctx.registry(), ctx.plugin_name(), host); !st) return st;
  return roundhouse::scripting::register_model_routes(ctx.registry(), ctx.plugin_name(), host);
}

}  // namespace

ROUNDHOUSE_PLUGIN({.name = "scripting", .version = "0.1.0", .kind = RH_PLUGIN_OTHER,
                   .description = "Reports, KPIs and models written in Python, served by the host", .start = &start})
