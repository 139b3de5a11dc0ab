#pragma once
// One pass over the fact tables for a window and a scope: the sums every built-in KPI is a ratio
// of (uptime, operating hours, km, failures, repairs, schedule, backlog, stock, cost), in total,
// per vehicle and per system. KPIs, top-N lists and insights are all read off a WindowStats.

#include <array>
#include <limits>
#include <string>
#include <vector>

#include "facts.hpp"
#include "roundhouse/analytics/kpi.hpp"

namespace roundhouse::analytics {

// Which vehicles count. Empty fields match everything; all set fields must match.
struct Scope {
  std::string vehicle_id, vehicle_type, depot;
  bool is_fleet() const { return vehicle_id.empty() && vehicle_type.empty() && depot.empty(); }
  bool matches(const VehicleFacts& v) const {
    return (vehicle_id.empty() || v.id == vehicle_id) && (vehicle_type.empty() || v.type == vehicle_type) &&
           (depot.empty() || v.depot == depot);
  }
};

struct VehicleWindow {
  bool active = false;        // in scope and registered, not retired, for part of the window
  double up_h = 0, down_h = 0, in_service_h = 0, km = 0;
  std::uint32_t failures = 0, sa_failures = 0;
};

struct SystemWindow {
  std::uint32_t failures = 0, sa_failures = 0, repairs = 0;
  std::int64_t repair_us = 0;  // summed as integers, so the order of addition never matters
  double repair_h = 0;         // = repair_us in hours, set by finish()
};

// What a KPI needs computed; the rest is skipped (time series ask for one KPI per bucket).
struct Needs {
  bool vehicles = true;     // per-vehicle uptime, operating hours, km
  bool bookings = true;     // failures and cost bookings in the window
  bool work_orders = true;  // repairs, schedule, PM, backlog
  bool inventory = true;    // stock issues and value on hand
};

struct WindowStats {
  KpiWindow window;
  std::vector<VehicleWindow> per_vehicle;  // indexed like FactStore::vehicles()
  std::array<SystemWindow, kSystemCount> per_system{};
  std::uint32_t active_vehicles = 0;
  double up_h = 0, down_h = 0, in_service_h = 0, km = 0;
  std::uint32_t failures = 0, sa_failures = 0;
  std::uint32_t repairs = 0;  // corrective work orders completed in the window
  std::int64_t repair_us = 0;  // their start-to-completion time (integers: order-independent)
  double repair_h = 0;         // the same in hours, set by finish()
  std::uint32_t scheduled = 0, scheduled_on_time = 0;  // scheduled slots ending in the window
  std::uint32_t pm_due = 0, pm_on_time = 0;            // preventive orders due in the window
  std::uint32_t backlog = 0;                           // open at the window's end
  std::int64_t backlog_age_us = 0;  // summed ages (integers: order-independent)
  double backlog_age_days_sum = 0, backlog_oldest_days = 0;  // set by finish()
  Timestamp backlog_oldest_created = std::numeric_limits<Timestamp>::max();
  void finish();  // derives the hours/days fields from the integer sums
  double parts_cost = 0, labour_h = 0;
  std::uint32_t issues = 0, issues_emptied = 0;  // stock issues; those that left none on hand
  double issued_value = 0, average_stock_value = 0;
};

WindowStats collect(const FactStore& facts, const KpiWindow& window, const Scope& scope, const Needs& needs = {});

}  // namespace roundhouse::analytics
