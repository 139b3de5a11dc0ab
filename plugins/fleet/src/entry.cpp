// The fleet plugin's single entry point.
#include "fleet_plugin.hpp"
#include "roundhouse/plugin/plugin.hpp"

namespace {
roundhouse::Status start(roundhouse::PluginContext& ctx) {
  auto options = roundhouse::fleet::fleet_options_from(ctx.config());
  if (!options) return options.error();
  return roundhouse::plugins::register_fleet(ctx.registry(), ctx.plugin_name(), *options);
}
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "fleet",
                   .version = "0.1.0",
                   .kind = RH_PLUGIN_DOMAIN,
                   .description = "Fleet maintenance domain: vehicles, failures, work orders, parts",
                   .start = &start})
