// The analytics plugin's single entry point.
#include "analytics_plugin.hpp"
#include "roundhouse/plugin/plugin.hpp"

namespace {
roundhouse::Status start(roundhouse::PluginContext& ctx) {
  auto settings = roundhouse::plugins::analytics_settings_from(ctx.config());
  if (!settings) return settings.error();
  return roundhouse::plugins::register_analytics(ctx.registry(), ctx.plugin_name(), *settings);
}
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "analytics",
                   .version = "0.1.0",
                   .kind = RH_PLUGIN_OTHER,
                   .description = "KPI engine and dashboards: availability, MTBF/MDBF/MTTR, compliance, backlog, inventory",
                   .start = &start})
