#pragma once
// Work a plugin runs for as long as `roundhouse serve` serves — a background re-scorer, settling
// what a stopped host left unsettled — registered in `Registry::serving`. Other commands (the CLI
// tools, the Python module, tests that open a store) never start it.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "roundhouse/core/status.hpp"
#include "roundhouse/http/route.hpp"

namespace roundhouse {

// What the host hands a serving task. Every member stays valid until the task's stop function
// has returned.
struct ServingContext {
  const Services& services;          // the serving store, projections and registry
  std::vector<std::string> tenants;  // the tenants the host's API keys name, sorted, distinct (a
                                     // tenant that only JWTs name is not known before its request)
  // One line in the host's log; level "info", "warn" or "error". Thread-safe.
  std::function<void(std::string_view level, const std::string& message)> log;
};

// Stops what start() began; called once, after the last request was answered and before the
// store closes. Empty when there is nothing to stop.
using ServingStop = std::function<void()>;

// Contract: the host calls start() once the store is open and the routes are registered, before
// it listens, in the order of their names; the stop functions run in reverse order at shutdown. start()
// must return quickly: lasting work runs on a thread of the task's own, which the stop function
// ends and joins. A task whose start fails (an error or an exception) is logged and skipped; the
// host serves without it.
struct ServingTask {
  std::string description;  // one line, for the log
  std::function<Result<ServingStop>(const ServingContext&)> start;
};

}  // namespace roundhouse
