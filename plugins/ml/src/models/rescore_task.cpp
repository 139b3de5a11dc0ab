#include "models/rescore_task.hpp"

#include <memory>
#include <optional>
#include <vector>

#include "models/rescorer.hpp"
#include "roundhouse/core/json_text.hpp"

namespace roundhouse::ml::models {
namespace {

struct RescoreSettings {
  std::vector<std::string> models;
  std::chrono::seconds every{3600};
  std::string actor = "ml-rescorer";
};

Error bad(const std::string& what) { return Error{ErrorCode::invalid_argument, "plugins.ml.rescore: " + what}; }

// nullopt: re-scoring is not asked for.
Result<std::optional<RescoreSettings>> read_settings(const boost::json::object& config) {
  using Settings = std::optional<RescoreSettings>;
  const auto* section = config.if_contains("rescore");
  if (!section || section->is_null() || (section->is_bool() && !section->get_bool())) return Settings{};
  RescoreSettings s;
  if (section->is_bool()) return Settings{s};
  if (!section->is_object()) return bad("must be an object (or true / false)");
  for (const auto& [key, value] : section->get_object()) {
    if (key == "every") {
      if (!value.is_int64() && !value.is_string()) return bad("every: must be a duration like \"15m\" or seconds");
      auto every = parse_rescore_interval(value.is_int64() ? std::to_string(value.get_int64())
                                                           : std::string(value.get_string()));
      if (!every) return bad("every: " + every.error().message);
      s.every = *every;
    } else if (key == "models") {
      if (!value.is_array()) return bad("models: must be an array of model names");
      for (const auto& m : value.get_array()) {
        if (!m.is_string() || m.get_string().empty()) return bad("models: must be an array of model names");
        s.models.emplace_back(m.get_string());
      }
    } else if (key == "actor") {
      if (!value.is_string() || value.get_string().empty()) return bad("actor: must be a non-empty string");
      s.actor = std::string(value.get_string());
    } else {
      return bad("unknown key '" + std::string(key) + "' (every, models, actor)");
    }
  }
  return Settings{std::move(s)};
}

}  // namespace

Status register_rescore_task(Registry& registry, const std::string& provider, const boost::json::object& plugin_config) {
  auto settings = read_settings(plugin_config);
  if (!settings) return settings.error();
  if (!*settings) return {};
  ServingTask task;
  task.description = std::string("re-scores every entity with the promoted version of ") +
                     ((*settings)->models.empty() ? "every model" : "the configured models") + " every " +
                     std::to_string((*settings)->every.count()) + " s";
  task.start = [s = **settings](const ServingContext& ctx) -> Result<ServingStop> {
    if (!ctx.services.store || !ctx.services.registry)
      return Error{ErrorCode::unavailable, "no store to re-score"};
    if (ctx.tenants.empty()) ctx.log("warn", "ml rescore: no tenant is named by an API key; nothing is re-scored");
    auto rescorers = std::make_shared<std::vector<std::unique_ptr<Rescorer>>>();
    for (const auto& tenant : ctx.tenants) {
      RescoreOptions options;
      options.models = s.models;
      options.interval = s.every;
      options.scope = {tenant, s.actor};
      auto log = ctx.log;
      rescorers->push_back(std::make_unique<Rescorer>(
          *ctx.services.registry, ctx.services.store, options, [log, tenant](const Result<RescoreReport>& r) {
            auto line = rescore_report_json(r);
            line["tenant"] = tenant;
            const bool failed = !r || !r->errors.empty();
            log(failed ? "warn" : "info", "ml rescore pass " + to_json_text(line));
          }));
      rescorers->back()->start();
    }
    return ServingStop([rescorers] {
      for (auto& r : *rescorers) r->stop();
    });
  };
  return registry.serving.add("ml.rescore", provider, std::move(task));
}

}  // namespace roundhouse::ml::models
