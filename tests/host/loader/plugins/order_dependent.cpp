// "aa-order-dependent" depends on "zz-order-base" and checks that base registered before it.
#include "order_log.hpp"

namespace {
constexpr const char* kDeps[] = {"zz-order-base", nullptr};
roundhouse::Status start(roundhouse::PluginContext& ctx) {
  log_order(ctx, "start");
  if (!ctx.registry().storage.find("order-base"))
    return {roundhouse::ErrorCode::internal, "started before its dependency zz-order-base"};
  return {};
}
void stop(roundhouse::PluginContext& ctx) { log_order(ctx, "stop"); }
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "aa-order-dependent", .version = "2.0.0", .kind = RH_PLUGIN_DOMAIN,
                   .description = "depends on zz-order-base", .dependencies = kDeps, .start = &start,
                   .stop = &stop})
