// The simulation's clock and queue, and everything that is not a work order: parts and stock,
// vehicle registration, daily running and weekly meter readings, status, standby, transfers and
// retirements. Failures and work orders are in work_order_flow.cpp.
#include <algorithm>
#include <cmath>

#include "aggregates.hpp"
#include "demo/simulation_state.hpp"

namespace roundhouse::fleet::demo {
namespace json = boost::json;

namespace {
constexpr std::uint32_t kExpress = 0x80000000u;
}

FleetSimulation::FleetSimulation(const DemoConfig& config) : state_(std::make_unique<State>(config)) {}
FleetSimulation::~FleetSimulation() = default;

Status FleetSimulation::run(const Sink& sink, const DayCallback& on_day) { return state_->run(sink, on_day); }

FleetSimulation::State::State(const DemoConfig& c)
    : config(c),
      rng(Rng::derive(c.seed, 0x51A)),
      factory(c.seed),
      vehicles(build_fleet(c, rng)),
      inventory(expected_daily_demand(vehicles)),
      now(c.start) {
  schedule(config.start, Task::daily_tick, 0);  // day 0 defines the parts first (see daily_tick)
  for (std::uint32_t v = 0; v < vehicles.size(); ++v) schedule(vehicles[v].registered_at, Task::register_vehicle, v);
  // A few retirements among the initial fleet, spread over the period.
  const int retirements = std::max(1, config.vehicles / 60);
  const auto initial = static_cast<std::uint64_t>(std::ceil(config.vehicles * 0.94));
  for (int i = 0; i < retirements; ++i) {
    const auto v = static_cast<std::uint32_t>(rng.below(initial));
    const auto day = rng.between(config.days * 15 / 100, config.days * 95 / 100);
    schedule(config.start + day * kDay + 11 * kHour, Task::retire, v);
  }
  for (std::uint32_t p = 0; p < inventory.size(); ++p)
    schedule(config.start + (30 + (p * 7) % 91) * kDay + 15 * kHour, Task::count_stock, p);
}

void FleetSimulation::State::schedule(Timestamp at, Task task, std::uint32_t a, std::uint32_t b) {
  queue.push(Scheduled{std::max(at, now), seq++, task, a, b});
}

void FleetSimulation::State::emit(const char* aggregate, const std::string& id, const char* type, json::object payload,
                                  std::string actor, std::string correlation) {
  if (!sink_status) return;
  sink_status = (*sink)(factory.make(aggregate, id, type, std::move(payload), now, std::move(actor), std::move(correlation)));
}

Status FleetSimulation::State::run(const Sink& out, const DayCallback& on_day) {
  sink = &out;
  const Timestamp end = config.end();
  while (!queue.empty() && sink_status) {
    const Scheduled s = queue.top();
    if (s.at >= end) break;
    queue.pop();
    now = s.at;
    dispatch(s);
    if (s.task == Task::daily_tick && on_day) on_day(static_cast<int>(s.a) + 1);
  }
  sink = nullptr;
  return sink_status;
}

void FleetSimulation::State::dispatch(const Scheduled& s) {
  switch (s.task) {
    case Task::daily_tick: return daily_tick(s.a);
    case Task::register_vehicle: return register_vehicle(s.a);
    case Task::meter_reading: return meter_reading(s.a);
    case Task::failure: return failure(s.a, s.b);
    case Task::create_order: return create_order(s.a);
    case Task::assign_order: return assign_order(s.a);
    case Task::start_order: return start_order(s.a);
    case Task::retry_parts: return retry_parts(s.a);
    case Task::finish_order: return finish_order(s.a);
    case Task::cancel_order: return cancel_order(s.a);
    case Task::plan_preventive: return plan_preventive(s.a);
    case Task::receive_stock: return receive_stock(s.a, s.b);
    case Task::count_stock: return count_stock(s.a);
    case Task::end_standby: return end_standby(s.a);
    case Task::transfer: return transfer(s.a);
    case Task::retire: return retire(s.a);
  }
}

// ---- parts and stock ----

void FleetSimulation::State::define_parts() {
  for (std::uint32_t p = 0; p < inventory.size(); ++p) {
    auto& part = inventory.at(p);
    emit(kPart, part.spec->number, "PartDefined",
         {{"part_number", part.spec->number}, {"description", part.spec->description},
          {"unit_cost", part.spec->unit_cost}, {"reorder_point", part.reorder_point}, {"unit", part.spec->unit}},
         "demo:storekeeper");
    const std::int64_t qty = inventory.initial_stock(p);
    inventory.receive(p, qty);
    emit(kPart, part.spec->number, "StockReceived", {{"quantity", qty}, {"unit_cost", part.unit_cost}}, "demo:storekeeper");
  }
}

void FleetSimulation::State::order_stock(std::uint32_t part, std::int64_t qty, bool express) {
  auto& p = inventory.at(part);
  p.on_order += qty;
  if (express) p.expedite_pending = true;
  const auto lead = express ? rng.between(1, 3) : std::max<std::int64_t>(1, p.spec->lead_days + rng.between(-2, 4));
  const Timestamp day = now - (now - config.start) % kDay;
  schedule(day + lead * kDay + 9 * kHour + rng.between(0, 360) * kMinute, Task::receive_stock, part,
           static_cast<std::uint32_t>(qty) | (express ? kExpress : 0u));
}

void FleetSimulation::State::receive_stock(std::uint32_t part, std::uint32_t packed) {
  auto& p = inventory.at(part);
  const bool express = (packed & kExpress) != 0;
  const std::int64_t qty = packed & ~kExpress;
  p.on_order -= qty;
  if (express) p.expedite_pending = false;
  // Prices drift up about 3% a year, with some noise per delivery.
  const double years = static_cast<double>(now - config.start) / (365.0 * kDay);
  p.unit_cost = round_to(p.spec->unit_cost * (1.0 + 0.03 * years) * rng.uniform(0.98, 1.02), 0.01);
  inventory.receive(part, qty);
  emit(kPart, p.spec->number, "StockReceived", {{"quantity", qty}, {"unit_cost", p.unit_cost}}, "demo:storekeeper",
       express ? "express-order" : "replenishment");
}

void FleetSimulation::State::count_stock(std::uint32_t part) {
  auto& p = inventory.at(part);
  std::int64_t counted = p.on_hand;
  if (rng.chance(0.12)) counted -= rng.between(1, std::max<std::int64_t>(1, p.on_hand / 20));
  else if (rng.chance(0.04)) counted += 1;
  const std::int64_t before = p.on_hand;
  const std::int64_t set = inventory.count(part, std::max<std::int64_t>(counted, 0));
  emit(kPart, p.spec->number, "StockCounted", {{"counted_quantity", set}, {"adjustment", set - before}},
       "demo:storekeeper", "stock-take");
  schedule(now + 91 * kDay, Task::count_stock, part);
}

bool FleetSimulation::State::issue_to(Order& o, std::uint32_t key, std::uint32_t part, std::int64_t qty) {
  if (!inventory.can_issue(part, qty, key)) return false;
  auto& p = inventory.at(part);
  inventory.issue(part, qty, key);
  const double cost = p.unit_cost;
  emit(kPart, p.spec->number, "StockIssued", {{"quantity", qty}, {"work_order_id", o.id}, {"unit_cost", cost}},
       "demo:storekeeper", o.id);
  emit(kWorkOrder, o.id, "WorkOrderPartsConsumed", {{"part_number", p.spec->number}, {"quantity", qty}, {"unit_cost", cost}},
       "demo:" + o.technician, o.id);
  o.consumed.emplace_back(part, qty);
  return true;
}

// ---- vehicles ----

void FleetSimulation::State::register_vehicle(std::uint32_t idx) {
  Vehicle& v = vehicles[idx];
  v.registered = true;
  emit(kVehicle, v.number, "VehicleRegistered",
       {{"number", v.number}, {"vehicle_type", v.type->type}, {"depot", depot_names()[v.depot]},
        {"commissioned_on", v.commissioned_on}, {"model", v.model->name}},
       "demo:fleet-manager");
  meter_reading(idx);  // the reading at hand-over; then weekly
  for (std::uint32_t i = 0; i < v.systems.size(); ++i) {
    const auto& [s, scale] = v.systems[i];
    // A vehicle already in service is part-way through its current interval.
    const double fraction = now == v.registered_at && v.commissioned_on != date_of(now) ? rng.uniform() : 1.0;
    const double days = rng.weibull(system_catalogue()[s].shape, scale) * fraction;
    schedule(now + static_cast<Timestamp>(days * kDay) + kHour, Task::failure, idx, s);
  }
}

void FleetSimulation::State::meter_reading(std::uint32_t idx) {
  Vehicle& v = vehicles[idx];
  if (v.retired) return;
  json::object p{{"odometer_km", round_to(v.odometer, 0.1)}};
  if (v.model->power == Power::diesel) p["engine_hours"] = round_to(v.engine_hours, 0.1);
  emit(kVehicle, v.number, "MeterReadingRecorded", std::move(p), "demo:telemetry");
  // Weekly, on the vehicle's own weekday, in the evening.
  const Timestamp day = now - (now - config.start) % kDay;
  schedule(day + (7 - ((day - config.start) / kDay + idx) % 7) * kDay + 21 * kHour + (idx % 120) * kMinute,
           Task::meter_reading, idx);
}

void FleetSimulation::State::refresh_status(Vehicle& v, const std::string& reason, const std::string& correlation) {
  if (v.retired) return;
  const char* want = v.in_workshop > 0 ? "under_maintenance"
                     : v.awaiting > 0  ? "out_of_service"
                     : v.on_standby    ? "standby"
                                       : "in_service";
  if (std::string_view(want) == v.status) return;
  emit(kVehicle, v.number, "VehicleStatusChanged", {{"status", want}, {"previous_status", v.status}, {"reason", reason}},
       "demo:controller", correlation);
  v.status = want;
}

void FleetSimulation::State::daily_tick(std::uint32_t day) {
  if (day == 0) define_parts();
  const auto weekday = ((now / kDay + 4) % 7 + 7) % 7;  // 0 = Sunday; 1970-01-01 was a Thursday
  const bool weekend = weekday == 0 || weekday == 6;
  for (std::uint32_t i = 0; i < vehicles.size(); ++i) {
    Vehicle& v = vehicles[i];
    if (!v.registered || v.retired) continue;
    if (std::string_view(v.status) == "in_service") {
      const double km = v.type->annual_km / 365.0 * (weekend ? 0.7 : 1.1) * rng.uniform(0.6, 1.4);
      v.odometer += km;
      v.km_since_pm += km;
      if (v.model->power == Power::diesel) v.engine_hours += km / rng.uniform(45.0, 65.0);
    }
    if (v.retire_pending) continue;
    if (!v.pm_open && now >= v.pm_snooze_until &&
        (v.km_since_pm >= v.type->pm_km || now - v.last_pm >= v.type->pm_days * kDay)) {
      v.pm_open = true;
      schedule(now + 2 * kHour + rng.between(0, 240) * kMinute, Task::plan_preventive, i);
    }
    if (!v.on_standby && v.open_orders == 0 && rng.chance(0.001)) {
      v.on_standby = true;
      refresh_status(v, "held in reserve", {});
      schedule(now + rng.between(2, 15) * kDay + rng.between(0, 600) * kMinute, Task::end_standby, i);
    }
    if (config.depots > 1 && rng.chance(1.0 / (6 * 365.0)))
      schedule(now + 4 * kHour + rng.between(0, 360) * kMinute, Task::transfer, i);
  }
  for (std::uint32_t p = 0; p < inventory.size(); ++p)
    if (inventory.needs_reorder(p)) order_stock(p, inventory.at(p).order_quantity, false);
  if (static_cast<int>(day) + 1 < config.days) schedule(config.start + (day + 1) * kDay + 5 * kHour, Task::daily_tick, day + 1);
}

void FleetSimulation::State::end_standby(std::uint32_t idx) {
  Vehicle& v = vehicles[idx];
  if (!v.on_standby) return;
  v.on_standby = false;
  refresh_status(v, "back from reserve", {});
}

void FleetSimulation::State::transfer(std::uint32_t idx) {
  Vehicle& v = vehicles[idx];
  if (!v.registered || v.retired || v.retire_pending || v.open_orders > 0) return;
  auto to = static_cast<std::uint32_t>(rng.below(static_cast<std::uint64_t>(config.depots - 1)));
  if (to >= v.depot) ++to;
  emit(kVehicle, v.number, "VehicleTransferred", {{"from_depot", depot_names()[v.depot]}, {"to_depot", depot_names()[to]}},
       "demo:fleet-manager");
  v.depot = to;
}

void FleetSimulation::State::retire(std::uint32_t idx) {
  Vehicle& v = vehicles[idx];
  if (v.retired || !v.registered) return;
  if (v.open_orders > 0) {  // finish the open work first; no new work is planned meanwhile
    v.retire_pending = true;
    schedule(now + kDay, Task::retire, idx);
    return;
  }
  static const std::vector<const char*> reasons = {"end of economic life", "accident damage beyond economic repair",
                                                   "fleet reduction", "replaced by new rolling stock"};
  const char* reason = rng.pick(reasons);
  v.on_standby = false;
  v.awaiting = 1;  // withdrawn: out of service, then retired
  refresh_status(v, "withdrawn from service", {});
  emit(kVehicle, v.number, "VehicleRetired", {{"reason", reason}}, "demo:fleet-manager");
  v.retired = true;
}

}  // namespace roundhouse::fleet::demo
