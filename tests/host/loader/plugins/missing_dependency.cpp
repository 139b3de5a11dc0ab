// Depends on a plugin that is not installed: must not start, naming the missing dependency.
#include "roundhouse/plugin/plugin.hpp"

namespace {
constexpr const char* kDeps[] = {"test-no-such-plugin", nullptr};
roundhouse::Status start(roundhouse::PluginContext&) { return {}; }
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "test-missing-dependency", .version = "1.0.0", .kind = RH_PLUGIN_OTHER,
                   .description = "needs a plugin that does not exist", .dependencies = kDeps,
                   .start = &start})
