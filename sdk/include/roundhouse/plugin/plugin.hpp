#pragma once
// Writing a plugin:
//
//   #include <roundhouse/plugin/plugin.hpp>
//   namespace {
//   roundhouse::Status start(roundhouse::PluginContext& ctx) {
//     return ctx.registry().storage.add("mem2", ctx.plugin_name(), my_factory);
//   }
//   constexpr const char* kDeps[] = {"storage-sqlite", nullptr};   // optional
//   }  // namespace
//   ROUNDHOUSE_PLUGIN({.name = "my-plugin", .version = "1.0.0", .kind = RH_PLUGIN_OTHER,
//                      .description = "...", .dependencies = kDeps, .start = &start})
//
// ROUNDHOUSE_PLUGIN defines the single extern "C" entry point. It catches every exception thrown by
// start/stop and reports it through the host, so none crosses the boundary.

#include <boost/json/object.hpp>
#include <string>

#include "roundhouse/core/status.hpp"
#include "roundhouse/export.hpp"
#include "roundhouse/plugin/abi.h"
#include "roundhouse/plugin/build_id.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse {

// The host, as a plugin sees it during start/stop. Valid only during those calls, but the
// registry it returns lives for the whole process.
class ROUNDHOUSE_API PluginContext {
 public:
  PluginContext(const rh_host_api* host, const char* plugin_name) : host_(host), name_(plugin_name) {}
  Registry& registry() const;
  const char* plugin_name() const { return name_; }
  boost::json::object config() const;  // this plugin's section of the host configuration
  void report_error(const std::string& message) const;

 private:
  const rh_host_api* host_;
  const char* name_;
};

using PluginStartFn = Status (*)(PluginContext&);
using PluginStopFn = void (*)(PluginContext&);

struct PluginSpec {
  const char* name = nullptr;
  const char* version = "0.0.0";
  rh_plugin_kind kind = RH_PLUGIN_OTHER;
  const char* description = "";
  const char* const* dependencies = nullptr;
  PluginStartFn start = nullptr;
  PluginStopFn stop = nullptr;
};

namespace detail {
// Boundary thunks: run start/stop, turn exceptions and errors into a report + return code.
ROUNDHOUSE_API int run_plugin_start(const PluginSpec& spec, const rh_host_api* host) noexcept;
ROUNDHOUSE_API void run_plugin_stop(const PluginSpec& spec, const rh_host_api* host) noexcept;
}  // namespace detail

}  // namespace roundhouse

#define ROUNDHOUSE_PLUGIN(...)                                                                   \
  namespace {                                                                                    \
  const ::roundhouse::PluginSpec roundhouse_plugin_spec_ = ::roundhouse::PluginSpec __VA_ARGS__; \
  int roundhouse_plugin_init_(const rh_host_api* h) {                                            \
    return ::roundhouse::detail::run_plugin_start(roundhouse_plugin_spec_, h);                   \
  }                                                                                              \
  void roundhouse_plugin_shutdown_(const rh_host_api* h) {                                       \
    ::roundhouse::detail::run_plugin_stop(roundhouse_plugin_spec_, h);                           \
  }                                                                                              \
  }                                                                                              \
  extern "C" ROUNDHOUSE_API const rh_plugin_descriptor* roundhouse_plugin_entry(void) {          \
    static const rh_plugin_descriptor d = {                                                     \
        sizeof(rh_plugin_descriptor), ROUNDHOUSE_ABI_MAJOR, ROUNDHOUSE_ABI_MINOR,                \
        ROUNDHOUSE_BUILD_ID, roundhouse_plugin_spec_.name, roundhouse_plugin_spec_.version,      \
        static_cast<uint32_t>(roundhouse_plugin_spec_.kind), roundhouse_plugin_spec_.description, \
        roundhouse_plugin_spec_.dependencies, &roundhouse_plugin_init_,                          \
        &roundhouse_plugin_shutdown_, {}};                                                       \
    return &d;                                                                                   \
  }
