// The ml plugin's single entry point.
#include "ml_plugin.hpp"
#include "roundhouse/plugin/plugin.hpp"

namespace {
roundhouse::Status start(roundhouse::PluginContext& ctx) {
  return roundhouse::plugins::register_ml(ctx.registry(), ctx.plugin_name());
}
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "ml",
                   .version = "0.1.0",
                   .kind = RH_PLUGIN_ML,
                   .description = "Predictive maintenance: feature extraction, condition data, reliability maths",
                   .start = &start})
