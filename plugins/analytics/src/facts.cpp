#include "facts.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>

namespace roundhouse::analytics {
namespace json = boost::json;

namespace {

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
double num(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return 0;
}
std::optional<VehicleStatus> status_of(std::string_view s) {
  if (s == "in_service") return VehicleStatus::in_service;
  if (s == "standby") return VehicleStatus::standby;
  if (s == "under_maintenance") return VehicleStatus::under_maintenance;
  if (s == "out_of_service") return VehicleStatus::out_of_service;
  return std::nullopt;
}
std::uint8_t category_of(std::string_view s) {
  for (std::uint8_t i = 0; i < 3; ++i)
    if (s == kCategories[i]) return i;
  return 0;
}
// A bare date is due by the end of that day; a timestamp is due at that instant.
Timestamp due_of(const std::string& text) {
  auto t = parse_timestamp(text);
  if (!t) return 0;
  return text.size() == 10 ? *t + kDayMicros : *t;
}
// Keeps `v` sorted by .at when an event arrives back-dated (the usual case is a plain append).
template <class T>
void insert_sorted(std::vector<T>& v, T item) {
  if (v.empty() || v.back().at <= item.at) {
    v.push_back(std::move(item));
    return;
  }
  auto it = std::upper_bound(v.begin(), v.end(), item.at, [](Timestamp t, const T& x) { return t < x.at; });
  v.insert(it, std::move(item));
}

}  // namespace

int system_index(std::string_view name) {
  for (std::size_t i = 0; i < kSystemCount; ++i)
    if (name == kSystems[i]) return static_cast<int>(i);
  return -1;
}

double VehicleFacts::odometer_at(Timestamp t) const {
  if (readings.empty()) return 0;
  auto it = std::upper_bound(readings.begin(), readings.end(), t, [](Timestamp x, const MeterReading& r) { return x < r.at; });
  if (it == readings.begin()) return readings.front().odometer_km;
  if (it == readings.end()) return readings.back().odometer_km;
  const auto& b = *it;
  const auto& a = *(it - 1);
  const double f = static_cast<double>(t - a.at) / static_cast<double>(b.at - a.at);
  return a.odometer_km + f * (b.odometer_km - a.odometer_km);
}

std::optional<std::uint32_t> FactStore::vehicle_index(const std::string& id) const {
  auto it = vehicle_ids_.find(id);
  if (it == vehicle_ids_.end()) return std::nullopt;
  return it->second;
}

void FactStore::set_part(PartState& part, Timestamp at, std::int64_t on_hand, double unit_cost) {
  const double before = static_cast<double>(part.on_hand) * part.unit_cost;
  part.on_hand = on_hand;
  part.unit_cost = unit_cost;
  stock_value_now_ += static_cast<double>(on_hand) * unit_cost - before;
  insert_sorted(stock_value_, StockValuePoint{at, stock_value_now_});
}

void FactStore::classify(std::uint32_t index) {
  const WorkOrderFact& w = work_orders_[index];
  const std::optional<Timestamp> closed = w.completed ? w.completed : w.cancelled;
  Timestamp last = std::max(w.due, closed.value_or(w.created));
  if (w.scheduled_end) last = std::max(last, *w.scheduled_end);
  if (!closed || last - w.created > kWorkOrderSpan) wide_orders_.insert(index);
  else wide_orders_.erase(index);
}

Status FactStore::apply(const RecordedEvent& e) {
  ++applied_;
  // The data clock follows the fleet's own history only: events of other streams (a model
  // trained or a prediction recorded today, sync bookkeeping) would move the default window to
  // now and empty every KPI of a back-filled fleet.
  const std::string& kind = e.stream.type;
  if (kind == "vehicle" || kind == "failure" || kind == "workorder" || kind == "part")
    latest_ = std::max(latest_, e.occurred_at);
  json::value parsed;
  try {
    parsed = json::parse(e.payload);
  } catch (const std::exception& ex) {
    return {ErrorCode::corrupted, "event " + std::to_string(e.position) + ": payload is not JSON: " + ex.what()};
  }
  if (!parsed.is_object()) return {};
  const json::object& p = parsed.get_object();
  const std::string& type = e.type;
  const std::string& id = e.stream.id;
  const Timestamp at = e.occurred_at;

  if (e.stream.type == "vehicle") {
    auto found = vehicle_ids_.find(id);
    if (type == "VehicleRegistered") {
      if (found != vehicle_ids_.end()) return {};
      VehicleFacts v{id, str(p, "vehicle_type"), str(p, "depot"), at, std::nullopt, {}, {}};
      v.statuses.push_back({at, status_of(str(p, "status")).value_or(VehicleStatus::in_service)});
      vehicle_ids_.emplace(id, static_cast<std::uint32_t>(vehicles_.size()));
      vehicles_.push_back(std::move(v));
      return {};
    }
    if (found == vehicle_ids_.end()) return {};
    VehicleFacts& v = vehicles_[found->second];
    if (type == "VehicleStatusChanged") {
      if (auto s = status_of(str(p, "status"))) insert_sorted(v.statuses, StatusChange{at, *s});
    } else if (type == "MeterReadingRecorded") {
      // Version 1 payloads carried {"km": N}; the fleet's upcaster is not applied to raw reads.
      const double km = p.contains("odometer_km") ? num(p, "odometer_km") : num(p, "km");
      insert_sorted(v.readings, MeterReading{at, km});
    } else if (type == "VehicleTransferred") {
      v.depot = str(p, "to_depot");
    } else if (type == "VehicleRetired") {
      v.retired = at;
    }
    return {};
  }

  if (e.stream.type == "failure") {
    if (type != "FailureReported") return {};
    auto v = vehicle_ids_.find(str(p, "vehicle_id"));
    const int s = system_index(str(p, "system"));
    if (v == vehicle_ids_.end()) return {};
    const auto* sa = p.if_contains("service_affecting");
    insert_sorted(failures_, FailureFact{at, v->second, static_cast<std::uint8_t>(s < 0 ? kSystemCount - 1 : s),
                                         sa && sa->is_bool() && sa->get_bool()});
    return {};
  }

  if (e.stream.type == "workorder") {
    if (type == "WorkOrderCreated") {
      auto v = vehicle_ids_.find(str(p, "vehicle_id"));
      if (v == vehicle_ids_.end() || work_order_ids_.contains(id)) return {};
      WorkOrderFact w;
      w.vehicle = v->second;
      w.category = category_of(str(p, "category"));
      w.system = static_cast<std::int16_t>(system_index(str(p, "system")));
      w.created = at;
      w.due = due_of(str(p, "due_date"));
      const auto index = static_cast<std::uint32_t>(work_orders_.size());
      work_order_ids_.emplace(id, index);
      work_orders_.push_back(w);
      auto pos = std::upper_bound(orders_by_created_.begin(), orders_by_created_.end(), at,
                                  [&](Timestamp t, std::uint32_t i) { return t < work_orders_[i].created; });
      orders_by_created_.insert(pos, index);
      classify(index);
      return {};
    }
    auto found = work_order_ids_.find(id);
    if (found == work_order_ids_.end()) return {};
    WorkOrderFact& w = work_orders_[found->second];
    struct Reclassify {  // whatever the event changed, the order's place in wide_orders_ follows
      FactStore& facts;
      std::uint32_t index;
      ~Reclassify() { facts.classify(index); }
    } reclassify{*this, found->second};
    if (type == "WorkOrderScheduled") {
      w.scheduled_end = parse_timestamp(str(p, "end"));
    } else if (type == "WorkOrderStarted") {
      w.started = at;
    } else if (type == "WorkOrderCompleted") {
      w.completed = at;
    } else if (type == "WorkOrderCancelled") {
      w.cancelled = at;
    } else if (type == "WorkOrderPartsConsumed") {
      insert_sorted(costs_, CostFact{at, w.vehicle, num(p, "quantity") * num(p, "unit_cost"), 0});
    } else if (type == "WorkOrderLabourBooked") {
      insert_sorted(costs_, CostFact{at, w.vehicle, 0, num(p, "hours")});
    }
    return {};
  }

  if (e.stream.type == "part") {
    if (type == "PartDefined") {
      parts_.try_emplace(id, PartState{0, num(p, "unit_cost")});
      return {};
    }
    auto found = parts_.find(id);
    if (found == parts_.end()) return {};
    PartState& part = found->second;
    const auto qty = static_cast<std::int64_t>(num(p, "quantity"));
    if (type == "StockReceived") {
      // Stock is valued at the latest purchase price (a delivery re-values what is on the shelf).
      set_part(part, at, part.on_hand + qty, p.contains("unit_cost") ? num(p, "unit_cost") : part.unit_cost);
    } else if (type == "StockIssued") {
      const double cost = p.contains("unit_cost") ? num(p, "unit_cost") : part.unit_cost;
      set_part(part, at, part.on_hand - qty, part.unit_cost);
      insert_sorted(issues_, IssueFact{at, static_cast<double>(qty) * cost, part.on_hand <= 0});
    } else if (type == "StockReturned") {
      set_part(part, at, part.on_hand + qty, part.unit_cost);
    } else if (type == "StockCounted") {
      set_part(part, at, static_cast<std::int64_t>(num(p, "counted_quantity")), part.unit_cost);
    }
  }
  return {};
}

}  // namespace roundhouse::analytics
