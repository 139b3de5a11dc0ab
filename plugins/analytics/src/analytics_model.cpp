#include "analytics_model.hpp"

#include <boost/json/serialize.hpp>

#include "dashboards.hpp"

namespace roundhouse::analytics {
namespace json = boost::json;

namespace {
constexpr std::size_t kCacheEntries = 256;  // distinct questions kept between two events
}

AnalyticsModel::AnalyticsModel(Settings settings, const std::vector<ExternalKpi>& externals)
    : settings_(settings) {
  for (const auto& k : builtin_kpis())
    catalogue_.push_back({k.name, k.title, k.unit, k.description, k.higher_is_better, "analytics", &k, nullptr});
  for (const auto& e : externals) {
    if (find_builtin(e.name) || !e.definition.make) continue;  // a built-in name always means the built-in
    auto calc = e.definition.make();
    if (!calc) continue;
    catalogue_.push_back({e.name, e.definition.title, e.definition.unit, e.definition.description,
                          e.definition.higher_is_better, e.provider, nullptr, calc.get()});
    calculators_.emplace_back(e.definition.filter, std::move(calc));
  }
}

EventFilter AnalyticsModel::filter() const {
  if (!calculators_.empty()) return {};  // a plugin KPI may need any event
  return EventFilter{{"vehicle", "failure", "workorder", "part"}, {}, std::nullopt};
}

Status AnalyticsModel::apply(const RecordedEvent& event) {
  position_ = event.position;
  {
    std::lock_guard lock(cache_mu_);
    cache_.clear();
  }
  if (auto st = facts_.apply(event); !st) return st;
  for (auto& [filter, calc] : calculators_)
    if (filter.matches(event))
      if (auto st = calc->apply(event); !st) return st;
  return {};
}

json::value AnalyticsModel::save_state() const { return json::object{{"rebuild", true}}; }

Status AnalyticsModel::restore_state(const json::value&) {
  return {ErrorCode::invalid_argument, "the analytics model is rebuilt from the log at start"};
}

Result<json::value> AnalyticsModel::query(const json::object& params) const {
  auto q = parse_query(params);
  if (!q) return q.error();
  const std::string key = json::serialize(params);
  {
    std::lock_guard lock(cache_mu_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  auto result = answer(*q);
  if (!result) return result;
  result->as_object()["as_of_position"] = position_;
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= kCacheEntries) cache_.clear();
  cache_.emplace(key, *result);
  return result;
}

json::object AnalyticsModel::summary() const {
  std::size_t active = 0, in_service = 0;
  for (const auto& v : facts_.vehicles()) {
    if (v.retired) continue;
    ++active;
    if (v.statuses.back().status == VehicleStatus::in_service) ++in_service;
  }
  std::size_t open = 0, completed = 0;
  for (const auto& w : facts_.work_orders()) {
    if (w.completed) ++completed;
    else if (!w.cancelled) ++open;
  }
  const auto& f = facts_.failures();
  return {{"vehicles", facts_.vehicles().size()},
          {"vehicles_active", active},
          {"vehicles_in_service", in_service},
          {"failures", f.size()},
          {"work_orders", facts_.work_orders().size()},
          {"work_orders_open", open},
          {"work_orders_completed", completed},
          {"parts", facts_.part_count()},
          {"events_applied", facts_.events_applied()},
          {"first_failure_at", f.empty() ? json::value(nullptr) : json::value(format_timestamp(f.front().at))},
          {"latest_event_at", facts_.latest_occurred() ? json::value(format_timestamp(facts_.latest_occurred()))
                                                       : json::value(nullptr)}};
}

Result<json::value> AnalyticsModel::answer(const AnalyticsQuery& q) const {
  const Evaluator eval(facts_, settings_, catalogue_);
  const Timestamp clock = facts_.latest_occurred() ? facts_.latest_occurred() : now_micros();
  if (q.op == "definitions") {
    json::array defs;
    for (const auto& k : catalogue_) defs.push_back(eval.definition_json(k));
    return json::value(json::object{{"kpis", std::move(defs)}});
  }
  if (q.op == "summary") {
    auto window = resolve_window(q, clock, 30);
    if (!window) return window.error();
    auto s = collect(facts_, *window, q.scope);
    json::object out = summary();
    out["window"] = window_json(*window);
    out["scope"] = scope_json(q.scope);
    json::object headline;
    for (const char* name : {"availability", "mtbf", "mdbf", "mttr", "backlog"})
      headline[name] = number_or_null(eval.evaluate(*eval.find(name), s, q.scope).value);
    out["kpis"] = std::move(headline);
    return json::value(std::move(out));
  }
  if (q.op == "dashboard") {
    const auto* spec = find_dashboard(q.name);
    if (!spec)
      return Error{ErrorCode::not_found,
                   "no dashboard '" + q.name + "' (dashboards: executive, operations, maintenance, inventory)"};
    auto window = resolve_window(q, clock, spec->days);
    if (!window) return window.error();
    return json::value(render_dashboard(*spec, eval, facts_, *window, q.scope, q.limit));
  }
  const KpiRef* kpi = nullptr;
  if (q.op == "kpi" || q.op == "timeseries") {
    kpi = eval.find(q.name);
    if (!kpi) {
      std::string names;
      for (const auto& k : catalogue_) names += (names.empty() ? "" : ", ") + k.name;
      return Error{ErrorCode::not_found, "no KPI '" + q.name + "' (KPIs: " + names + ")"};
    }
  }
  auto window = resolve_window(q, clock, 30);
  if (!window) return window.error();
  if (q.op == "timeseries") return json::value(eval.timeseries_json(*kpi, *window, q.interval.value_or(default_interval(*window)), q.scope));

  const auto current = collect(facts_, *window, q.scope);
  if (q.op == "top") {
    if (q.name == "vehicles")
      return json::value(json::object{{"window", window_json(*window)}, {"scope", scope_json(q.scope)},
                                      {"vehicles", eval.worst_vehicles(current, q.limit)}});
    if (q.name == "systems")
      return json::value(json::object{{"window", window_json(*window)}, {"scope", scope_json(q.scope)},
                                      {"systems", eval.worst_systems(current, q.limit)}});
    return Error{ErrorCode::not_found, "no top-N list '" + q.name + "' (vehicles, systems)"};
  }
  const auto prev_window = previous_window(*window);
  const auto previous = collect(facts_, prev_window, q.scope);
  json::object out{{"window", window_json(*window)}, {"previous_window", window_json(prev_window)},
                   {"scope", scope_json(q.scope)}};
  if (q.op == "kpi") {
    json::object k = eval.kpi_json(*kpi, current, previous, q.scope);
    k["definition"] = kpi->description;
    if (kpi->name == "mdbf" || kpi->name == "mttr" || kpi->name == "failures" || kpi->name == "mtbf")
      k["by_system"] = eval.worst_systems(current, kSystemCount);
    out["kpi"] = std::move(k);
    return json::value(std::move(out));
  }
  if (q.op == "kpis") {
    json::array list;
    for (const auto& k : catalogue_) list.push_back(eval.kpi_json(k, current, previous, q.scope));
    out["kpis"] = std::move(list);
    return json::value(std::move(out));
  }
  return Error{ErrorCode::invalid_argument, "unknown analytics question '" + q.op + "'"};
}

}  // namespace roundhouse::analytics
