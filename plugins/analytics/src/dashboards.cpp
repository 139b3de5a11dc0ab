#include "dashboards.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "series_stats.hpp"

namespace roundhouse::analytics {
namespace json = boost::json;

namespace {

constexpr const char* kExecKpis[] = {"availability", "inherent_availability", "mtbf", "mdbf",
                                     "maintenance_cost_per_km", "pm_compliance", "failures"};
constexpr const char* kExecCharts[] = {"availability", "failures", "maintenance_cost_per_km"};
constexpr const char* kOpsKpis[] = {"availability", "failures", "mttr", "backlog", "schedule_compliance"};
constexpr const char* kOpsCharts[] = {"availability", "failures"};
constexpr const char* kMaintKpis[] = {"mtbf", "mdbf", "mttr", "inherent_availability", "pm_compliance",
                                      "schedule_compliance", "backlog"};
constexpr const char* kMaintCharts[] = {"mttr", "mtbf", "backlog"};
constexpr const char* kInvKpis[] = {"inventory_turnover", "stockout_rate", "maintenance_cost_per_km"};
constexpr const char* kInvCharts[] = {"inventory_turnover", "stockout_rate"};

constexpr DashboardSpec kDashboards[] = {
    {"executive", "Executive", 30, kExecKpis, kExecCharts},
    {"operations", "Operations", 7, kOpsKpis, kOpsCharts},
    {"maintenance", "Maintenance", 90, kMaintKpis, kMaintCharts},
    {"inventory", "Inventory", 30, kInvKpis, kInvCharts},
};

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string show(double v, const std::string& unit) {
  if (unit == "ratio") return fixed(v * 100, 1) + "%";
  if (unit == "count") return fixed(v, 0);
  return fixed(v, std::abs(v) >= 100 ? 0 : std::abs(v) >= 1 ? 1 : 3) + " " + unit;
}

std::string system_label(std::size_t s) {
  std::string name = kSystems[s];
  return name == "hvac" ? "HVAC" : name;
}

// "4 vehicles account for 60% of door failures": the fewest vehicles covering half of the
// failures of the system that failed most.
void concentration(const FactStore& facts, const WindowStats& s, json::array& out) {
  std::size_t worst = 0;
  for (std::size_t i = 1; i < kSystemCount; ++i)
    if (s.per_system[i].failures > s.per_system[worst].failures) worst = i;
  const auto total = s.per_system[worst].failures;
  if (total < 5) return;
  std::map<std::uint32_t, std::uint32_t> per_vehicle;
  const auto& f = facts.failures();
  auto it = std::lower_bound(f.begin(), f.end(), s.window.from, [](const FailureFact& x, Timestamp t) { return x.at < t; });
  for (; it != f.end() && it->at < s.window.to; ++it)
    if (it->system == worst && s.per_vehicle[it->vehicle].active) ++per_vehicle[it->vehicle];
  std::vector<std::uint32_t> counts;
  for (const auto& [_, n] : per_vehicle) counts.push_back(n);
  std::sort(counts.rbegin(), counts.rend());
  std::uint32_t covered = 0;
  std::size_t k = 0;
  while (k < counts.size() && covered * 2 < total) covered += counts[k++];
  if (k == 0 || k * 4 > counts.size() + 3) return;  // only worth saying when a few vehicles dominate
  const double share = 100.0 * covered / total;
  out.push_back(json::object{
      {"kind", "concentration"},
      {"kpi", "failures"},
      {"text", std::to_string(k) + (k == 1 ? " vehicle accounts" : " vehicles account") + " for " + fixed(share, 0) +
                   "% of " + system_label(worst) + " failures (" + std::to_string(covered) + " of " +
                   std::to_string(total) + ")."}});
}

// The system whose MTTR rose most (at least 3 repairs in both periods).
void system_mttr(const WindowStats& s, const WindowStats& p, int days, json::array& out) {
  std::optional<std::size_t> best;
  double best_change = 0;
  for (std::size_t i = 0; i < kSystemCount; ++i) {
    const auto& a = s.per_system[i];
    const auto& b = p.per_system[i];
    if (a.repairs < 3 || b.repairs < 3) continue;
    const auto c = change_pct(a.repair_h / a.repairs, b.repair_h / b.repairs);
    if (c && std::abs(*c) >= 10 && std::abs(*c) > std::abs(best_change)) {
      best = i;
      best_change = *c;
    }
  }
  if (!best) return;
  const auto& a = s.per_system[*best];
  const auto& b = p.per_system[*best];
  out.push_back(json::object{
      {"kind", best_change > 0 ? "warning" : "good"},
      {"kpi", "mttr"},
      {"text", "MTTR for " + system_label(*best) + (best_change > 0 ? " rose " : " fell ") +
                   fixed(std::abs(best_change), 0) + "% against the previous " + std::to_string(days) + " days (" +
                   fixed(b.repair_h / b.repairs, 1) + " h to " + fixed(a.repair_h / a.repairs, 1) + " h)."}});
}

}  // namespace

std::span<const DashboardSpec> dashboards() { return kDashboards; }

const DashboardSpec* find_dashboard(std::string_view name) {
  for (const auto& d : kDashboards)
    if (name == d.name) return &d;
  return nullptr;
}

json::array insights(const FactStore& facts, const WindowStats& current,
                     const WindowStats& previous, const json::array& kpis, int days) {
  json::array out;
  for (const auto& v : kpis) {
    const auto& k = v.as_object();
    const auto* change = k.if_contains("change_pct");
    if (!change || !change->is_double() || std::abs(change->get_double()) < 10) continue;
    const double c = change->get_double();
    const std::string unit(k.at("unit").as_string());
    const bool better = k.at("assessment").as_string() == "better";
    out.push_back(json::object{
        {"kind", better ? "good" : "warning"},
        {"kpi", k.at("name")},
        {"text", std::string(k.at("title").as_string()) + (c > 0 ? " rose " : " fell ") + fixed(std::abs(c), 0) +
                     "% against the previous " + std::to_string(days) + " days (" +
                     show(k.at("previous").to_number<double>(), unit) + " to " +
                     show(k.at("value").to_number<double>(), unit) + ")."}});
  }
  system_mttr(current, previous, days, out);
  concentration(facts, current, out);
  if (current.failures == 0 && current.active_vehicles > 0)
    out.push_back(json::object{{"kind", "good"}, {"kpi", "failures"},
                               {"text", "No failures in the last " + std::to_string(days) + " days."}});
  if (current.backlog > 0 && current.backlog_oldest_days >= 30)
    out.push_back(json::object{{"kind", "warning"}, {"kpi", "backlog"},
                               {"text", std::to_string(current.backlog) + " work orders are open; the oldest has waited " +
                                            fixed(current.backlog_oldest_days, 0) + " days."}});
  return out;
}

json::object render_dashboard(const DashboardSpec& spec, const Evaluator& eval, const FactStore& facts,
                              const KpiWindow& window, const Scope& scope, std::size_t limit) {
  const KpiWindow prev = previous_window(window);
  const auto current = collect(facts, window, scope);
  const auto previous = collect(facts, prev, scope);
  json::array kpis;
  for (const char* name : spec.kpis)
    if (const auto* k = eval.find(name)) kpis.push_back(eval.kpi_json(*k, current, previous, scope));
  json::array charts;
  // One series pass for all charts: the union of what their KPIs need.
  const Interval interval = default_interval(window);
  const auto cuts = buckets(window, interval);
  std::vector<KpiWindow> windows;
  for (const auto& b : cuts) windows.push_back(b.window);
  Needs needs{false, false, false, false};
  for (const char* name : spec.charts)
    if (const auto* k = find_builtin(name)) {
      needs.vehicles |= k->needs.vehicles;
      needs.bookings |= k->needs.bookings;
      needs.work_orders |= k->needs.work_orders;
      needs.inventory |= k->needs.inventory;
    }
  const auto stats = collect_series(facts, windows, scope, needs);
  for (const char* name : spec.charts) {
    const auto* k = eval.find(name);
    if (!k) continue;
    auto series = eval.timeseries_json(*k, window, interval, scope, cuts, stats);
    json::object chart = std::move(series.at("chart").as_object());
    chart["id"] = name;
    chart["title"] = std::string(k->title) + " by " + to_string(interval);
    charts.push_back(std::move(chart));
  }
  // Failures by system, as a bar chart of this and the previous period.
  json::array labels, now_data, prev_data;
  for (std::size_t i = 0; i < kSystemCount; ++i) {
    if (current.per_system[i].failures == 0 && previous.per_system[i].failures == 0) continue;
    labels.push_back(json::value(kSystems[i]));
    now_data.push_back(current.per_system[i].failures);
    prev_data.push_back(previous.per_system[i].failures);
  }
  if (spec.name != std::string_view("inventory"))
    charts.push_back(json::object{
        {"id", "failures_by_system"}, {"title", "Failures by system"}, {"type", "bar"}, {"labels", std::move(labels)},
        {"datasets", json::array{json::object{{"label", "This period"}, {"data", std::move(now_data)}},
                                 json::object{{"label", "Previous period"}, {"data", std::move(prev_data)}}}}});
  const int days = static_cast<int>(std::lround(static_cast<double>(window.to - window.from) / kDayMicros));
  auto notes = insights(facts, current, previous, kpis, days);
  return {{"name", spec.name},
          {"title", spec.title},
          {"window", window_json(window)},
          {"previous_window", window_json(prev)},
          {"scope", scope_json(scope)},
          {"kpis", std::move(kpis)},
          {"charts", std::move(charts)},
          {"worst_vehicles", eval.worst_vehicles(current, limit)},
          {"worst_systems", eval.worst_systems(current, limit)},
          {"insights", std::move(notes)}};
}

}  // namespace roundhouse::analytics
