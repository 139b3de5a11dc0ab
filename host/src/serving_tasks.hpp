#pragma once
// The plugins' serving tasks (Registry::serving, plugin/serving_task.hpp) for one `roundhouse
// serve`: started once the store is open, stopped in reverse order before it closes. A task that
// fails to start is logged and left out; the host serves without it. Not thread-safe: the serve
// command's main thread starts and stops them.

#include <string>
#include <utility>
#include <vector>

#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::host {

class ServingTasks {
 public:
  // `services` must outlive stop().
  ServingTasks(const Registry& registry, const Services& services, std::vector<std::string> tenants);
  ~ServingTasks();
  ServingTasks(const ServingTasks&) = delete;
  ServingTasks& operator=(const ServingTasks&) = delete;

  void start();
  void stop();  // idempotent

 private:
  const Registry& registry_;
  ServingContext context_;
  std::vector<std::pair<std::string, ServingStop>> running_;  // by start order, with their names
};

}  // namespace roundhouse::host
