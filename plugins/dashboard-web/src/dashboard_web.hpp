#pragma once
// The web dashboard plugin: serves the page (GET /, GET /dashboards/{name}) and its bundled files
// (GET /assets/dashboard-web/{file}) without credentials. The page reads everything it shows from
// the analytics plugin's /api/v1/analytics/... routes with the API key the user gives it, and
// follows GET /api/v1/events/stream to refresh when events arrive.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "asset_bundle.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::dashboard_web {

// The dashboards the page can show; /dashboards/{name} answers 404 for any other name.
const std::vector<std::string>& dashboard_names();

struct DashboardOptions {
  std::filesystem::path assets_dir;  // empty: the dashboard-web/ folder beside the plugin
};

// The plugin's configuration section: {"assets_dir": "/path"}; an unknown key or a non-string
// value is invalid_argument naming it.
Result<DashboardOptions> dashboard_options_from(const boost::json::object& config);

// Registers the page and asset routes, serving `bundle` (shared by every handler).
Status register_dashboard_web(Registry& registry, const std::string& provider,
                              std::shared_ptr<const AssetBundle> bundle);

}  // namespace roundhouse::dashboard_web
