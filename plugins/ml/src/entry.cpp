// The ml plugin's single entry point.
#include "ml_plugin.hpp"
#include "models/rescore_task.hpp"
#include "roundhouse/plugin/plugin.hpp"

namespace {
roundhouse::Status start(roundhouse::PluginContext& ctx) {
  // Re-scoring inside `roundhouse serve` when the configuration asks for it (checked first: a bad
  // section fails the plugin before it registers anything else).
  if (auto st = roundhouse::ml::models::register_rescore_task(ctx.registry(), ctx.plugin_name(), ctx.config()); !st)
    return st;
  return roundhouse::plugins::register_ml(ctx.registry(), ctx.plugin_name());
}
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "ml",
                   .version = "0.1.0",
                   .kind = RH_PLUGIN_ML,
                   .description = "Predictive maintenance: feature extraction, condition data, reliability maths",
                   .start = &start})
