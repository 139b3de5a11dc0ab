// The storage-postgres plugin's single entry point.
#include "roundhouse/plugin/plugin.hpp"
#include "storage_postgres.hpp"

namespace {
roundhouse::Status start(roundhouse::PluginContext& ctx) {
  return roundhouse::plugins::register_storage_postgres(ctx.registry(), ctx.plugin_name());
}
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "storage-postgres",
                   .version = "0.1.0",
                   .kind = RH_PLUGIN_STORAGE,
                   .description = "PostgreSQL event store for several hosts (URI postgresql://user@host/db)",
                   .start = &start})
