// Failures and work orders of the demo fleet:
//   corrective: failure reported (service-affecting ones take the vehicle out of service) -> work
//               order created and linked -> assigned -> started (vehicle under maintenance) -> parts
//               issued (waiting for an express delivery on a stock-out) -> labour -> completed,
//               failure closed, vehicle back in service
//   predictive: a condition-monitoring alert instead of a failure, same flow without the failure
//   preventive: due by km or days -> created, scheduled, stock reserved -> assigned -> started ->
//               reserved parts issued -> labour -> completed; a few are cancelled before they start
#include <cmath>

#include "aggregates.hpp"
#include "demo/simulation_state.hpp"

namespace roundhouse::fleet::demo {
namespace json = boost::json;

namespace {

const char* category_name(Category c) {
  switch (c) {
    case Category::corrective: return "corrective";
    case Category::preventive: return "preventive";
    case Category::predictive: return "predictive";
  }
  return "corrective";
}

int due_days(std::string_view priority) {
  if (priority == "urgent") return 1;
  if (priority == "high") return 3;
  if (priority == "medium") return 14;
  return 30;
}

// Minutes from creation to assignment, and from assignment to the start of work, by priority.
std::pair<std::int64_t, std::int64_t> assign_window(std::string_view priority) {
  if (priority == "urgent") return {10, 60};
  if (priority == "high") return {30, 240};
  if (priority == "medium") return {120, 24 * 60};
  return {240, 48 * 60};
}
std::pair<std::int64_t, std::int64_t> start_window(std::string_view priority) {
  if (priority == "urgent") return {30, 180};
  if (priority == "high") return {120, 12 * 60};
  if (priority == "medium") return {12 * 60, 72 * 60};
  return {48 * 60, 240 * 60};
}

Timestamp hours(double h) { return static_cast<Timestamp>(h * static_cast<double>(kHour)); }

}  // namespace

std::uint32_t FleetSimulation::State::new_order(std::uint32_t vehicle, Category category) {
  const std::uint32_t key = next_order_key++;
  Order& o = orders[key];
  o.id = padded("WO-", key, 7);
  o.vehicle = vehicle;
  o.category = category;
  ++vehicles[vehicle].open_orders;
  return key;
}

std::vector<std::pair<std::uint32_t, std::int64_t>> FleetSimulation::State::draw_needs(const std::vector<PartNeed>& needs) {
  std::vector<std::pair<std::uint32_t, std::int64_t>> out;
  for (const auto& n : needs)
    if (rng.chance(n.probability))
      out.emplace_back(static_cast<std::uint32_t>(part_index(n.part)), rng.between(n.qty_min, n.qty_max));
  return out;
}

std::string FleetSimulation::State::technician_for(const Vehicle& v) {
  const auto per_depot = static_cast<std::int64_t>(config.technicians_per_depot);
  return "technician-" + std::to_string(static_cast<std::int64_t>(v.depot) * per_depot + rng.between(1, per_depot));
}

void FleetSimulation::State::failure(std::uint32_t vi, std::uint32_t s) {
  Vehicle& v = vehicles[vi];
  if (v.retired || v.retire_pending) return;  // a withdrawn vehicle reports nothing more
  const SystemSpec& spec = system_catalogue()[s];
  double scale = spec.scale_days;
  for (const auto& [sys, sc] : v.systems)
    if (sys == s) scale = sc;
  schedule(now + std::max(kHour, static_cast<Timestamp>(rng.weibull(spec.shape, scale) * kDay)), Task::failure, vi, s);

  const std::string_view name = spec.system;
  if ((name == "bogie" || name == "traction" || name == "brakes") && rng.chance(0.15)) {
    const std::uint32_t key = new_order(vi, Category::predictive);
    Order& o = orders[key];
    o.system = static_cast<int>(s);
    o.priority = rng.chance(0.5) ? "high" : "medium";
    o.description = "condition monitoring alert: " + std::string(name) + " degradation trend";
    o.needs = draw_needs(spec.parts);
    o.repair_hours = std::clamp(rng.lognormal(spec.repair_hours, 0.5), 0.5, 72.0);
    schedule(now + rng.between(10, 120) * kMinute, Task::create_order, key);
    return;
  }

  const std::string fid = padded("F-", ++failures_reported, 7);
  const double u = rng.uniform();
  const char* severity = u < spec.p_minor ? "minor" : u < spec.p_minor + spec.p_major ? "major" : "critical";
  const std::string_view sev = severity;
  const bool affecting = sev == "critical" || (sev == "major" ? rng.chance(0.6) : rng.chance(0.1));
  const char* symptom = rng.pick(spec.symptoms);
  emit(kFailure, fid, "FailureReported",
       {{"vehicle_id", v.number}, {"system", spec.system}, {"severity", severity}, {"service_affecting", affecting},
        {"description", symptom}},
       "demo:driver-" + std::to_string(rng.between(1, 40LL * config.depots)), fid);

  const std::uint32_t key = new_order(vi, Category::corrective);
  Order& o = orders[key];
  o.system = static_cast<int>(s);
  o.failure_id = fid;
  o.service_affecting = affecting;
  o.priority = sev == "critical" ? "urgent" : sev == "major" ? (affecting ? "high" : "medium") : (affecting ? "medium" : "low");
  o.description = symptom;
  o.needs = draw_needs(spec.parts);
  o.repair_hours = std::clamp(rng.lognormal(spec.repair_hours, 0.5), 0.5, 72.0);
  if (affecting) {
    ++v.awaiting;
    refresh_status(v, "failure " + fid + " (" + spec.system + ")", fid);
  }
  const bool urgent = std::string_view(o.priority) == "urgent";
  schedule(now + (urgent ? rng.between(5, 30) : rng.between(10, 90)) * kMinute, Task::create_order, key);
}

void FleetSimulation::State::plan_preventive(std::uint32_t vi) {
  Vehicle& v = vehicles[vi];
  if (v.retired || v.retire_pending) {
    v.pm_open = false;
    return;
  }
  const std::uint32_t key = new_order(vi, Category::preventive);
  Order& o = orders[key];
  o.priority = rng.chance(0.7) ? "medium" : "low";
  o.description = v.km_since_pm >= v.type->pm_km
                      ? "preventive exam, " + std::to_string(static_cast<long long>(v.type->pm_km)) + " km interval"
                      : "preventive exam, " + std::to_string(v.type->pm_days) + "-day interval";
  o.repair_hours = v.type->pm_hours * rng.uniform(0.8, 1.3);
  o.needs = draw_needs(preventive_needs(v));
  const Timestamp midnight = now - (now - config.start) % kDay;
  o.scheduled_start = midnight + rng.between(1, 7) * kDay + 7 * kHour + rng.between(0, 16) * 30 * kMinute;
  o.cancel = rng.chance(0.03);
  emit(kWorkOrder, o.id, "WorkOrderCreated",
       {{"vehicle_id", v.number}, {"category", "preventive"}, {"priority", o.priority},
        {"due_date", date_of(now + 14 * kDay)}, {"description", o.description}},
       "demo:planner", o.id);
  emit(kWorkOrder, o.id, "WorkOrderScheduled",
       {{"start", format_timestamp(o.scheduled_start)},
        {"end", format_timestamp(o.scheduled_start + hours(round_to(o.repair_hours * 1.3, 0.25)))}},
       "demo:planner", o.id);
  if (o.cancel) {  // never reserve for an order that will be withdrawn: reservations have no release
    schedule(std::max(now + kHour, o.scheduled_start - rng.between(2, 30) * kHour), Task::cancel_order, key);
    return;
  }
  std::vector<std::pair<std::uint32_t, std::int64_t>> unreserved;
  for (const auto& [part, qty] : o.needs) {
    if (!inventory.can_reserve(part, qty)) {
      unreserved.emplace_back(part, qty);
      continue;
    }
    inventory.reserve(part, qty, key);
    o.reserved.emplace_back(part, qty);
    emit(kPart, inventory.at(part).spec->number, "StockReserved", {{"quantity", qty}, {"work_order_id", o.id}},
         "demo:storekeeper", o.id);
  }
  o.needs = std::move(unreserved);
  schedule(std::max(now + kHour, o.scheduled_start - rng.between(4, 20) * kHour), Task::assign_order, key);
}

void FleetSimulation::State::create_order(std::uint32_t key) {
  Order& o = orders.at(key);
  const Vehicle& v = vehicles[o.vehicle];
  const std::string correlation = o.failure_id.empty() ? o.id : o.failure_id;
  json::object p{{"vehicle_id", v.number}, {"category", category_name(o.category)}, {"priority", o.priority},
                 {"due_date", date_of(now + due_days(o.priority) * kDay)}};
  if (o.system >= 0) p["system"] = system_catalogue()[static_cast<std::size_t>(o.system)].system;
  if (!o.failure_id.empty()) p["failure_id"] = o.failure_id;
  p["description"] = o.description;
  emit(kWorkOrder, o.id, "WorkOrderCreated", std::move(p), "demo:planner", correlation);
  if (!o.failure_id.empty())
    emit(kFailure, o.failure_id, "FailureLinkedToWorkOrder", {{"work_order_id", o.id}}, "demo:planner", correlation);
  const auto [lo, hi] = assign_window(o.priority);
  schedule(now + rng.between(lo, hi) * kMinute, Task::assign_order, key);
}

void FleetSimulation::State::assign_order(std::uint32_t key) {
  Order& o = orders.at(key);
  o.technician = technician_for(vehicles[o.vehicle]);
  emit(kWorkOrder, o.id, "WorkOrderAssigned", {{"technician", o.technician}}, "demo:planner",
       o.failure_id.empty() ? o.id : o.failure_id);
  if (o.scheduled_start > 0) {
    schedule(o.scheduled_start, Task::start_order, key);
  } else {
    const auto [lo, hi] = start_window(o.priority);
    schedule(now + rng.between(lo, hi) * kMinute, Task::start_order, key);
  }
}

bool FleetSimulation::State::issue_needs(Order& o, std::uint32_t key) {
  std::vector<std::pair<std::uint32_t, std::int64_t>> missing;
  for (const auto& [part, qty] : o.needs) {
    if (issue_to(o, key, part, qty)) continue;
    missing.emplace_back(part, qty);
    auto& p = inventory.at(part);
    if (!p.expedite_pending) order_stock(part, std::max(p.order_quantity, qty), true);
  }
  o.needs = std::move(missing);
  return o.needs.empty();
}

void FleetSimulation::State::start_order(std::uint32_t key) {
  Order& o = orders.at(key);
  Vehicle& v = vehicles[o.vehicle];
  const std::string correlation = o.failure_id.empty() ? o.id : o.failure_id;
  emit(kWorkOrder, o.id, "WorkOrderStarted", {{"technician", o.technician}}, "demo:" + o.technician, correlation);
  ++v.in_workshop;
  if (o.service_affecting) --v.awaiting;
  refresh_status(v, "work order " + o.id + " started", correlation);
  // Reserved parts first (issuing consumes the reservation), then whatever else the job needs.
  o.needs.insert(o.needs.begin(), o.reserved.begin(), o.reserved.end());
  o.reserved.clear();
  if (issue_needs(o, key)) schedule(now + hours(o.repair_hours * 1.3), Task::finish_order, key);
  else schedule(now + kDay, Task::retry_parts, key);
}

void FleetSimulation::State::retry_parts(std::uint32_t key) {
  Order& o = orders.at(key);
  if (issue_needs(o, key) || ++o.parts_attempts >= 10) {
    o.needs.clear();  // after ten days without the part: temporary repair, the rest is written off
    schedule(now + hours(o.repair_hours * 1.3), Task::finish_order, key);
  } else {
    schedule(now + kDay, Task::retry_parts, key);
  }
}

void FleetSimulation::State::finish_order(std::uint32_t key) {
  Order& o = orders.at(key);
  Vehicle& v = vehicles[o.vehicle];
  const std::string correlation = o.failure_id.empty() ? o.id : o.failure_id;
  const double total = std::max(0.25, round_to(o.repair_hours * rng.uniform(0.9, 1.5), 0.25));
  std::vector<std::string> crew{o.technician};
  if (total > 6 && rng.chance(0.4)) {
    std::string second = technician_for(v);
    if (second != o.technician) crew.push_back(std::move(second));
  }
  for (const auto& tech : crew) {
    double remaining = std::max(0.25, round_to(total / static_cast<double>(crew.size()), 0.25));
    while (remaining > 0) {  // one booking per shift of at most 8 hours
      const double h = std::min(8.0, remaining);
      emit(kWorkOrder, o.id, "WorkOrderLabourBooked", {{"technician", tech}, {"hours", h}}, "demo:" + tech, correlation);
      remaining -= h;
    }
  }
  for (const auto& [part, qty] : o.consumed) {
    if (qty < 2 || !rng.chance(0.05)) continue;  // now and then one unit comes back unused
    inventory.give_back(part, 1);
    emit(kPart, inventory.at(part).spec->number, "StockReturned", {{"quantity", 1}, {"work_order_id", o.id}},
         "demo:storekeeper", o.id);
    break;
  }
  const bool corrective = o.category == Category::corrective;
  emit(kWorkOrder, o.id, "WorkOrderCompleted",
       {{"notes", o.category == Category::preventive ? std::string("exam completed, no defects outstanding")
                  : o.consumed.empty()                ? std::string("adjusted and tested")
                                                      : "replaced " + std::to_string(o.consumed.size()) + " part(s), tested"}},
       "demo:" + o.technician, correlation);
  if (corrective)
    emit(kFailure, o.failure_id, "FailureClosed", {{"resolution", "repaired under " + o.id}}, "demo:" + o.technician,
         correlation);
  --v.in_workshop;
  --v.open_orders;
  if (o.category == Category::preventive) {
    v.pm_open = false;
    v.km_since_pm = 0;
    v.last_pm = now;
  }
  refresh_status(v, "work order " + o.id + " completed", correlation);
  orders.erase(key);
}

void FleetSimulation::State::cancel_order(std::uint32_t key) {
  Order& o = orders.at(key);
  Vehicle& v = vehicles[o.vehicle];
  static const std::vector<const char*> reasons = {"superseded by corrective work", "vehicle not released by operations",
                                                   "combined with the next exam"};
  emit(kWorkOrder, o.id, "WorkOrderCancelled", {{"reason", rng.pick(reasons)}}, "demo:planner", o.id);
  --v.open_orders;
  v.pm_open = false;
  v.pm_snooze_until = now + 14 * kDay;  // re-planned in two weeks
  orders.erase(key);
}

}  // namespace roundhouse::fleet::demo
