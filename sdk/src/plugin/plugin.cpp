#include "roundhouse/plugin/plugin.hpp"

#include <boost/json/parse.hpp>

namespace roundhouse {

Registry& PluginContext::registry() const { return *static_cast<Registry*>(host_->registry); }

boost::json::object PluginContext::config() const {
  if (!host_->config_json) return {};
  boost::system::error_code ec;
  auto v = boost::json::parse(host_->config_json, ec);
  if (ec || !v.is_object()) return {};
  return v.get_object();
}

void PluginContext::report_error(const std::string& message) const {
  if (host_->report_error) host_->report_error(host_->host_context, name_, message.c_str());
}

namespace detail {

int run_plugin_start(const PluginSpec& spec, const rh_host_api* host) noexcept {
  try {
    PluginContext ctx(host, spec.name);
    if (!spec.start) return 0;
    Status st = spec.start(ctx);
    if (st) return 0;
    ctx.report_error(std::string(to_string(st.code())) + ": " + st.message());
    return 1;
  } catch (const std::exception& ex) {
    if (host && host->report_error) host->report_error(host->host_context, spec.name, ex.what());
  } catch (...) {
    if (host && host->report_error) host->report_error(host->host_context, spec.name, "unknown exception");
  }
  return 2;
}

void run_plugin_stop(const PluginSpec& spec, const rh_host_api* host) noexcept {
  try {
    if (!spec.stop) return;
    PluginContext ctx(host, spec.name);
    spec.stop(ctx);
  } catch (const std::exception& ex) {
    if (host && host->report_error) host->report_error(host->host_context, spec.name, ex.what());
  } catch (...) {
    if (host && host->report_error) host->report_error(host->host_context, spec.name, "unknown exception at stop");
  }
}

}  // namespace detail
}  // namespace roundhouse
