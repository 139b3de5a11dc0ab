// The sync plugin's single entry point.
#include "engine/routes.hpp"
#include "roundhouse/plugin/plugin.hpp"

namespace {
roundhouse::Status start(roundhouse::PluginContext& ctx) {
  if (auto st = roundhouse::sync::register_routes(ctx.registry(), ctx.plugin_name(), ctx.config()); !st) return st;
  return roundhouse::sync::register_serving_task(ctx.registry(), ctx.plugin_name());
}
void stop(roundhouse::PluginContext&) { roundhouse::sync::stop_engines(); }
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "sync",
                   .version = "0.1.0",
                   .kind = RH_PLUGIN_DOMAIN,
                   .description = "CRDT offline-first sync for field devices",
                   .start = &start,
                   .stop = &stop})
