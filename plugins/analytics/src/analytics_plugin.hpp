#pragma once
// Registers the analytics plugin: the "analytics" read model (KPI engine) and its HTTP routes.

#include <string>

#include <boost/json/object.hpp>

#include "builtin_kpis.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::plugins {

// Reads the plugin's configuration section ({"labour_rate": 75}); invalid_argument names the setting.
Result<analytics::Settings> analytics_settings_from(const boost::json::object& config);

// Plugin-registered KPIs (Registry::kpis) are picked up whenever a read model instance is created,
// i.e. after every plugin has started.
Status register_analytics(Registry& registry, const std::string& provider = "analytics",
                          const analytics::Settings& settings = {});

}  // namespace roundhouse::plugins
