#pragma once
// The engine every subcommand starts from: the typed registry, the plugin host (load, check,
// start in dependency order) and, when asked, the event store opened through the registry.
//
// Start-up order: load_plugins() then open_store(); shutdown() reverses it (close the store so
// every accepted append is durable, then stop plugins in reverse order). Not thread-safe: drive it
// from the main thread. The registry outlives the plugin host, which outlives the store.

#include <filesystem>
#include <memory>

#include "config.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/plugin/plugin_host.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::host {

class Runtime {
 public:
  Runtime();
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Loads and starts every plugin in the configured (or default) folder. A refused or failed
  // plugin is logged with its reason and skipped; only an unreadable folder is an error.
  Status load_plugins(const Config& config);
  // Opens config.store (creating the folder of a sqlite: file first).
  Result<std::shared_ptr<EventStore>> open_store(const Config& config);
  void shutdown();  // idempotent

  Registry& registry() { return registry_; }
  PluginHost& plugins() { return host_; }
  const std::filesystem::path& plugin_dir() const { return plugin_dir_; }

 private:
  Registry registry_;
  PluginHost host_;
  std::shared_ptr<EventStore> store_;
  std::filesystem::path plugin_dir_;
};

std::filesystem::path resolve_plugin_dir(const Config& config);

// A store URI fit for messages and logs: a password in "scheme://user:password@host..." becomes "***".
std::string redacted_store_uri(const std::string& uri);

}  // namespace roundhouse::host
