#include "evaluator.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "series_stats.hpp"

namespace roundhouse::analytics {
namespace json = boost::json;

json::value number_or_null(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

std::optional<double> change_pct(const std::optional<double>& current, const std::optional<double>& previous) {
  if (!current || !previous || *previous == 0) return std::nullopt;
  return (*current - *previous) / std::abs(*previous) * 100.0;
}

const KpiRef* Evaluator::find(std::string_view name) const {
  for (const auto& k : catalogue_)
    if (k.name == name) return &k;
  return nullptr;
}

KpiOutcome Evaluator::evaluate(const KpiRef& kpi, const WindowStats& stats, const Scope& scope) const {
  if (kpi.builtin) return kpi.builtin->compute(stats, settings_);
  VehicleScope in_scope = [&](std::string_view id) {
    if (scope.is_fleet()) return true;
    auto i = facts_.vehicle_index(std::string(id));
    return i && scope.matches(facts_.vehicles()[*i]);
  };
  return {kpi.external->value(stats.window, in_scope), {}};
}

json::object Evaluator::definition_json(const KpiRef& kpi) const {
  return {{"name", kpi.name}, {"title", kpi.title}, {"unit", kpi.unit}, {"description", kpi.description},
          {"higher_is_better", kpi.higher_is_better}, {"provider", kpi.provider}};
}

json::object Evaluator::kpi_json(const KpiRef& kpi, const WindowStats& current, const WindowStats& previous,
                                 const Scope& scope) const {
  auto now = evaluate(kpi, current, scope);
  auto before = evaluate(kpi, previous, scope);
  const auto change = change_pct(now.value, before.value);
  json::object o{{"name", kpi.name}, {"title", kpi.title}, {"unit", kpi.unit}, {"higher_is_better", kpi.higher_is_better}};
  o["value"] = number_or_null(now.value);
  o["previous"] = number_or_null(before.value);
  o["change_pct"] = number_or_null(change);
  // A change under 1% reads as flat; the sign of the change and the KPI's direction say better/worse.
  if (!now.value || !before.value) {
    o["trend"] = nullptr;
    o["assessment"] = nullptr;
  } else {
    const double delta = *now.value - *before.value;
    const bool flat = change ? std::abs(*change) < 1.0 : delta == 0;
    o["trend"] = flat ? "flat" : delta > 0 ? "up" : "down";
    o["assessment"] = flat ? "unchanged" : (delta > 0) == kpi.higher_is_better ? "better" : "worse";
  }
  o["basis"] = std::move(now.basis);
  return o;
}

json::object Evaluator::timeseries_json(const KpiRef& kpi, const KpiWindow& window, Interval interval,
                                        const Scope& scope) const {
  const Needs needs = kpi.builtin ? kpi.builtin->needs : Needs{false, false, false, false};
  const auto cuts = buckets(window, interval);
  std::vector<KpiWindow> windows;
  for (const auto& b : cuts) windows.push_back(b.window);
  return timeseries_json(kpi, window, interval, scope, cuts, collect_series(facts_, windows, scope, needs));
}

json::object Evaluator::timeseries_json(const KpiRef& kpi, const KpiWindow& window, Interval interval,
                                        const Scope& scope, const std::vector<Bucket>& cuts,
                                        const std::vector<WindowStats>& series) const {
  json::array points, labels, data;
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const auto& b = cuts[i];
    auto v = number_or_null(evaluate(kpi, series[i], scope).value);
    points.push_back(json::object{{"label", b.label}, {"from", format_timestamp(b.window.from)},
                                  {"to", format_timestamp(b.window.to)}, {"value", v}});
    labels.push_back(json::value(b.label));
    data.push_back(v);
  }
  json::object dataset{{"label", kpi.title + (kpi.unit == "ratio" || kpi.unit == "count" ? "" : " (" + kpi.unit + ")")},
                       {"data", std::move(data)}};
  json::object chart{{"type", kpi.unit == "count" ? "bar" : "line"}, {"labels", std::move(labels)},
                     {"datasets", json::array{std::move(dataset)}}};
  return {{"metric", kpi.name}, {"title", kpi.title}, {"unit", kpi.unit}, {"interval", to_string(interval)},
          {"window", window_json(window)}, {"scope", scope_json(scope)}, {"points", std::move(points)},
          {"chart", std::move(chart)}};
}

json::array Evaluator::worst_vehicles(const WindowStats& stats, std::size_t limit) const {
  std::vector<std::uint32_t> idx;
  for (std::uint32_t i = 0; i < stats.per_vehicle.size(); ++i)
    if (stats.per_vehicle[i].active && stats.per_vehicle[i].failures > 0) idx.push_back(i);
  const auto& vs = facts_.vehicles();
  // Most failures first; then most downtime; then the id, so the order is stable.
  std::sort(idx.begin(), idx.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto& x = stats.per_vehicle[a];
    const auto& y = stats.per_vehicle[b];
    if (x.failures != y.failures) return x.failures > y.failures;
    if (x.down_h != y.down_h) return x.down_h > y.down_h;
    return vs[a].id < vs[b].id;
  });
  if (idx.size() > limit) idx.resize(limit);
  json::array out;
  for (auto i : idx) {
    const auto& w = stats.per_vehicle[i];
    out.push_back(json::object{{"vehicle_id", vs[i].id}, {"vehicle_type", vs[i].type}, {"depot", vs[i].depot},
                               {"failures", w.failures}, {"service_affecting_failures", w.sa_failures},
                               {"downtime_hours", w.down_h}, {"km", w.km},
                               {"availability", number_or_null(ratio(w.up_h, w.up_h + w.down_h))},
                               {"mtbf_hours", number_or_null(ratio(w.in_service_h, w.failures))}});
  }
  return out;
}

json::array Evaluator::worst_systems(const WindowStats& stats, std::size_t limit) const {
  std::vector<std::size_t> idx(kSystemCount);
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    return stats.per_system[a].failures > stats.per_system[b].failures;
  });
  json::array out;
  for (auto i : idx) {
    const auto& s = stats.per_system[i];
    if (s.failures == 0 || out.size() >= limit) break;
    out.push_back(json::object{{"system", kSystems[i]}, {"failures", s.failures},
                               {"service_affecting_failures", s.sa_failures},
                               {"share", number_or_null(ratio(s.failures, stats.failures))},
                               {"repairs", s.repairs}, {"mttr_hours", number_or_null(ratio(s.repair_h, s.repairs))},
                               {"mdbf_km", number_or_null(ratio(stats.km, s.sa_failures))}});
  }
  return out;
}

}  // namespace roundhouse::analytics
