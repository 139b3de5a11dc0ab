#include "window_stats.hpp"

#include <algorithm>

#include "fact_math.hpp"

namespace roundhouse::analytics {

namespace {

// Time in each status within [from, to).
void walk_statuses(const VehicleFacts& v, Timestamp from, Timestamp to, VehicleWindow& out) {
  for_each_status_segment(v, from, to, [&](Timestamp t, Timestamp next, VehicleStatus status) {
    const double h = hours(t, next);
    (is_up(status) ? out.up_h : out.down_h) += h;
    if (status == VehicleStatus::in_service) out.in_service_h += h;
  });
}

void collect_vehicles(const FactStore& facts, const Scope& scope, WindowStats& s) {
  const auto& vehicles = facts.vehicles();
  for (std::size_t i = 0; i < vehicles.size(); ++i) {
    const VehicleFacts& v = vehicles[i];
    if (!scope.matches(v)) continue;
    const Timestamp from = std::max(s.window.from, v.registered);
    const Timestamp to = v.retired ? std::min(s.window.to, *v.retired) : s.window.to;
    if (from >= to) continue;
    VehicleWindow& w = s.per_vehicle[i];
    w.active = true;
    walk_statuses(v, from, to, w);
    w.km = v.odometer_at(to) - v.odometer_at(from);
    ++s.active_vehicles;
    s.up_h += w.up_h;
    s.down_h += w.down_h;
    s.in_service_h += w.in_service_h;
    s.km += w.km;
  }
}

void collect_bookings(const FactStore& facts, const Scope& scope, WindowStats& s) {
  const auto& vehicles = facts.vehicles();
  const auto& failures = facts.failures();
  for (auto it = first_at_or_after(failures, s.window.from); it != failures.end() && it->at < s.window.to; ++it) {
    if (!scope.matches(vehicles[it->vehicle])) continue;
    auto& v = s.per_vehicle[it->vehicle];
    auto& sys = s.per_system[it->system];
    ++v.failures;
    ++sys.failures;
    ++s.failures;
    if (it->service_affecting) {
      ++v.sa_failures;
      ++sys.sa_failures;
      ++s.sa_failures;
    }
  }
  const auto& costs = facts.costs();
  for (auto it = first_at_or_after(costs, s.window.from); it != costs.end() && it->at < s.window.to; ++it) {
    if (!scope.matches(vehicles[it->vehicle])) continue;
    s.parts_cost += it->parts;
    s.labour_h += it->labour_hours;
  }
}

void collect_work_orders(const FactStore& facts, const Scope& scope, WindowStats& s) {
  const auto& vehicles = facts.vehicles();
  const KpiWindow& w = s.window;
  facts.for_each_work_order_touching(w.from, w.to, [&](const WorkOrderFact& o) {
    if (!scope.matches(vehicles[o.vehicle])) return;
    // MTTR: corrective repairs completed in the window, start to completion (a repair that began
    // before the window counts whole, in the window where it ended).
    if (o.category == 0 && o.completed && o.started && in(*o.completed, w)) {
      const Timestamp us = *o.completed - *o.started;
      ++s.repairs;
      s.repair_us += us;
      if (o.system >= 0) {
        ++s.per_system[static_cast<std::size_t>(o.system)].repairs;
        s.per_system[static_cast<std::size_t>(o.system)].repair_us += us;
      }
    }
    // Schedule compliance: slots ending in the window; cancelled orders leave the schedule.
    if (o.scheduled_end && in(*o.scheduled_end, w) && !o.cancelled) {
      ++s.scheduled;
      if (o.completed && *o.completed <= *o.scheduled_end) ++s.scheduled_on_time;
    }
    // PM compliance: preventive orders due in the window, done by their due time.
    if (o.category == 1 && !o.cancelled && in(o.due, w)) {
      ++s.pm_due;
      if (o.completed && *o.completed <= o.due) ++s.pm_on_time;
    }
    // Backlog at the window's end: created before it, neither completed nor cancelled by then.
    const bool closed = (o.completed && *o.completed < w.to) || (o.cancelled && *o.cancelled < w.to);
    if (!closed) {
      ++s.backlog;
      s.backlog_age_us += w.to - o.created;
      s.backlog_oldest_created = std::min(s.backlog_oldest_created, o.created);
    }
  });
}

void collect_inventory(const FactStore& facts, WindowStats& s) {
  const auto& issues = facts.issues();
  for (auto it = first_at_or_after(issues, s.window.from); it != issues.end() && it->at < s.window.to; ++it) {
    ++s.issues;
    s.issued_value += it->value;
    if (it->emptied) ++s.issues_emptied;
  }
  s.average_stock_value = average_value(facts.stock_value(), s.window.from, s.window.to);
}

}  // namespace

WindowStats collect(const FactStore& facts, const KpiWindow& window, const Scope& scope, const Needs& needs) {
  WindowStats s;
  s.window = window;
  s.per_vehicle.resize(facts.vehicles().size());
  if (window.to <= window.from) return s;
  if (needs.vehicles) collect_vehicles(facts, scope, s);
  if (needs.bookings) collect_bookings(facts, scope, s);
  if (needs.work_orders) collect_work_orders(facts, scope, s);
  // Stock is held for the whole fleet: the inventory sums exist for the fleet scope only.
  if (needs.inventory && scope.is_fleet()) collect_inventory(facts, s);
  s.finish();
  return s;
}

void WindowStats::finish() {
  repair_h = static_cast<double>(repair_us) / kMicrosPerHour;
  for (auto& sys : per_system) sys.repair_h = static_cast<double>(sys.repair_us) / kMicrosPerHour;
  backlog_age_days_sum = static_cast<double>(backlog_age_us) / static_cast<double>(kDayMicros);
  backlog_oldest_days = backlog == 0 ? 0 : static_cast<double>(window.to - backlog_oldest_created) / static_cast<double>(kDayMicros);
}

}  // namespace roundhouse::analytics
