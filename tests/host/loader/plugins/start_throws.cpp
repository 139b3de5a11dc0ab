// A well-formed plugin whose start throws: the macro's boundary catches it; the plugin fails.
#include <stdexcept>

#include "roundhouse/plugin/plugin.hpp"

namespace {
roundhouse::Status start(roundhouse::PluginContext&) { throw std::runtime_error("boiler exploded"); }
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "test-start-throws", .version = "1.0.0", .kind = RH_PLUGIN_OTHER,
                   .description = "throws from start", .start = &start})
