#include "commands.hpp"

#include <boost/json/serialize.hpp>

#include "json_access.hpp"

namespace roundhouse::fleet {
namespace json = boost::json;

namespace {

Error rule(std::string message) { return Error{ErrorCode::rule_violation, std::move(message)}; }

PlannedEvent on(const char* aggregate, const CommandInput& in, const char* type, json::object payload) {
  return PlannedEvent{aggregate, in.id, type, std::move(payload)};
}

Decision single(PlannedEvent e) {
  Decision d;
  d.events.push_back(std::move(e));
  return d;
}

Result<json::object> require(CommandContext& ctx, const char* aggregate, const std::string& id, const char* what) {
  auto loaded = ctx.load(aggregate, id);
  if (!loaded) return loaded.error();
  if (!*loaded) return rule(std::string(what) + " '" + id + "' does not exist");
  return std::move(**loaded);
}

Status vehicle_in_fleet(CommandContext& ctx, const std::string& vehicle_id) {
  auto v = require(ctx, kVehicle, vehicle_id, "vehicle");
  if (!v) return v.error();
  if (boolean(*v, "retired")) return rule("vehicle '" + vehicle_id + "' is retired");
  return {};
}

// ---- vehicle ----

Result<Decision> register_vehicle(const json::object&, const CommandInput& in, CommandContext&) {
  json::object p = in.body;
  p["number"] = in.id;
  return single(on(kVehicle, in, "VehicleRegistered", std::move(p)));
}

Status not_retired(const json::object& s) {
  if (boolean(s, "retired")) return rule("vehicle '" + str(s, "number") + "' is retired");
  return {};
}

Result<Decision> change_status(const json::object& s, const CommandInput& in, CommandContext&) {
  if (auto st = not_retired(s); !st) return st.error();
  const std::string to = str(in.body, "status");
  if (to == str(s, "status")) return rule("vehicle '" + str(s, "number") + "' is already " + to);
  json::object p = in.body;
  p["previous_status"] = str(s, "status");
  return single(on(kVehicle, in, "VehicleStatusChanged", std::move(p)));
}

Result<Decision> transfer(const json::object& s, const CommandInput& in, CommandContext&) {
  if (auto st = not_retired(s); !st) return st.error();
  const std::string to = str(in.body, "to_depot");
  if (to == str(s, "depot")) return rule("vehicle '" + str(s, "number") + "' is already at depot " + to);
  return single(on(kVehicle, in, "VehicleTransferred", {{"from_depot", str(s, "depot")}, {"to_depot", to}}));
}

Result<Decision> record_meters(const json::object& s, const CommandInput& in, CommandContext&) {
  if (auto st = not_retired(s); !st) return st.error();
  if (num(in.body, "odometer_km", 0) < num(s, "odometer_km"))
    return rule("odometer reading " + json::serialize(json::value(num(in.body, "odometer_km"))) +
                " km is below the last reading " + json::serialize(json::value(num(s, "odometer_km"))) + " km");
  if (const auto* h = in.body.if_contains("engine_hours"); h && !h->is_null() && num(in.body, "engine_hours") < num(s, "engine_hours"))
    return rule("engine hours " + json::serialize(*h) + " are below the last reading " +
                json::serialize(json::value(num(s, "engine_hours"))));
  return single(on(kVehicle, in, "MeterReadingRecorded", in.body));
}

Result<Decision> retire(const json::object& s, const CommandInput& in, CommandContext&) {
  if (auto st = not_retired(s); !st) return st.error();
  return single(on(kVehicle, in, "VehicleRetired", in.body));
}

// ---- failure ----

Result<Decision> report_failure(const json::object&, const CommandInput& in, CommandContext& ctx) {
  if (auto st = vehicle_in_fleet(ctx, str(in.body, "vehicle_id")); !st) return st.error();
  return single(on(kFailure, in, "FailureReported", in.body));
}

Result<Decision> link_failure(const json::object& s, const CommandInput& in, CommandContext& ctx) {
  const std::string wo = str(in.body, "work_order_id");
  if (auto w = require(ctx, kWorkOrder, wo, "work order"); !w) return w.error();
  for (const auto& linked : s.at("work_order_ids").as_array())
    if (linked.as_string() == wo) return rule("failure '" + in.id + "' is already linked to " + wo);
  return single(on(kFailure, in, "FailureLinkedToWorkOrder", in.body));
}

Result<Decision> close_failure(const json::object& s, const CommandInput& in, CommandContext&) {
  if (str(s, "status") == "closed") return rule("failure '" + in.id + "' is already closed");
  return single(on(kFailure, in, "FailureClosed", in.body));
}

// ---- work order ----

Status open_order(const json::object& s, const std::string& action) {
  const std::string status = str(s, "status");
  if (status == "completed" || status == "cancelled")
    return rule("cannot " + action + " work order '" + str(s, "work_order_id") + "': it is " + status);
  return {};
}

Result<Decision> create_work_order(const json::object&, const CommandInput& in, CommandContext& ctx) {
  if (auto st = vehicle_in_fleet(ctx, str(in.body, "vehicle_id")); !st) return st.error();
  Decision d = single(on(kWorkOrder, in, "WorkOrderCreated", in.body));
  if (const std::string failure = str(in.body, "failure_id"); !failure.empty()) {
    auto f = require(ctx, kFailure, failure, "failure");
    if (!f) return f.error();
    d.after.push_back({kFailure, failure, "FailureLinkedToWorkOrder", {{"work_order_id", in.id}}});
  }
  return d;
}

Result<Decision> schedule(const json::object& s, const CommandInput& in, CommandContext&) {
  if (auto st = open_order(s, "schedule"); !st) return st.error();
  if (str(s, "status") == "in_progress") return rule("work order '" + in.id + "' has already started");
  auto start = parse_timestamp(str(in.body, "start")), end = parse_timestamp(str(in.body, "end"));
  if (start && end && *end < *start) return rule("scheduled end is before the start");
  return single(on(kWorkOrder, in, "WorkOrderScheduled", in.body));
}

Result<Decision> assign(const json::object& s, const CommandInput& in, CommandContext&) {
  if (auto st = open_order(s, "assign"); !st) return st.error();
  return single(on(kWorkOrder, in, "WorkOrderAssigned", in.body));
}

Result<Decision> start(const json::object& s, const CommandInput& in, CommandContext&) {
  if (auto st = open_order(s, "start"); !st) return st.error();
  if (str(s, "status") == "in_progress") return rule("work order '" + in.id + "' has already started");
  return single(on(kWorkOrder, in, "WorkOrderStarted", in.body));
}

Result<Decision> consume_parts(const json::object& s, const CommandInput& in, CommandContext& ctx) {
  if (auto st = open_order(s, "consume parts on"); !st) return st.error();
  if (str(s, "status") != "in_progress") return rule("parts can only be consumed once work order '" + in.id + "' has started");
  const std::string part_number = str(in.body, "part_number");
  const std::int64_t qty = integer(in.body, "quantity");
  auto part = require(ctx, kPart, part_number, "part");
  if (!part) return part.error();
  const auto& reservations = part->at("reservations").as_object();
  const std::int64_t mine = integer(reservations, in.id.c_str());
  const std::int64_t available = integer(*part, "on_hand") - (integer(*part, "reserved") - mine);
  if (qty > available)
    return rule("insufficient stock: part '" + part_number + "' has " + std::to_string(available) +
                " available, " + std::to_string(qty) + " requested");
  const double unit_cost = num(*part, "unit_cost");
  Decision d;
  d.before.push_back({kPart, part_number, "StockIssued", {{"quantity", qty}, {"work_order_id", in.id}, {"unit_cost", unit_cost}}});
  d.events.push_back(on(kWorkOrder, in, "WorkOrderPartsConsumed",
                        {{"part_number", part_number}, {"quantity", qty}, {"unit_cost", unit_cost}}));
  d.compensate.push_back({kPart, part_number, "StockReturned", {{"quantity", qty}, {"work_order_id", in.id}}});
  return d;
}

Result<Decision> book_labour(const json::object& s, const CommandInput& in, CommandContext&) {
  if (auto st = open_order(s, "book labour on"); !st) return st.error();
  if (str(s, "status") != "in_progress") return rule("labour can only be booked once work order '" + in.id + "' has started");
  return single(on(kWorkOrder, in, "WorkOrderLabourBooked", in.body));
}

Result<Decision> complete(const json::object& s, const CommandInput& in, CommandContext&) {
  if (auto st = open_order(s, "complete"); !st) return st.error();
  if (str(s, "status") != "in_progress") return rule("work order '" + in.id + "' must be started before it is completed");
  return single(on(kWorkOrder, in, "WorkOrderCompleted", in.body));
}

Result<Decision> cancel(const json::object& s, const CommandInput& in, CommandContext&) {
  if (auto st = open_order(s, "cancel"); !st) return st.error();
  return single(on(kWorkOrder, in, "WorkOrderCancelled", in.body));
}

// ---- part / inventory ----

Result<Decision> define_part(const json::object&, const CommandInput& in, CommandContext&) {
  json::object p = in.body;
  p["part_number"] = in.id;
  return single(on(kPart, in, "PartDefined", std::move(p)));
}

Result<Decision> receive(const json::object&, const CommandInput& in, CommandContext&) {
  return single(on(kPart, in, "StockReceived", in.body));
}

Result<Decision> reserve(const json::object& s, const CommandInput& in, CommandContext& ctx) {
  const std::int64_t available = integer(s, "on_hand") - integer(s, "reserved");
  const std::int64_t qty = integer(in.body, "quantity");
  if (qty > available)
    return rule("insufficient stock: part '" + in.id + "' has " + std::to_string(available) + " available, " +
                std::to_string(qty) + " requested");
  auto wo = require(ctx, kWorkOrder, str(in.body, "work_order_id"), "work order");
  if (!wo) return wo.error();
  if (auto st = open_order(*wo, "reserve stock for"); !st) return st.error();
  return single(on(kPart, in, "StockReserved", in.body));
}

Result<Decision> issue(const json::object& s, const CommandInput& in, CommandContext&) {
  const std::int64_t qty = integer(in.body, "quantity");
  const std::string wo = str(in.body, "work_order_id");
  const std::int64_t mine = wo.empty() ? 0 : integer(s.at("reservations").as_object(), wo.c_str());
  const std::int64_t available = integer(s, "on_hand") - (integer(s, "reserved") - mine);
  if (qty > available)
    return rule("insufficient stock: part '" + in.id + "' has " + std::to_string(available) + " available, " +
                std::to_string(qty) + " requested");
  json::object p = in.body;
  p["unit_cost"] = num(s, "unit_cost");
  return single(on(kPart, in, "StockIssued", std::move(p)));
}

Result<Decision> return_stock(const json::object& s, const CommandInput& in, CommandContext&) {
  if (integer(in.body, "quantity") > integer(s, "issued_total"))
    return rule("cannot return more of part '" + in.id + "' than was issued (" + std::to_string(integer(s, "issued_total")) + ")");
  return single(on(kPart, in, "StockReturned", in.body));
}

Result<Decision> count(const json::object& s, const CommandInput& in, CommandContext&) {
  const std::int64_t counted = integer(in.body, "counted_quantity", -1);
  if (counted < integer(s, "reserved"))
    return rule("counted quantity " + std::to_string(counted) + " is below the " + std::to_string(integer(s, "reserved")) +
                " units reserved for open work orders");
  json::object p = in.body;
  p["adjustment"] = counted - integer(s, "on_hand");
  return single(on(kPart, in, "StockCounted", std::move(p)));
}

}  // namespace

const std::vector<CommandSpec>& command_table() {
  static const std::vector<CommandSpec> table = {
      {"register-vehicle", kVehicle, true, nullptr, "number", &register_vehicle, "VehicleRegistered", {"number"}},
      {"change-vehicle-status", kVehicle, false, nullptr, nullptr, &change_status, "VehicleStatusChanged", {"previous_status"}},
      {"transfer-vehicle", kVehicle, false, nullptr, nullptr, &transfer, "VehicleTransferred", {"from_depot"}},
      {"record-meters", kVehicle, false, nullptr, nullptr, &record_meters, "MeterReadingRecorded", {}},
      {"retire-vehicle", kVehicle, false, nullptr, nullptr, &retire, "VehicleRetired", {}},
      {"report-failure", kFailure, true, "F-", "failure_id", &report_failure, "FailureReported", {}},
      {"link-failure", kFailure, false, nullptr, nullptr, &link_failure, "FailureLinkedToWorkOrder", {}},
      {"close-failure", kFailure, false, nullptr, nullptr, &close_failure, "FailureClosed", {}},
      {"create-work-order", kWorkOrder, true, "WO-", "work_order_id", &create_work_order, "WorkOrderCreated", {}},
      {"schedule-work-order", kWorkOrder, false, nullptr, nullptr, &schedule, "WorkOrderScheduled", {}},
      {"assign-work-order", kWorkOrder, false, nullptr, nullptr, &assign, "WorkOrderAssigned", {}},
      {"start-work-order", kWorkOrder, false, nullptr, nullptr, &start, "WorkOrderStarted", {}},
      {"consume-parts", kWorkOrder, false, nullptr, nullptr, &consume_parts, "WorkOrderPartsConsumed", {"unit_cost"}},
      {"book-labour", kWorkOrder, false, nullptr, nullptr, &book_labour, "WorkOrderLabourBooked", {}},
      {"complete-work-order", kWorkOrder, false, nullptr, nullptr, &complete, "WorkOrderCompleted", {}},
      {"cancel-work-order", kWorkOrder, false, nullptr, nullptr, &cancel, "WorkOrderCancelled", {}},
      {"define-part", kPart, true, nullptr, "part_number", &define_part, "PartDefined", {"part_number"}},
      {"receive-stock", kPart, false, nullptr, nullptr, &receive, "StockReceived", {}},
      {"reserve-stock", kPart, false, nullptr, nullptr, &reserve, "StockReserved", {}},
      {"issue-stock", kPart, false, nullptr, nullptr, &issue, "StockIssued", {"unit_cost"}},
      {"return-stock", kPart, false, nullptr, nullptr, &return_stock, "StockReturned", {}},
      {"count-stock", kPart, false, nullptr, nullptr, &count, "StockCounted", {"adjustment"}},
  };
  return table;
}

const CommandSpec* find_command(const std::string& name) {
  for (const auto& c : command_table())
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace roundhouse::fleet
