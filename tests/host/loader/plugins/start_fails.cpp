// A well-formed plugin whose start returns an error Status: the plugin fails with that message.
#include "roundhouse/plugin/plugin.hpp"

namespace {
roundhouse::Status start(roundhouse::PluginContext&) {
  return {roundhouse::ErrorCode::unavailable, "turntable is jammed"};
}
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "test-start-fails", .version = "1.0.0", .kind = RH_PLUGIN_OTHER,
                   .description = "returns an error from start", .start = &start})
