// Built twice under two file names with the same plugin name: the second copy must be refused.
#include "roundhouse/plugin/plugin.hpp"

namespace {
roundhouse::Status start(roundhouse::PluginContext&) { return {}; }
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "test-duplicate", .version = "1.0.0", .kind = RH_PLUGIN_OTHER,
                   .description = "same name in two files", .start = &start})
