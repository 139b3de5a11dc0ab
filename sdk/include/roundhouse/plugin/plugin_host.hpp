#pragma once
// PluginHost: discovers, checks, starts and stops plugins. Used by the `roundhouse` executable and
// the Python module alike.
//
// Contract: a library, once loaded, is never unloaded (objects it handed out may outlive any
// PluginHost). A plugin that fails a check is recorded as refused with a one-line reason naming
// what differs; the others carry on. start() runs plugins in dependency order, stop() in reverse.
// Not thread-safe: drive it from one thread at start-up and shutdown.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/export.hpp"
#include "roundhouse/plugin/abi.h"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse {

struct PluginRecord {
  enum class State { discovered, refused, started, failed, stopped };
  std::string name;         // from the descriptor; the file stem when the descriptor is unreadable
  std::string version;
  std::string kind;         // "storage", "domain", ...
  std::string description;
  std::vector<std::string> dependencies;
  std::filesystem::path path;
  State state = State::discovered;
  std::string reason;       // why refused/failed; empty otherwise
};

ROUNDHOUSE_API std::string_view to_string(PluginRecord::State s);
ROUNDHOUSE_API std::string_view plugin_kind_name(std::uint32_t kind);

// The build id of this SDK build; plugins must carry the same.
ROUNDHOUSE_API const char* host_build_id() noexcept;

class ROUNDHOUSE_API PluginHost {
 public:
  explicit PluginHost(Registry& registry);
  ~PluginHost();  // calls stop()
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // Loads every "*.so" in `dir` (sorted by name) and checks its descriptor. Returns an error only
  // when the directory itself cannot be read; per-plugin problems land in records().
  Status load_directory(const std::filesystem::path& dir);
  // Loads and checks one library.
  const PluginRecord& load_file(const std::filesystem::path& file);
  // Registers a plugin compiled into the executable (static build, tests).
  const PluginRecord& add_builtin(const rh_plugin_descriptor* descriptor);

  // Per-plugin configuration, handed to the plugin at start (rh_host_api.config_json).
  void set_plugin_config(const std::string& name, boost::json::object config);

  // Starts every accepted plugin whose dependencies started, in dependency order.
  void start();
  // Stops started plugins in reverse start order. Idempotent.
  void stop();

  const std::vector<PluginRecord>& records() const;
  // Errors reported by plugins through the host callback ("plugin: message").
  std::vector<std::string> reported_errors() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The default plugin directory for an executable at `exe`: <prefix>/lib/roundhouse/plugins where
// <prefix> is the parent of the executable's bin/ directory (same rule for build and install tree).
ROUNDHOUSE_API std::filesystem::path default_plugin_dir(const std::filesystem::path& exe);
// The path of the running executable (/proc/self/exe).
ROUNDHOUSE_API std::filesystem::path current_executable();

}  // namespace roundhouse
