#include "import/import_plan.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "import/csv_reader.hpp"
#include "import/row_reader.hpp"

namespace roundhouse::fleet::import {
namespace json = boost::json;

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::parts: return "parts";
    case Kind::vehicles: return "vehicles";
    case Kind::failures: return "failures";
    case Kind::work_orders: return "work_orders";
  }
  return "?";
}

const std::vector<ColumnSpec>& columns_of(Kind kind) {
  static const std::vector<ColumnSpec> vehicles = {
      {"number", true, "vehicle number (the vehicle's id)"},
      {"vehicle_type", true, "locomotive, emu_car, dmu_car, coach or wagon"},
      {"depot", true, "home depot"},
      {"commissioned_on", true, "YYYY-MM-DD; the vehicle is registered on this date"},
      {"model", false, "model name"},
      {"status", false, "in_service (default), standby, under_maintenance or out_of_service"},
      {"odometer_km", false, "last odometer reading, recorded at meters_read_at"},
      {"engine_hours", false, "last engine-hour reading (needs odometer_km)"},
      {"meters_read_at", false, "date/time of the meter reading (default: commissioned_on)"},
      {"retired_on", false, "date/time the vehicle was retired"},
      {"retirement_reason", false, "why (default: \"retired before import\")"},
  };
  static const std::vector<ColumnSpec> failures = {
      {"failure_id", true, "the failure's id"},
      {"vehicle_id", true, "number of the vehicle"},
      {"reported_at", true, "date/time the failure was reported"},
      {"system", true, "brakes, doors, hvac, traction, pantograph, bogie, couplers, electrical, engine, signalling, body or other"},
      {"severity", true, "minor, major or critical"},
      {"service_affecting", true, "true/false (also yes/no, 1/0)"},
      {"description", false, "free text"},
      {"closed_at", false, "date/time the failure was closed"},
      {"resolution", false, "how it was resolved (default: \"closed before import\"; needs closed_at)"},
  };
  static const std::vector<ColumnSpec> work_orders = {
      {"work_order_id", true, "the work order's id"},
      {"vehicle_id", true, "number of the vehicle"},
      {"category", true, "corrective, preventive or predictive"},
      {"priority", true, "low, medium, high or urgent"},
      {"status", true, "created, assigned, in_progress, completed or cancelled (the final state)"},
      {"created_at", true, "date/time the order was opened"},
      {"due_date", true, "YYYY-MM-DD or an RFC 3339 timestamp"},
      {"system", false, "system worked on (as for failures)"},
      {"failure_id", false, "the failure this order handles (reported no later than created_at)"},
      {"description", false, "free text"},
      {"technician", false, "assigned technician (required for status assigned); assigned at created_at"},
      {"started_at", false, "date/time work began (required for in_progress and completed)"},
      {"completed_at", false, "date/time work was completed (required for completed)"},
      {"labour_hours", false, "total hours, booked at completed_at (in_progress: at started_at)"},
      {"notes", false, "completion notes"},
      {"cancelled_at", false, "date/time the order was cancelled (required for cancelled)"},
      {"cancel_reason", false, "why (default: \"cancelled before import\")"},
  };
  static const std::vector<ColumnSpec> parts = {
      {"part_number", true, "the part's id"},
      {"description", true, "what it is"},
      {"unit_cost", true, "cost per unit"},
      {"reorder_point", true, "whole number of units"},
      {"as_of", true, "date/time the part is defined and its stock received"},
      {"unit", false, "unit of measure, e.g. pcs, kg (default pcs)"},
      {"on_hand", false, "stock on hand at as_of (received as one delivery)"},
  };
  switch (kind) {
    case Kind::vehicles: return vehicles;
    case Kind::failures: return failures;
    case Kind::work_orders: return work_orders;
    case Kind::parts: return parts;
  }
  return parts;
}

namespace {

using Steps = std::vector<ImportStep>;

// Adds a step of the row; `body` gets occurred_at.
struct RowSteps {
  const RowReader& row;
  Kind kind;
  std::size_t index;
  Steps& out;
  int next = 0;
  void add(Timestamp at, const char* command, const std::string& id, json::object body) {
    body["occurred_at"] = format_timestamp(at);
    out.push_back(ImportStep{row.where(), at, kind, index, next++, command, id, std::move(body)});
  }
};

#define TRY(var, expr)                   \
  auto var = (expr);                     \
  if (!var) return var.error();

void put(json::object& body, const char* key, const std::optional<std::string>& v) {
  if (v) body[key] = *v;
}

Status map_vehicle(const RowReader& r, RowSteps& s) {
  TRY(number, r.required("number"));
  TRY(type, r.required("vehicle_type"));
  TRY(depot, r.required("depot"));
  TRY(commissioned, r.date("commissioned_on"));
  if (!*commissioned) return r.error("commissioned_on", "is required");
  TRY(odometer, r.number("odometer_km"));
  TRY(hours, r.number("engine_hours"));
  TRY(read_at, r.time("meters_read_at"));
  TRY(retired, r.time("retired_on"));
  const Timestamp registered = *parse_timestamp(**commissioned);
  json::object body{{"number", *number}, {"vehicle_type", *type}, {"depot", *depot}, {"commissioned_on", **commissioned}};
  put(body, "model", r.text("model"));
  put(body, "status", r.text("status"));
  s.add(registered, "register-vehicle", *number, std::move(body));
  if (*hours && !*odometer) return r.error("engine_hours", "needs odometer_km in the same row");
  if (*read_at && !*odometer) return r.error("meters_read_at", "needs odometer_km in the same row");
  if (*odometer) {
    const Timestamp at = read_at->value_or(registered);
    if (at < registered) return r.error("meters_read_at", "is before commissioned_on");
    json::object meters{{"odometer_km", **odometer}};
    if (*hours) meters["engine_hours"] = **hours;
    s.add(at, "record-meters", *number, std::move(meters));
  }
  if (r.text("retirement_reason") && !*retired) return r.error("retirement_reason", "needs retired_on");
  if (*retired) {
    if (**retired < registered) return r.error("retired_on", "is before commissioned_on");
    s.add(**retired, "retire-vehicle", *number, {{"reason", r.text("retirement_reason").value_or("retired before import")}});
  }
  return {};
}

Status map_failure(const RowReader& r, RowSteps& s) {
  TRY(id, r.required("failure_id"));
  TRY(vehicle, r.required("vehicle_id"));
  TRY(reported, r.required_time("reported_at"));
  TRY(system, r.required("system"));
  TRY(severity, r.required("severity"));
  TRY(affecting, r.boolean("service_affecting"));
  if (!*affecting) return r.error("service_affecting", "is required");
  TRY(closed, r.time("closed_at"));
  json::object body{{"failure_id", *id}, {"vehicle_id", *vehicle}, {"system", *system}, {"severity", *severity},
                    {"service_affecting", **affecting}};
  put(body, "description", r.text("description"));
  s.add(*reported, "report-failure", *id, std::move(body));
  if (r.text("resolution") && !*closed) return r.error("resolution", "needs closed_at");
  if (*closed) {
    if (**closed < *reported) return r.error("closed_at", "is before reported_at");
    s.add(**closed, "close-failure", *id, {{"resolution", r.text("resolution").value_or("closed before import")}});
  }
  return {};
}

Status map_work_order(const RowReader& r, RowSteps& s) {
  TRY(id, r.required("work_order_id"));
  TRY(vehicle, r.required("vehicle_id"));
  TRY(category, r.required("category"));
  TRY(priority, r.required("priority"));
  TRY(status, r.required("status"));
  TRY(created, r.required_time("created_at"));
  TRY(due, r.required("due_date"));
  TRY(started, r.time("started_at"));
  TRY(completed, r.time("completed_at"));
  TRY(cancelled, r.time("cancelled_at"));
  TRY(labour, r.number("labour_hours"));
  const auto technician = r.text("technician");
  const std::string& st = *status;
  if (st != "created" && st != "assigned" && st != "in_progress" && st != "completed" && st != "cancelled")
    return r.error("status", "'" + st + "' is not one of created, assigned, in_progress, completed, cancelled");
  if (st == "assigned" && !technician) return r.error("technician", "is required for status assigned");
  if ((st == "in_progress" || st == "completed") && !*started) return r.error("started_at", "is required for status " + st);
  if ((st == "created" || st == "assigned") && *started) return r.error("started_at", "is set but the status is " + st);
  if (st == "completed" && !*completed) return r.error("completed_at", "is required for status completed");
  if (st != "completed" && *completed) return r.error("completed_at", "is set but the status is " + st);
  if (st == "cancelled" && !*cancelled) return r.error("cancelled_at", "is required for status cancelled");
  if (st != "cancelled" && *cancelled) return r.error("cancelled_at", "is set but the status is " + st);
  if (*started && **started < *created) return r.error("started_at", "is before created_at");
  if (*completed && **completed < **started) return r.error("completed_at", "is before started_at");
  if (*cancelled && **cancelled < (*started ? **started : *created))
    return r.error("cancelled_at", *started ? "is before started_at" : "is before created_at");
  if (*labour && (**labour < 0 || (**labour > 0 && !*started)))
    return r.error("labour_hours", **labour < 0 ? "must not be negative" : "needs started_at");

  json::object body{{"work_order_id", *id}, {"vehicle_id", *vehicle}, {"category", *category},
                    {"priority", *priority}, {"due_date", *due}};
  put(body, "system", r.text("system"));
  put(body, "failure_id", r.text("failure_id"));
  put(body, "description", r.text("description"));
  s.add(*created, "create-work-order", *id, std::move(body));
  if (technician) s.add(*created, "assign-work-order", *id, {{"technician", *technician}});
  if (*started) {
    json::object start;
    if (technician) start["technician"] = *technician;
    s.add(**started, "start-work-order", *id, std::move(start));
  }
  if (*labour && **labour > 0) {  // the schema allows at most 24 h per booking
    const Timestamp at = *completed ? **completed : *cancelled ? **cancelled : **started;
    double left = **labour;
    while (left > 1e-9) {
      const double h = std::min(24.0, left);
      s.add(at, "book-labour", *id, {{"technician", technician.value_or("unknown")}, {"hours", h}});
      left -= h;
    }
  }
  if (*completed) {
    json::object done;
    put(done, "notes", r.text("notes"));
    s.add(**completed, "complete-work-order", *id, std::move(done));
  }
  if (*cancelled) s.add(**cancelled, "cancel-work-order", *id, {{"reason", r.text("cancel_reason").value_or("cancelled before import")}});
  return {};
}

Status map_part(const RowReader& r, RowSteps& s) {
  TRY(number, r.required("part_number"));
  TRY(description, r.required("description"));
  TRY(cost, r.number("unit_cost"));
  if (!*cost) return r.error("unit_cost", "is required");
  TRY(reorder, r.integer("reorder_point"));
  if (!*reorder) return r.error("reorder_point", "is required");
  TRY(as_of, r.required_time("as_of"));
  TRY(on_hand, r.integer("on_hand"));
  json::object body{{"part_number", *number}, {"description", *description}, {"unit_cost", **cost},
                    {"reorder_point", **reorder}};
  put(body, "unit", r.text("unit"));
  s.add(*as_of, "define-part", *number, std::move(body));
  if (*on_hand && **on_hand < 0) return r.error("on_hand", "must not be negative");
  if (*on_hand && **on_hand > 0) s.add(*as_of, "receive-stock", *number, {{"quantity", **on_hand}});
  return {};
}

#undef TRY

Status check_header(const CsvTable& table, Kind kind) {
  const auto& specs = columns_of(kind);
  for (const auto& h : table.header) {
    if (std::none_of(specs.begin(), specs.end(), [&](const ColumnSpec& c) { return h == c.name; })) {
      std::string known;
      for (const auto& c : specs) known += (known.empty() ? "" : ", ") + std::string(c.name);
      return Error{ErrorCode::invalid_argument,
                   table.file + ":1: unknown column '" + h + "' in a " + kind_name(kind) + " file (columns: " + known + ")"};
    }
  }
  for (const auto& c : specs)
    if (c.required && !table.column(c.name))
      return Error{ErrorCode::invalid_argument,
                   table.file + ":1: the required column '" + std::string(c.name) + "' is missing"};
  return {};
}

}  // namespace

Result<ImportPlan> plan_import(const ImportSources& sources) {
  static const std::map<Kind, std::function<Status(const RowReader&, RowSteps&)>> mappers = {
      {Kind::vehicles, &map_vehicle}, {Kind::failures, &map_failure},
      {Kind::work_orders, &map_work_order}, {Kind::parts, &map_part}};
  ImportPlan plan;
  for (const auto& [kind, path] : sources.files) {
    auto table = read_csv_file(path);
    if (!table) return table.error();
    if (auto st = check_header(*table, kind); !st) return st.error();
    plan.rows[kind_name(kind)] = table->rows.size();
    for (std::size_t i = 0; i < table->rows.size(); ++i) {
      RowReader reader(*table, table->rows[i]);
      RowSteps steps{reader, kind, i, plan.steps};
      if (auto st = mappers.at(kind)(reader, steps); !st) return st.error();
    }
  }
  std::stable_sort(plan.steps.begin(), plan.steps.end(), [](const ImportStep& a, const ImportStep& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.row != b.row) return a.row < b.row;
    return a.step < b.step;
  });
  return plan;
}

}  // namespace roundhouse::fleet::import
