#include "query.hpp"

#include <chrono>
#include <set>

namespace roundhouse::analytics {
namespace json = boost::json;
namespace chr = std::chrono;

namespace {

const std::set<std::string, std::less<>> kKnown = {"op", "name", "depot", "vehicle_type", "vehicle_id", "from",
                                                   "to", "days", "interval", "limit"};

Error bad(const std::string& param, const std::string& why) {
  return {ErrorCode::invalid_argument, "query parameter '" + param + "': " + why};
}

std::optional<long long> whole_number(const std::string& s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

chr::sys_days day_of(Timestamp t) {
  return chr::floor<chr::days>(chr::sys_time<chr::microseconds>(chr::microseconds(t)));
}
Timestamp micros(chr::sys_days d) {
  return chr::duration_cast<chr::microseconds>(d.time_since_epoch()).count();
}
std::string date_label(chr::sys_days d, bool month_only) {
  const chr::year_month_day ymd(d);
  char buf[16];
  if (month_only)
    std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()));
  else
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace

Result<AnalyticsQuery> parse_query(const json::object& params) {
  AnalyticsQuery q;
  for (const auto& [key, value] : params) {
    if (!kKnown.contains(std::string_view(key)))
      return bad(std::string(key), "unknown (known: depot, vehicle_type, vehicle_id, from, to, days, interval, limit)");
    if (!value.is_string()) return bad(std::string(key), "must be a string");
    const std::string v(value.get_string());
    if (key == "op") q.op = v;
    else if (key == "name") q.name = v;
    else if (key == "depot") q.scope.depot = v;
    else if (key == "vehicle_type") q.scope.vehicle_type = v;
    else if (key == "vehicle_id") q.scope.vehicle_id = v;
    else if (key == "from" || key == "to") {
      auto t = parse_timestamp(v);
      if (!t) return bad(std::string(key), "'" + v + "' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp");
      if (key == "from") q.from = *t;
      else q.to = v.size() == 10 ? *t + kDayMicros : *t;
    } else if (key == "days") {
      auto n = whole_number(v);
      if (!n || *n < 1 || *n > 3660) return bad("days", "must be a whole number from 1 to 3660");
      q.days = static_cast<int>(*n);
    } else if (key == "limit") {
      auto n = whole_number(v);
      if (!n || *n < 1 || *n > 1000) return bad("limit", "must be a whole number from 1 to 1000");
      q.limit = static_cast<std::size_t>(*n);
    } else if (key == "interval") {
      if (v == "day") q.interval = Interval::day;
      else if (v == "week") q.interval = Interval::week;
      else if (v == "month") q.interval = Interval::month;
      else return bad("interval", "must be day, week or month");
    }
  }
  if (q.from && q.to && *q.from >= *q.to) return bad("from", "must be before 'to'");
  if (q.from && q.to && q.days) return bad("days", "give either from and to, or days, not all three");
  return q;
}

Timestamp end_of_day(Timestamp t) { return micros(day_of(t)) + kDayMicros; }

Result<KpiWindow> resolve_window(const AnalyticsQuery& q, Timestamp data_clock, int default_days) {
  const Timestamp span = static_cast<Timestamp>(q.days.value_or(default_days)) * kDayMicros;
  KpiWindow w;
  if (q.from && !q.to) {
    w.from = *q.from;
    w.to = q.days ? *q.from + span : end_of_day(data_clock);
  } else {
    w.to = q.to.value_or(end_of_day(data_clock));
    w.from = q.from.value_or(w.to - span);
  }
  if (w.from >= w.to) return Error{ErrorCode::invalid_argument, "query parameter 'from': the window is empty"};
  return w;
}

KpiWindow previous_window(const KpiWindow& w) { return {w.from - (w.to - w.from), w.from}; }

Interval default_interval(const KpiWindow& w) {
  const Timestamp len = w.to - w.from;
  if (len <= 62 * kDayMicros) return Interval::day;
  if (len <= 366 * kDayMicros) return Interval::week;
  return Interval::month;
}

const char* to_string(Interval i) {
  switch (i) {
    case Interval::day: return "day";
    case Interval::week: return "week";
    case Interval::month: return "month";
  }
  return "day";
}

std::vector<Bucket> buckets(const KpiWindow& w, Interval interval) {
  std::vector<Bucket> out;
  chr::sys_days d = day_of(w.from);
  if (interval == Interval::week) d -= (chr::weekday(d) - chr::Monday);  // ISO weeks start on Monday
  if (interval == Interval::month) {
    const chr::year_month_day ymd(d);
    d = chr::sys_days(ymd.year() / ymd.month() / 1);
  }
  while (micros(d) < w.to && out.size() < 5000) {
    chr::sys_days next = d + chr::days(1);
    if (interval == Interval::week) next = d + chr::days(7);
    if (interval == Interval::month) {
      const chr::year_month_day ymd(d);
      next = chr::sys_days((ymd.year() / ymd.month() + chr::months(1)) / 1);
    }
    // The first and last buckets are clipped to the window.
    out.push_back({{std::max(w.from, micros(d)), std::min(w.to, micros(next))}, date_label(d, interval == Interval::month)});
    d = next;
  }
  return out;
}

json::object window_json(const KpiWindow& w) {
  return {{"from", format_timestamp(w.from)}, {"to", format_timestamp(w.to)},
          {"days", static_cast<double>(w.to - w.from) / static_cast<double>(kDayMicros)}};
}

json::object scope_json(const Scope& s) {
  json::object o;
  o["level"] = !s.vehicle_id.empty() ? "vehicle" : !s.depot.empty() && !s.vehicle_type.empty() ? "depot+type"
               : !s.depot.empty() ? "depot" : !s.vehicle_type.empty() ? "vehicle_type" : "fleet";
  if (!s.vehicle_id.empty()) o["vehicle_id"] = s.vehicle_id;
  if (!s.vehicle_type.empty()) o["vehicle_type"] = s.vehicle_type;
  if (!s.depot.empty()) o["depot"] = s.depot;
  return o;
}

}  // namespace roundhouse::analytics
