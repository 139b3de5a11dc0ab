#include "dashboard_web.hpp"

#include <algorithm>

#include "static_response.hpp"

namespace roundhouse::dashboard_web {

const std::vector<std::string>& dashboard_names() {
  static const std::vector<std::string> names = {"executive", "operations", "maintenance", "inventory"};
  return names;
}

Result<DashboardOptions> dashboard_options_from(const boost::json::object& config) {
  DashboardOptions options;
  for (const auto& [key, value] : config) {
    if (key != "assets_dir")
      return Error{ErrorCode::invalid_argument,
                   "dashboard-web: unknown setting '" + std::string(key) + "' (known: assets_dir)"};
    if (!value.is_string() || value.get_string().empty())
      return Error{ErrorCode::invalid_argument, "dashboard-web: assets_dir must be a non-empty path string"};
    options.assets_dir = std::string(value.get_string());
  }
  return options;
}

Status register_dashboard_web(Registry& registry, const std::string& provider,
                              std::shared_ptr<const AssetBundle> bundle) {
  auto page = [bundle](const HttpRequest& req) -> Result<HttpResponse> { return serve_asset(bundle->index(), req); };
  auto named_page = [bundle](const HttpRequest& req) -> Result<HttpResponse> {
    const auto& name = req.path_params.at("name");
    const auto& names = dashboard_names();
    if (std::find(names.begin(), names.end(), name) == names.end())
      return Error{ErrorCode::not_found,
                   "no dashboard '" + name + "' (dashboards: executive, operations, maintenance, inventory)"};
    return serve_asset(bundle->index(), req);
  };
  auto file = [bundle](const HttpRequest& req) -> Result<HttpResponse> {
    const auto& name = req.path_params.at("file");
    const Asset* asset = bundle->find(name);  // an exact name from the bundle: no path is ever built
    if (!asset) return Error{ErrorCode::not_found, "no dashboard asset '" + name + "'"};
    return serve_asset(*asset, req);
  };
  for (Route route : {Route{"GET", "/", "open", "The web dashboard (executive view)", page},
                      Route{"GET", "/dashboards/{name}", "open",
                            "The web dashboard: executive, operations, maintenance or inventory", named_page},
                      Route{"GET", "/assets/dashboard-web/{file}", "open",
                            "The web dashboard's bundled scripts, styles and icons", file}})
    if (auto st = registry.add_route(provider, std::move(route)); !st) return st;
  return {};
}

}  // namespace roundhouse::dashboard_web
