#pragma once
// The plugins a Python process uses: one Registry + PluginHost per plugin folder, loaded on the first
// open() that names the folder and kept for the life of the process (the SDK never unloads a plugin,
// and stores handed out keep their plugin's code alive).

#include <filesystem>
#include <memory>
#include <string>

#include <pybind11/pybind11.h>

#include "roundhouse/plugin/plugin_host.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::py {

struct Runtime {
  Registry registry;
  PluginHost host{registry};
  std::filesystem::path plugin_dir;
};

// The folder the host would use: `explicit_dir` when given, else $ROUNDHOUSE_PLUGIN_DIR, else
// lib/roundhouse/plugins of the build tree this module sits in, else of the install prefix.
std::filesystem::path resolve_plugin_dir(const std::string& explicit_dir);

// The runtime for `dir`, loading and starting its plugins the first time. Thread-safe.
// A folder that cannot be read is a PluginError (incompatible) naming it.
std::shared_ptr<Runtime> runtime_for(const std::filesystem::path& dir);

// Where a Python KPI or model type is installed: the scripting plugin's registry when `registry` is
// its "roundhouse.Registry.writable" capsule, else (None) the runtime of `plugin_dir`.
Registry& writable_registry(const pybind11::object& registry, const std::string& plugin_dir);

}  // namespace roundhouse::py
