#include "projections.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parser.hpp>

#include "aggregates.hpp"
#include "json_access.hpp"

namespace roundhouse::fleet {
namespace json = boost::json;

namespace {

// A projection whose whole model is one JSON object (saved and restored as is). The models are
// per-entity maps, small next to the log, so this keeps checkpoints trivial and exact.
class JsonModelProjection : public Projection {
 public:
  json::value save_state() const override { return model_; }
  Status restore_state(const json::value& state) override {
    if (!state.is_object()) return {ErrorCode::corrupted, name() + ": saved state is not an object"};
    model_ = state.get_object();
    return {};
  }

 protected:
  json::object& table(const char* key) {
    auto& v = model_[key];
    if (!v.is_object()) v = json::object{};
    return v.as_object();
  }
  const json::object* table(const char* key) const {
    const auto* v = model_.if_contains(key);
    return v && v->is_object() ? &v->get_object() : nullptr;
  }
  // The event's payload, parsed into a per-thread arena that the next call recycles: it is only
  // read while apply() copies fields into the model (copies take the model's own storage), and
  // allocating nothing per event is most of what a replay of millions of events costs here.
  // The resource is re-created per call (not release()d: Boost 1.81's release() keeps doubling
  // its next block size, which ends in bad_alloc after a few dozen events).
  static const json::object& payload(const RecordedEvent& e) {
    struct Arena {
      alignas(std::max_align_t) unsigned char buffer[16 * 1024];
      std::optional<json::value> current;
      std::optional<json::monotonic_resource> resource;
      json::parser parser;
    };
    thread_local Arena a;
    static const json::object empty;
    a.current.reset();  // drop the previous payload before its memory is reused
    a.resource.emplace(a.buffer, sizeof a.buffer);
    a.parser.reset(json::storage_ptr(&*a.resource));
    boost::system::error_code ec;
    a.parser.write(e.payload, ec);
    if (ec) return empty;
    a.current.emplace(a.parser.release());  // emplace keeps the arena as the value's storage
    return a.current->is_object() ? a.current->get_object() : empty;
  }
  static Status reject_unknown(const json::object& params, std::initializer_list<const char*> known) {
    for (const auto& kv : params) {
      bool ok = false;
      for (const char* k : known) ok = ok || kv.key() == k;
      if (!ok) return {ErrorCode::invalid_argument, "unknown query parameter '" + std::string(kv.key()) + "'"};
    }
    return {};
  }
  static std::string param(const json::object& params, const char* key) { return str(params, key); }
  static std::size_t limit_of(const json::object& params, std::size_t fallback = 1000) {
    const std::string s = str(params, "limit");
    if (s.empty()) return fallback;
    try {
      return std::max<std::size_t>(1, std::stoul(s));
    } catch (...) {
      return fallback;
    }
  }

  json::object model_;
};

// ---------------------------------------------------------------------------------------------
class VehicleStateProjection final : public JsonModelProjection {
 public:
  std::string name() const override { return "vehicle-state"; }
  EventFilter filter() const override { return {.aggregate_types = {kVehicle, kFailure, kWorkOrder}}; }

  Status apply(const RecordedEvent& e) override {
    const auto& p = payload(e);
    auto& vehicles = table("vehicles");
    if (e.stream.type == kVehicle) {
      if (e.type == "VehicleRegistered") {
        vehicles[e.stream.id] = json::object{{"number", e.stream.id}, {"vehicle_type", str(p, "vehicle_type")},
                                             {"depot", str(p, "depot")}, {"status", str(p, "status", "in_service")},
                                             {"status_since", format_timestamp(e.occurred_at)}, {"odometer_km", 0.0},
                                             {"engine_hours", 0.0}, {"retired", false}, {"open_failures", 0},
                                             {"open_work_orders", 0}, {"last_maintenance_at", nullptr},
                                             {"version", e.version}};
        return {};
      }
      auto* v = vehicles.if_contains(e.stream.id);
      if (!v) return {};  // events of a vehicle registered before a filtered import: nothing to update
      auto& o = v->as_object();
      o["version"] = e.version;
      if (e.type == "VehicleStatusChanged") {
        o["status"] = str(p, "status");
        o["status_since"] = format_timestamp(e.occurred_at);
      } else if (e.type == "VehicleTransferred") {
        o["depot"] = str(p, "to_depot");
      } else if (e.type == "MeterReadingRecorded") {
        if (p.contains("km")) o["odometer_km"] = num(p, "km");  // schema v1 events
        if (p.contains("odometer_km")) o["odometer_km"] = num(p, "odometer_km");
        if (const auto* h = p.if_contains("engine_hours"); h && !h->is_null()) o["engine_hours"] = num(p, "engine_hours");
      } else if (e.type == "VehicleRetired") {
        o["retired"] = true;
      }
      return {};
    }
    if (e.stream.type == kFailure) {
      auto& failures = table("failure_vehicle");
      if (e.type == "FailureReported") {
        failures[e.stream.id] = str(p, "vehicle_id");
        bump(vehicles, str(p, "vehicle_id"), "open_failures", +1);
      } else if (e.type == "FailureClosed") {
        if (auto* vid = failures.if_contains(e.stream.id)) bump(vehicles, std::string(vid->as_string()), "open_failures", -1);
      }
      return {};
    }
    if (e.stream.type == kWorkOrder) {
      auto& orders = table("order_vehicle");
      if (e.type == "WorkOrderCreated") {
        orders[e.stream.id] = str(p, "vehicle_id");
        bump(vehicles, str(p, "vehicle_id"), "open_work_orders", +1);
      } else if (e.type == "WorkOrderCompleted" || e.type == "WorkOrderCancelled") {
        if (auto* vid = orders.if_contains(e.stream.id)) {
          const std::string vehicle = std::string(vid->as_string());
          bump(vehicles, vehicle, "open_work_orders", -1);
          if (e.type == "WorkOrderCompleted")
            if (auto* v = vehicles.if_contains(vehicle)) v->as_object()["last_maintenance_at"] = format_timestamp(e.occurred_at);
        }
      }
    }
    return {};
  }

  Result<json::value> query(const json::object& params) const override {
    if (auto st = reject_unknown(params, {"id", "depot", "status", "vehicle_type", "limit"}); !st) return st.error();
    const auto* vehicles = table("vehicles");
    if (const std::string id = param(params, "id"); !id.empty()) {
      const auto* v = vehicles ? vehicles->if_contains(id) : nullptr;
      if (!v) return Error{ErrorCode::not_found, "vehicle '" + id + "' is not in the vehicle-state projection"};
      return *v;
    }
    json::array rows;
    const std::size_t limit = limit_of(params);
    if (vehicles)
      for (const auto& kv : *vehicles) {
        const auto& o = kv.value().as_object();
        if (matches(params, o, "depot") && matches(params, o, "status") && matches(params, o, "vehicle_type")) rows.push_back(o);
        if (rows.size() >= limit) break;
      }
    return json::value(json::object{{"vehicles", rows}, {"count", rows.size()}});
  }

 private:
  static bool matches(const json::object& params, const json::object& row, const char* key) {
    const std::string want = str(params, key);
    return want.empty() || str(row, key) == want;
  }
  static void bump(json::object& vehicles, const std::string& id, const char* key, int delta) {
    if (auto* v = vehicles.if_contains(id)) {
      auto& o = v->as_object();
      o[key] = std::max<std::int64_t>(0, integer(o, key) + delta);
    }
  }
};

// ---------------------------------------------------------------------------------------------
class FleetStatusBoardProjection final : public JsonModelProjection {
 public:
  std::string name() const override { return "fleet-status-board"; }
  EventFilter filter() const override { return {.aggregate_types = {kVehicle}}; }

  Status apply(const RecordedEvent& e) override {
    const auto& p = payload(e);
    auto& vehicles = table("vehicles");
    if (e.type == "VehicleRegistered") {
      vehicles[e.stream.id] = json::object{{"depot", str(p, "depot")}, {"vehicle_type", str(p, "vehicle_type")},
                                           {"status", str(p, "status", "in_service")},
                                           {"since", format_timestamp(e.occurred_at)}};
      return {};
    }
    auto* v = vehicles.if_contains(e.stream.id);
    if (!v) return {};
    auto& o = v->as_object();
    if (e.type == "VehicleStatusChanged") {
      o["status"] = str(p, "status");
      o["since"] = format_timestamp(e.occurred_at);
    } else if (e.type == "VehicleTransferred") {
      o["depot"] = str(p, "to_depot");
    } else if (e.type == "VehicleRetired") {
      vehicles.erase(e.stream.id);  // retired vehicles leave the board
    }
    return {};
  }

  Result<json::value> query(const json::object& params) const override {
    if (auto st = reject_unknown(params, {"depot"}); !st) return st.error();
    const std::string depot_filter = param(params, "depot");
    json::object depots, totals;
    json::array unavailable;
    std::int64_t fleet_size = 0;
    if (const auto* vehicles = table("vehicles"))
      for (const auto& kv : *vehicles) {
        const auto& o = kv.value().as_object();
        const std::string depot = str(o, "depot"), status = str(o, "status");
        if (!depot_filter.empty() && depot != depot_filter) continue;
        ++fleet_size;
        auto& d = depots[depot];
        if (!d.is_object()) d = json::object{{"in_service", 0}, {"standby", 0}, {"under_maintenance", 0}, {"out_of_service", 0}};
        d.as_object()[status] = integer(d.as_object(), status.c_str()) + 1;
        totals[status] = integer(totals, status.c_str()) + 1;
        if (status != "in_service")
          unavailable.push_back(json::object{{"vehicle", kv.key()}, {"depot", depot}, {"vehicle_type", str(o, "vehicle_type")},
                                             {"status", status}, {"since", str(o, "since")}});
      }
    const double in_service = static_cast<double>(integer(totals, "in_service"));
    return json::value(json::object{{"fleet_size", fleet_size},
                        {"totals", totals},
                        {"availability", fleet_size ? in_service / static_cast<double>(fleet_size) : 0.0},
                        {"depots", depots},
                        {"not_in_service", unavailable}});
  }
};

// ---------------------------------------------------------------------------------------------
class WorkOrderProjection final : public JsonModelProjection {
 public:
  std::string name() const override { return "work-orders"; }
  EventFilter filter() const override { return {.aggregate_types = {kWorkOrder}}; }

  Status apply(const RecordedEvent& e) override {
    const auto& p = payload(e);
    auto& orders = table("orders");
    if (e.type == "WorkOrderCreated") {
      orders[e.stream.id] = json::object{{"work_order_id", e.stream.id}, {"vehicle_id", str(p, "vehicle_id")},
                                         {"category", str(p, "category")}, {"priority", str(p, "priority")},
                                         {"system", str(p, "system")}, {"due_date", str(p, "due_date")},
                                         {"status", "created"}, {"created_at", format_timestamp(e.occurred_at)},
                                         {"created_at_us", e.occurred_at}, {"technician", ""}};
      return {};
    }
    auto* w = orders.if_contains(e.stream.id);
    if (!w) return {};
    auto& o = w->as_object();
    if (e.type == "WorkOrderScheduled") o["status"] = "scheduled";
    else if (e.type == "WorkOrderAssigned") {
      o["technician"] = str(p, "technician");
      if (str(o, "status") == "created" || str(o, "status") == "scheduled") o["status"] = "assigned";
    } else if (e.type == "WorkOrderStarted") o["status"] = "in_progress";
    else if (e.type == "WorkOrderCompleted") {
      o["status"] = "completed";
      o["closed_at"] = format_timestamp(e.occurred_at);
    } else if (e.type == "WorkOrderCancelled") {
      o["status"] = "cancelled";
      o["closed_at"] = format_timestamp(e.occurred_at);
    }
    return {};
  }

  Result<json::value> query(const json::object& params) const override {
    if (auto st = reject_unknown(params, {"status", "vehicle_id", "priority", "category", "overdue", "as_of", "limit"}); !st)
      return st.error();
    Timestamp now = now_micros();
    if (const std::string as_of = param(params, "as_of"); !as_of.empty()) {
      auto t = parse_timestamp(as_of);
      if (!t) return Error{ErrorCode::invalid_argument, "as_of must be an RFC 3339 timestamp"};
      now = *t;
    }
    const std::string status = param(params, "status");
    const bool only_overdue = param(params, "overdue") == "true";
    const std::size_t limit = limit_of(params);
    json::array rows;
    std::int64_t open = 0, overdue = 0;
    double age_sum = 0, oldest = 0;
    json::object by_priority;
    if (const auto* orders = table("orders"))
      for (const auto& kv : *orders) {
        const auto& o = kv.value().as_object();
        const std::string st = str(o, "status");
        const bool is_open = st != "completed" && st != "cancelled";
        const auto due = parse_timestamp(str(o, "due_date"));
        const bool is_overdue = is_open && due && *due < now;
        if (is_open) {
          ++open;
          overdue += is_overdue;
          const double age_days = static_cast<double>(now - integer(o, "created_at_us")) / 86'400e6;
          age_sum += age_days;
          oldest = std::max(oldest, age_days);
          by_priority[str(o, "priority")] = integer(by_priority, str(o, "priority").c_str()) + 1;
        }
        if (status == "open" ? !is_open : (!status.empty() && st != status)) continue;
        if (only_overdue && !is_overdue) continue;
        if (!param(params, "vehicle_id").empty() && str(o, "vehicle_id") != param(params, "vehicle_id")) continue;
        if (!param(params, "priority").empty() && str(o, "priority") != param(params, "priority")) continue;
        if (!param(params, "category").empty() && str(o, "category") != param(params, "category")) continue;
        if (rows.size() < limit) {
          json::object row = o;
          row.erase("created_at_us");
          row["overdue"] = is_overdue;
          rows.push_back(std::move(row));
        }
      }
    json::object backlog{{"open", open}, {"overdue", overdue}, {"by_priority", by_priority},
                         {"average_age_days", open ? age_sum / static_cast<double>(open) : 0.0},
                         {"oldest_age_days", oldest}};
    return json::value(json::object{{"work_orders", rows}, {"count", rows.size()}, {"backlog", backlog}});
  }
};

// ---------------------------------------------------------------------------------------------
class InventoryProjection final : public JsonModelProjection {
 public:
  std::string name() const override { return "inventory-levels"; }
  EventFilter filter() const override { return {.aggregate_types = {kPart}}; }

  Status apply(const RecordedEvent& e) override {
    const auto& p = payload(e);
    auto& parts = table("parts");
    if (e.type == "PartDefined") {
      parts[e.stream.id] = json::object{{"part_number", e.stream.id}, {"description", str(p, "description")},
                                        {"unit_cost", num(p, "unit_cost")}, {"reorder_point", integer(p, "reorder_point")},
                                        {"on_hand", 0}, {"reserved", 0}, {"issued_total", 0}};
      return {};
    }
    auto* v = parts.if_contains(e.stream.id);
    if (!v) return {};
    auto& o = v->as_object();
    const std::int64_t qty = integer(p, "quantity");
    if (e.type == "StockReceived") {
      o["on_hand"] = integer(o, "on_hand") + qty;
      if (p.contains("unit_cost")) o["unit_cost"] = num(p, "unit_cost");
    } else if (e.type == "StockReserved") {
      o["reserved"] = integer(o, "reserved") + qty;
      auto& res = reservations(e.stream.id);
      const std::string wo = str(p, "work_order_id");
      res[wo] = integer(res, wo.c_str()) + qty;
    } else if (e.type == "StockIssued") {
      o["on_hand"] = integer(o, "on_hand") - qty;
      o["issued_total"] = integer(o, "issued_total") + qty;
      auto& res = reservations(e.stream.id);
      const std::string wo = str(p, "work_order_id");
      if (const std::int64_t held = integer(res, wo.c_str()); held > 0) {
        const std::int64_t released = std::min(held, qty);
        o["reserved"] = integer(o, "reserved") - released;
        if (held - released > 0) res[wo] = held - released;
        else res.erase(wo);
      }
    } else if (e.type == "StockReturned") {
      o["on_hand"] = integer(o, "on_hand") + qty;
      o["issued_total"] = integer(o, "issued_total") - qty;
    } else if (e.type == "StockCounted") {
      o["on_hand"] = integer(p, "counted_quantity");
    }
    return {};
  }

  Result<json::value> query(const json::object& params) const override {
    if (auto st = reject_unknown(params, {"part_number", "below_reorder", "limit"}); !st) return st.error();
    const bool below_only = param(params, "below_reorder") == "true";
    const std::string only = param(params, "part_number");
    json::array rows;
    double value = 0;
    std::int64_t below = 0;
    if (const auto* parts = table("parts"))
      for (const auto& kv : *parts) {
        json::object o = kv.value().as_object();
        const std::int64_t on_hand = integer(o, "on_hand"), reserved = integer(o, "reserved");
        const bool is_below = on_hand - reserved <= integer(o, "reorder_point");
        o["available"] = on_hand - reserved;
        o["below_reorder_point"] = is_below;
        o["value_on_hand"] = static_cast<double>(on_hand) * num(o, "unit_cost");
        value += num(o, "value_on_hand");
        below += is_below;
        if (!only.empty() && kv.key() != only) continue;
        if (below_only && !is_below) continue;
        rows.push_back(std::move(o));
      }
    if (!only.empty() && rows.empty()) return Error{ErrorCode::not_found, "part '" + only + "' is not in inventory-levels"};
    return json::value(json::object{{"parts", rows}, {"count", rows.size()}, {"value_on_hand", value}, {"below_reorder_point", below}});
  }

 private:
  json::object& reservations(const std::string& part) {
    auto& all = table("reservations");
    auto& v = all[part];
    if (!v.is_object()) v = json::object{};
    return v.as_object();
  }
};

}  // namespace

std::vector<ProjectionFactory> projection_factories() {
  return {[] { return std::make_unique<VehicleStateProjection>(); },
          [] { return std::make_unique<FleetStatusBoardProjection>(); },
          [] { return std::make_unique<WorkOrderProjection>(); },
          [] { return std::make_unique<InventoryProjection>(); }};
}

}  // namespace roundhouse::fleet
