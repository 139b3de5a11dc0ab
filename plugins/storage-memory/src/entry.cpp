// The storage-memory plugin's single entry point.
#include "roundhouse/plugin/plugin.hpp"
#include "storage_memory.hpp"

namespace {
roundhouse::Status start(roundhouse::PluginContext& ctx) {
  return roundhouse::plugins::register_storage_memory(ctx.registry(), ctx.plugin_name());
}
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "storage-memory",
                   .version = "0.1.0",
                   .kind = RH_PLUGIN_STORAGE,
                   .description = "In-process event log for tests and benchmarks (URI memory:)",
                   .start = &start})
