// The dashboard-web plugin's single entry point: finds the bundle, loads it, registers the routes.
#include <memory>

#include "dashboard_web.hpp"
#include "module_dir.hpp"
#include "roundhouse/plugin/plugin.hpp"

namespace {

roundhouse::Status start(roundhouse::PluginContext& ctx) {
  using namespace roundhouse::dashboard_web;
  auto options = dashboard_options_from(ctx.config());
  if (!options) return options.error();
  auto dir = options->assets_dir.empty() ? module_dir() / "dashboard-web" : options->assets_dir;
  auto bundle = AssetBundle::load(dir);
  if (!bundle)
    return roundhouse::Error{bundle.error().code,
                             "dashboard-web: " + bundle.error().message +
                                 "; build the plugin (its CMake target bundles the page) or set assets_dir"};
  return register_dashboard_web(ctx.registry(), ctx.plugin_name(),
                                std::make_shared<const AssetBundle>(std::move(*bundle)));
}

// The page shows the analytics plugin's KPIs and dashboards; without it there is nothing to show.
constexpr const char* kDependencies[] = {"analytics", nullptr};

}  // namespace

ROUNDHOUSE_PLUGIN({.name = "dashboard-web",
                   .version = "0.1.0",
                   .kind = RH_PLUGIN_OTHER,
                   .description = "Web dashboard: KPI cards, trend charts and live updates in the browser",
                   .dependencies = kDependencies,
                   .start = &start})
