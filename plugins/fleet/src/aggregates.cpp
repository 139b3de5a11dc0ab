#include "aggregates.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "json_access.hpp"

namespace roundhouse::fleet {
namespace json = boost::json;

namespace {

json::object payload_of(const RecordedEvent& e) {
  auto v = json::parse(e.payload);
  return v.is_object() ? std::move(v.get_object()) : json::object{};
}

Status unknown(const RecordedEvent& e, const char* aggregate) {
  return {ErrorCode::corrupted, "event type " + e.type + " does not belong to a " + aggregate};
}

std::string when(const RecordedEvent& e) { return format_timestamp(e.occurred_at); }

std::string pretty(std::string s) {
  for (auto& c : s)
    if (c == '_') c = ' ';
  return s;
}

}  // namespace

Status VehicleState::apply(const RecordedEvent& e) {
  const auto p = payload_of(e);
  if (e.type == "VehicleRegistered") {
    state_ = json::object{{"number", str(p, "number", e.stream.id)},
                          {"vehicle_type", str(p, "vehicle_type")},
                          {"depot", str(p, "depot")},
                          {"commissioned_on", str(p, "commissioned_on")},
                          {"model", str(p, "model")},
                          {"status", str(p, "status", "in_service")},
                          {"status_since", when(e)},
                          {"odometer_km", 0.0},
                          {"engine_hours", 0.0},
                          {"retired", false},
                          {"registered_at", when(e)}};
  } else if (e.type == "VehicleStatusChanged") {
    state_["status"] = str(p, "status");
    state_["status_since"] = when(e);
  } else if (e.type == "VehicleTransferred") {
    state_["depot"] = str(p, "to_depot");
  } else if (e.type == "MeterReadingRecorded") {
    state_["odometer_km"] = num(p, "odometer_km");
    if (const auto* h = p.if_contains("engine_hours"); h && !h->is_null()) state_["engine_hours"] = num(p, "engine_hours");
    state_["last_meter_reading_at"] = when(e);
  } else if (e.type == "VehicleRetired") {
    state_["retired"] = true;
    state_["retired_at"] = when(e);
    state_["retirement_reason"] = str(p, "reason");
  } else {
    return unknown(e, "vehicle");
  }
  return {};
}

Status FailureState::apply(const RecordedEvent& e) {
  const auto p = payload_of(e);
  if (e.type == "FailureReported") {
    state_ = json::object{{"failure_id", e.stream.id},
                          {"vehicle_id", str(p, "vehicle_id")},
                          {"system", str(p, "system")},
                          {"severity", str(p, "severity")},
                          {"service_affecting", boolean(p, "service_affecting")},
                          {"description", str(p, "description")},
                          {"status", "open"},
                          {"reported_at", when(e)},
                          {"work_order_ids", json::array{}}};
  } else if (e.type == "FailureLinkedToWorkOrder") {
    state_["work_order_ids"].as_array().push_back(json::value(str(p, "work_order_id")));
  } else if (e.type == "FailureClosed") {
    state_["status"] = "closed";
    state_["closed_at"] = when(e);
    state_["resolution"] = str(p, "resolution");
  } else {
    return unknown(e, "failure");
  }
  return {};
}

Status WorkOrderState::apply(const RecordedEvent& e) {
  const auto p = payload_of(e);
  if (e.type == "WorkOrderCreated") {
    state_ = json::object{{"work_order_id", e.stream.id},
                          {"vehicle_id", str(p, "vehicle_id")},
                          {"category", str(p, "category")},
                          {"priority", str(p, "priority")},
                          {"due_date", str(p, "due_date")},
                          {"system", str(p, "system")},
                          {"failure_id", str(p, "failure_id")},
                          {"description", str(p, "description")},
                          {"status", "created"},
                          {"created_at", when(e)},
                          {"parts", json::array{}},
                          {"parts_cost", 0.0},
                          {"labour_hours", 0.0}};
  } else if (e.type == "WorkOrderScheduled") {
    state_["status"] = "scheduled";
    state_["scheduled_start"] = str(p, "start");
    state_["scheduled_end"] = str(p, "end");
  } else if (e.type == "WorkOrderAssigned") {
    state_["technician"] = str(p, "technician");
    if (state_["status"] == "created" || state_["status"] == "scheduled") state_["status"] = "assigned";
  } else if (e.type == "WorkOrderStarted") {
    state_["status"] = "in_progress";
    state_["started_at"] = when(e);
  } else if (e.type == "WorkOrderPartsConsumed") {
    state_["parts"].as_array().push_back(json::object{{"part_number", str(p, "part_number")},
                                                      {"quantity", integer(p, "quantity")},
                                                      {"unit_cost", num(p, "unit_cost")}});
    state_["parts_cost"] = num(state_, "parts_cost") + num(p, "unit_cost") * static_cast<double>(integer(p, "quantity"));
  } else if (e.type == "WorkOrderLabourBooked") {
    state_["labour_hours"] = num(state_, "labour_hours") + num(p, "hours");
  } else if (e.type == "WorkOrderCompleted") {
    state_["status"] = "completed";
    state_["completed_at"] = when(e);
    state_["notes"] = str(p, "notes");
  } else if (e.type == "WorkOrderCancelled") {
    state_["status"] = "cancelled";
    state_["cancelled_at"] = when(e);
    state_["cancel_reason"] = str(p, "reason");
  } else {
    return unknown(e, "work order");
  }
  return {};
}

Status PartState::apply(const RecordedEvent& e) {
  const auto p = payload_of(e);
  auto add = [&](const char* key, std::int64_t delta) { state_[key] = integer(state_, key) + delta; };
  auto reservations = [&]() -> json::object& { return state_["reservations"].as_object(); };
  const std::int64_t qty = integer(p, "quantity");
  const std::string wo = str(p, "work_order_id");
  if (e.type == "PartDefined") {
    state_ = json::object{{"part_number", str(p, "part_number", e.stream.id)},
                          {"description", str(p, "description")},
                          {"unit_cost", num(p, "unit_cost")},
                          {"reorder_point", integer(p, "reorder_point")},
                          {"unit", str(p, "unit", "pcs")},
                          {"on_hand", 0},
                          {"reserved", 0},
                          {"received_total", 0},
                          {"issued_total", 0},
                          {"reservations", json::object{}}};
  } else if (e.type == "StockReceived") {
    add("on_hand", qty);
    add("received_total", qty);
    if (p.contains("unit_cost")) state_["unit_cost"] = num(p, "unit_cost");
  } else if (e.type == "StockReserved") {
    add("reserved", qty);
    reservations()[wo] = integer(reservations(), wo.c_str()) + qty;
  } else if (e.type == "StockIssued") {
    add("on_hand", -qty);
    add("issued_total", qty);
    if (!wo.empty() && reservations().contains(wo)) {  // issuing consumes the order's reservation first
      const std::int64_t held = integer(reservations(), wo.c_str());
      const std::int64_t released = std::min(held, qty);
      add("reserved", -released);
      if (held - released > 0) reservations()[wo] = held - released;
      else reservations().erase(wo);
    }
  } else if (e.type == "StockReturned") {
    add("on_hand", qty);
    add("issued_total", -qty);
  } else if (e.type == "StockCounted") {
    state_["on_hand"] = integer(p, "counted_quantity");
    state_["last_counted_at"] = when(e);
  } else {
    return unknown(e, "part");
  }
  return {};
}

namespace {

std::string describe_event(const RecordedEvent& e) {
  json::object p;
  try {
    p = payload_of(e);
  } catch (...) {
  }
  const auto& t = e.type;
  if (t == "VehicleRegistered")
    return "registered " + pretty(str(p, "vehicle_type")) + " " + str(p, "number", e.stream.id) + " at depot " + str(p, "depot");
  if (t == "VehicleStatusChanged")
    return "status: " + pretty(str(p, "previous_status")) + " -> " + pretty(str(p, "status")) +
           (str(p, "reason").empty() ? "" : " (" + str(p, "reason") + ")");
  if (t == "VehicleTransferred") return "depot: " + str(p, "from_depot") + " -> " + str(p, "to_depot");
  if (t == "MeterReadingRecorded") return "odometer read at " + std::to_string(static_cast<long long>(num(p, "odometer_km"))) + " km";
  if (t == "VehicleRetired") return "retired: " + str(p, "reason");
  if (t == "FailureReported")
    return "reported a " + str(p, "severity") + " " + str(p, "system") + " failure on " + str(p, "vehicle_id") +
           (boolean(p, "service_affecting") ? " (service affecting)" : "");
  if (t == "FailureLinkedToWorkOrder") return "linked to work order " + str(p, "work_order_id");
  if (t == "FailureClosed") return "closed: " + str(p, "resolution");
  if (t == "WorkOrderCreated")
    return "opened " + str(p, "priority") + " " + str(p, "category") + " work order for " + str(p, "vehicle_id");
  if (t == "WorkOrderScheduled") return "scheduled " + str(p, "start") + " to " + str(p, "end");
  if (t == "WorkOrderAssigned") return "assigned to " + str(p, "technician");
  if (t == "WorkOrderStarted") return "work started";
  if (t == "WorkOrderPartsConsumed")
    return "used " + std::to_string(integer(p, "quantity")) + " x " + str(p, "part_number");
  if (t == "WorkOrderLabourBooked") return "booked " + json::serialize(json::value(num(p, "hours"))) + " h for " + str(p, "technician");
  if (t == "WorkOrderCompleted") return "work order completed";
  if (t == "WorkOrderCancelled") return "cancelled: " + str(p, "reason");
  if (t == "PartDefined") return "defined part " + str(p, "part_number") + " (" + str(p, "description") + ")";
  if (t == "StockReceived") return "received " + std::to_string(integer(p, "quantity"));
  if (t == "StockReserved") return "reserved " + std::to_string(integer(p, "quantity")) + " for " + str(p, "work_order_id");
  if (t == "StockIssued") return "issued " + std::to_string(integer(p, "quantity")) + (str(p, "work_order_id").empty() ? "" : " to " + str(p, "work_order_id"));
  if (t == "StockReturned") return "returned " + std::to_string(integer(p, "quantity"));
  if (t == "StockCounted")
    return "counted " + std::to_string(integer(p, "counted_quantity")) + " (adjustment " + std::to_string(integer(p, "adjustment")) + ")";
  return t;
}

template <class State>
AggregateType make_type(const char* name) {
  return AggregateType{name, [] { return std::make_unique<State>(); }, &describe_event};
}

}  // namespace

AggregateType vehicle_type() { return make_type<VehicleState>(kVehicle); }
AggregateType failure_type() { return make_type<FailureState>(kFailure); }
AggregateType work_order_type() { return make_type<WorkOrderState>(kWorkOrder); }
AggregateType part_type() { return make_type<PartState>(kPart); }

}  // namespace roundhouse::fleet
