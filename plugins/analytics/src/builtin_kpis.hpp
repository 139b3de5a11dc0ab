#pragma once
// The built-in KPI catalogue: each KPI is a ratio (or count) read off a WindowStats, with the
// numerator and denominator reported beside the value so a user can check it. Definitions are
// documented in the plugin README; `description` is the one-line form served by the API.

#include <optional>
#include <span>

#include <boost/json/object.hpp>

#include "window_stats.hpp"

namespace roundhouse::analytics {

struct Settings {
  double labour_rate = 75.0;  // cost of one labour hour, in the parts' currency
};

struct KpiOutcome {
  std::optional<double> value;  // nullopt: undefined (no denominator)
  boost::json::object basis;    // the sums the value is computed from
};

struct BuiltinKpi {
  const char* name;
  const char* title;
  const char* unit;
  const char* description;
  bool higher_is_better;
  Needs needs;
  KpiOutcome (*compute)(const WindowStats& stats, const Settings& settings);
};

std::span<const BuiltinKpi> builtin_kpis();
const BuiltinKpi* find_builtin(std::string_view name);

// Per-system figures used by the KPI detail, top-N and insights.
std::optional<double> ratio(double numerator, double denominator);

}  // namespace roundhouse::analytics
