#include "analytics_plugin.hpp"

#include "analytics_model.hpp"
#include "routes.hpp"

namespace roundhouse::plugins {

Result<analytics::Settings> analytics_settings_from(const boost::json::object& config) {
  analytics::Settings s;
  for (const auto& [key, value] : config) {
    if (key == "labour_rate") {
      if (!value.is_number() || value.to_number<double>() < 0)
        return Error{ErrorCode::invalid_argument, "analytics: labour_rate must be a number >= 0"};
      s.labour_rate = value.to_number<double>();
    } else {
      return Error{ErrorCode::invalid_argument, "analytics: unknown setting '" + std::string(key) + "' (labour_rate)"};
    }
  }
  return s;
}

Status register_analytics(Registry& registry, const std::string& provider, const analytics::Settings& settings) {
  const Registry* reg = &registry;
  ProjectionFactory factory = [reg, settings] {
    std::vector<analytics::ExternalKpi> externals;
    for (auto& e : reg->kpis.list()) externals.push_back({e.name, e.provider, e.value});
    return std::make_unique<analytics::AnalyticsModel>(settings, externals);
  };
  if (auto st = registry.projections.add(analytics::AnalyticsModel::kName, provider, factory); !st) return st;
  return analytics::register_routes(registry, provider);
}

}  // namespace roundhouse::plugins
