#include "ml_plugin.hpp"

#include <functional>
#include <vector>

#include "assets/asset_events.hpp"
#include "cli/ml_command.hpp"
#include "features/extractors.hpp"
#include "models/builtin_models.hpp"
#include "http/anomaly_routes.hpp"
#include "http/demand_routes.hpp"
#include "http/feature_routes.hpp"
#include "http/model_routes.hpp"
#include "http/reliability_routes.hpp"

namespace roundhouse::plugins {
namespace {

using Registration = std::function<Status(Registry&, const std::string& provider)>;

Status register_features(Registry& registry, const std::string& provider) {
  for (auto& extractor : ml::features::builtin_extractors())
    if (auto st = registry.features.add(extractor->name(), provider, extractor); !st) return st;
  return {};
}

Status register_models(Registry& registry, const std::string& provider) {
  for (auto& type : ml::models::builtin_model_types())
    if (auto st = registry.models.add(type->name(), provider, type); !st) return st;
  return {};
}

Status register_cli(Registry& registry, const std::string& provider) {
  return registry.cli_commands.add("ml", provider, ml::cli::ml_command());
}

// One line per thing the plugin provides; new ones (models, routes) are appended here.
std::vector<Registration> ml_registrations() {
  return {
      &register_features,
      &register_models,
      &ml::assets::register_asset_event_schemas,
      &register_cli,
      &ml::http::register_feature_routes,
      &ml::http::register_reliability_routes,
      &ml::http::register_demand_routes,
      &ml::http::register_anomaly_routes,
      &ml::http::register_model_routes,
  };
}

}  // namespace

Status register_ml(Registry& registry, const std::string& provider) {
  for (const auto& step : ml_registrations())
    if (auto st = step(registry, provider); !st) return st;
  return {};
}

}  // namespace roundhouse::plugins
