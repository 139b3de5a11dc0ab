// "zz-order-base": sorts after its dependent by file name, so only dependency ordering starts it first.
#include <memory>

#include "order_log.hpp"

namespace {
roundhouse::Status start(roundhouse::PluginContext& ctx) {
  log_order(ctx, "start");
  // Something the dependent can look for: a storage scheme of its own.
  return ctx.registry().storage.add(
      "order-base", ctx.plugin_name(),
      [](const roundhouse::StoreUri&, const roundhouse::StoreOptions&)
          -> roundhouse::Result<std::shared_ptr<roundhouse::EventStore>> {
        return roundhouse::Error{roundhouse::ErrorCode::unavailable, "order-base stores nothing"};
      });
}
void stop(roundhouse::PluginContext& ctx) { log_order(ctx, "stop"); }
}  // namespace

ROUNDHOUSE_PLUGIN({.name = "zz-order-base", .version = "1.0.0", .kind = RH_PLUGIN_OTHER,
                   .description = "started first, stopped last", .start = &start, .stop = &stop})
