#pragma once
// The four dashboards (executive 30 days, operations 7, maintenance 90, inventory 30): their KPIs
// with previous period and trend, Chart.js-ready charts, the worst vehicles and systems, and
// insights generated in plain language from the same numbers.

#include <span>
#include <string_view>

#include <boost/json/object.hpp>

#include "evaluator.hpp"

namespace roundhouse::analytics {

struct DashboardSpec {
  const char* name;
  const char* title;
  int days;
  std::span<const char* const> kpis;
  std::span<const char* const> charts;  // KPI names charted over the window
};

std::span<const DashboardSpec> dashboards();
const DashboardSpec* find_dashboard(std::string_view name);

// The dashboard JSON: {"name","title","window","previous_window","scope","kpis":[...],
// "charts":[{"id","title","type","labels","datasets"}],"worst_vehicles":[...],"worst_systems":[...],
// "insights":[{"text","kind","kpi"?}]}
boost::json::object render_dashboard(const DashboardSpec& spec, const Evaluator& eval, const FactStore& facts,
                                     const KpiWindow& window, const Scope& scope, std::size_t limit);

// Plain-language observations comparing the window with the previous one.
boost::json::array insights(const FactStore& facts, const WindowStats& current,
                            const WindowStats& previous, const boost::json::array& kpis, int days);

}  // namespace roundhouse::analytics
