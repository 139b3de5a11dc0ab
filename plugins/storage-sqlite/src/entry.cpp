// The storage-sqlite plugin's single entry point.
#include "roundhouse/plugin/plugin.hpp"
#include "storage_sqlite.hpp"

namespace {
roundhouse::Status start(roundhouse::PluginContext& ctx) {
  return roundhouse::plugins::register_storage_sqlite(ctx.registry(), ctx.plugin_name());
}
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "storage-sqlite",
                   .version = "0.1.0",
                   .kind = RH_PLUGIN_STORAGE,
                   .description = "Embedded SQLite (WAL) event store, the default (URI sqlite:PATH)",
                   .start = &start})
