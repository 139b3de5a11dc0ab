// Depends on a plugin whose start fails: must not start either.
#include "roundhouse/plugin/plugin.hpp"

namespace {
constexpr const char* kDeps[] = {"test-start-throws", nullptr};
roundhouse::Status start(roundhouse::PluginContext&) { return {}; }
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "test-needs-failed", .version = "1.0.0", .kind = RH_PLUGIN_OTHER,
                   .description = "needs a plugin that fails to start", .dependencies = kDeps,
                   .start = &start})
