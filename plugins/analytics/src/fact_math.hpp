#pragma once
// Small helpers shared by the window and series passes over the fact tables.

#include <algorithm>
#include <vector>

#include "facts.hpp"
#include "roundhouse/analytics/kpi.hpp"

namespace roundhouse::analytics {

inline double hours(Timestamp a, Timestamp b) { return static_cast<double>(b - a) / kMicrosPerHour; }

inline bool is_up(VehicleStatus s) { return s == VehicleStatus::in_service || s == VehicleStatus::standby; }

inline bool in(Timestamp t, const KpiWindow& w) { return t >= w.from && t < w.to; }

template <class T>
auto first_at_or_after(const std::vector<T>& v, Timestamp t) {
  return std::lower_bound(v.begin(), v.end(), t, [](const T& x, Timestamp at) { return x.at < at; });
}

// Calls fn(t, next, status) for each stretch of one status within [from, to), in time order.
template <class Fn>
void for_each_status_segment(const VehicleFacts& v, Timestamp from, Timestamp to, Fn&& fn) {
  auto it = std::upper_bound(v.statuses.begin(), v.statuses.end(), from,
                             [](Timestamp t, const StatusChange& c) { return t < c.at; });
  VehicleStatus current = it == v.statuses.begin() ? v.statuses.front().status : (it - 1)->status;
  Timestamp t = from;
  for (;; ++it) {
    const Timestamp next = it == v.statuses.end() ? to : std::min(to, it->at);
    fn(t, next, current);
    if (next >= to) break;
    t = next;
    current = it->status;
  }
}

// Time-weighted average of a step function given by sorted points (0 before the first).
inline double average_value(const std::vector<StockValuePoint>& pts, Timestamp from, Timestamp to) {
  if (to <= from) return 0;
  auto it = std::upper_bound(pts.begin(), pts.end(), from, [](Timestamp t, const StockValuePoint& p) { return t < p.at; });
  double current = it == pts.begin() ? 0 : (it - 1)->value;
  double integral = 0;
  Timestamp t = from;
  for (; it != pts.end() && it->at < to; ++it) {
    integral += current * static_cast<double>(it->at - t);
    t = it->at;
    current = it->value;
  }
  integral += current * static_cast<double>(to - t);
  return integral / static_cast<double>(to - from);
}

}  // namespace roundhouse::analytics
