#pragma once
// Evaluates KPIs — built-in and plugin-registered alike — over a FactStore, and renders the JSON
// shapes of the analytics API: a KPI with its previous period and trend, a time series with
// Chart.js-ready chart data, and the top-N worst vehicles and systems.
//
// Thread-safety: const methods only; safe to call concurrently while no one mutates the facts.

#include <memory>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "builtin_kpis.hpp"
#include "query.hpp"

namespace roundhouse::analytics {

struct KpiRef {
  std::string name, title, unit, description;
  bool higher_is_better = true;
  std::string provider;                    // "analytics" for the built-in ones
  const BuiltinKpi* builtin = nullptr;     // exactly one of builtin / external is set
  const KpiCalculator* external = nullptr;
};

class Evaluator {
 public:
  Evaluator(const FactStore& facts, const Settings& settings, const std::vector<KpiRef>& catalogue)
      : facts_(facts), settings_(settings), catalogue_(catalogue) {}

  const std::vector<KpiRef>& catalogue() const { return catalogue_; }
  const KpiRef* find(std::string_view name) const;

  KpiOutcome evaluate(const KpiRef& kpi, const WindowStats& stats, const Scope& scope) const;
  // {"name","title","unit","higher_is_better","value","previous","change_pct","trend","assessment","basis"}
  boost::json::object kpi_json(const KpiRef& kpi, const WindowStats& current, const WindowStats& previous,
                               const Scope& scope) const;
  // {"metric","title","unit","interval","window","scope","points":[{label,from,to,value}],"chart":{...}}
  boost::json::object timeseries_json(const KpiRef& kpi, const KpiWindow& window, Interval interval,
                                      const Scope& scope) const;
  // The same from sums already collected for `cuts` (one series shared by several charts).
  boost::json::object timeseries_json(const KpiRef& kpi, const KpiWindow& window, Interval interval,
                                      const Scope& scope, const std::vector<Bucket>& cuts,
                                      const std::vector<WindowStats>& series) const;
  boost::json::array worst_vehicles(const WindowStats& stats, std::size_t limit) const;
  boost::json::array worst_systems(const WindowStats& stats, std::size_t limit) const;
  boost::json::object definition_json(const KpiRef& kpi) const;

 private:
  const FactStore& facts_;
  const Settings& settings_;
  const std::vector<KpiRef>& catalogue_;
};

boost::json::value number_or_null(const std::optional<double>& v);
// Percentage change from `previous` to `current`; nullopt when either is missing or previous is 0.
std::optional<double> change_pct(const std::optional<double>& current, const std::optional<double>& previous);

}  // namespace roundhouse::analytics
