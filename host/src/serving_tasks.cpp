#include "serving_tasks.hpp"

#include <algorithm>
#include <exception>

#include "log.hpp"

namespace roundhouse::host {
namespace {

LogLevel level_named(std::string_view level) {
  if (level == "error") return LogLevel::error;
  if (level == "warn" || level == "warning") return LogLevel::warn;
  if (level == "debug") return LogLevel::debug;
  return LogLevel::info;
}

}  // namespace

ServingTasks::ServingTasks(const Registry& registry, const Services& services, std::vector<std::string> tenants)
    : registry_(registry), context_{services, std::move(tenants), {}} {
  std::sort(context_.tenants.begin(), context_.tenants.end());
  context_.tenants.erase(std::unique(context_.tenants.begin(), context_.tenants.end()), context_.tenants.end());
  context_.log = [](std::string_view level, const std::string& message) {
    Log::write(level_named(level), message);
  };
}

ServingTasks::~ServingTasks() { stop(); }

void ServingTasks::start() {
  for (const auto& entry : registry_.serving.list()) {
    const ServingTask& task = entry.value;
    boost::json::object fields{{"task", entry.name}, {"plugin", entry.provider}, {"what", task.description}};
    Result<ServingStop> started = Error{ErrorCode::internal, "the task has no start function"};
    try {
      if (task.start) started = task.start(context_);
    } catch (const std::exception& e) {
      started = Error{ErrorCode::internal, std::string("start threw: ") + e.what()};
    }
    if (!started) {
      fields["error"] = started.error().message;
      Log::error("serving task not started; serving without it", std::move(fields));
      continue;
    }
    Log::info("serving task started", std::move(fields));
    running_.emplace_back(entry.name, std::move(*started));
  }
}

void ServingTasks::stop() {
  while (!running_.empty()) {
    auto [name, stop_fn] = std::move(running_.back());
    running_.pop_back();
    try {
      if (stop_fn) stop_fn();
    } catch (const std::exception& e) {
      Log::error("serving task failed to stop", {{"task", name}, {"error", e.what()}});
    }
  }
}

}  // namespace roundhouse::host
