#pragma once
// What the HTTP handlers share: the open store, the registry and plugin host, metrics. Built by
// `serve` after start-up; the pointers stay valid until the server has shut down.

#include <atomic>
#include <memory>

#include "live_streams.hpp"
#include "metrics.hpp"
#include "roundhouse/core/time.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/http/route.hpp"

namespace roundhouse {
class PluginHost;
class ProjectionEngine;
class Registry;
}  // namespace roundhouse

namespace roundhouse::host {

struct AppContext {
  std::shared_ptr<EventStore> store;
  const Registry* registry = nullptr;
  const PluginHost* plugins = nullptr;
  ProjectionEngine* projections = nullptr;
  std::shared_ptr<Metrics> metrics;
  std::shared_ptr<LiveStreams> streams;  // open event streams; stopped after the HTTP server
  Services services;                 // handed to plugin route handlers
  std::atomic<bool> draining{false}; // SIGTERM received: /health reports 503
  Timestamp started_at = now_micros();
};

}  // namespace roundhouse::host
