#pragma once
// Parsing an analytics query (the HTTP query string, or Python kwargs later) into a scope, a
// window and options, and cutting windows into day / week / month buckets.
//
// Windows are half-open [from, to) in business time (occurred_at). `to` defaults to the end of the
// day of the newest event (the "data clock"), so a replayed or imported history answers "the last
// 30 days" of its own data rather than of the wall clock; `from` defaults to `to` minus `days`.
// A bare date as `to` means the end of that day.

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "roundhouse/core/status.hpp"
#include "window_stats.hpp"

namespace roundhouse::analytics {

enum class Interval { day, week, month };

struct AnalyticsQuery {
  std::string op;    // kpis | kpi | timeseries | dashboard | summary | top
  std::string name;  // the KPI, metric, dashboard, or top-N kind (vehicles | systems)
  Scope scope;
  std::optional<Timestamp> from, to;
  std::optional<int> days;
  std::optional<Interval> interval;
  std::size_t limit = 10;
};

// invalid_argument naming the parameter for an unknown parameter or a malformed value.
Result<AnalyticsQuery> parse_query(const boost::json::object& params);

// The window asked for: explicit from/to, else `days` (or `default_days`) ending at `to`.
Result<KpiWindow> resolve_window(const AnalyticsQuery& q, Timestamp data_clock, int default_days);
// The window of the same length just before `w`.
KpiWindow previous_window(const KpiWindow& w);
// Midnight after the day of `t` (the default end of every window).
Timestamp end_of_day(Timestamp t);

struct Bucket {
  KpiWindow window;
  std::string label;  // "2025-06-01" (day, week starting Monday) or "2025-06" (month)
};
std::vector<Bucket> buckets(const KpiWindow& w, Interval interval);
Interval default_interval(const KpiWindow& w);  // day up to 62 days, week up to 1 year, else month
const char* to_string(Interval i);

boost::json::object window_json(const KpiWindow& w);
boost::json::object scope_json(const Scope& s);

}  // namespace roundhouse::analytics
