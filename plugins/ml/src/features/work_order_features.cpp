// "work-order": one row per work order and as-of time, from the workorder streams.
#include "features/builtin_extractor.hpp"
#include "features/columns.hpp"
#include "features/extractors.hpp"
#include "features/payload_scan.hpp"
#include "features/sweep.hpp"

namespace roundhouse::ml::features {
namespace {

const std::vector<std::string> kCategories{"corrective", "preventive", "predictive"};
const std::vector<std::string> kPriorities{"low", "medium", "high", "urgent"};
const std::vector<std::string> kSystems{"brakes",     "doors",    "hvac",      "traction",   "pantograph", "bogie",
                                        "couplers",   "electrical", "engine",  "signalling", "body",       "other"};
const std::vector<std::string> kStatuses{"created", "scheduled", "assigned", "in_progress", "completed", "cancelled"};
enum : std::int8_t { kCreated, kScheduled, kAssigned, kInProgress, kCompleted, kCancelled, kNoStatusChange = -1 };

struct Event : EventBase {
  std::int8_t status = kNoStatusChange;  // the status this event moves the order to
  std::int8_t category = -1, priority = -1, system = -1;
  bool has_failure = false;
  bool parts = false, labour = false;
  double quantity = 0, cost = 0, hours = 0;
  Timestamp due = 0;
};

struct State {
  bool created = false;
  Timestamp created_at = 0, due = 0;
  std::int8_t category = -1, priority = -1, system = -1, status = -1;
  bool has_failure = false;
  double parts_count = 0, parts_lines = 0, parts_cost = 0, labour_hours = 0, labour_bookings = 0;

  void reset() { *this = State{}; }
  void apply(const Event& e) {
    if (e.status == kCreated) {
      created = true;
      created_at = e.occurred;
      due = e.due;
      category = e.category;
      priority = e.priority;
      system = e.system;
      has_failure = e.has_failure;
    }
    // A terminal status stays; otherwise the latest status change wins.
    if (e.status > kCreated && status != kCompleted && status != kCancelled) status = e.status;
    if (e.status == kCreated && status < 0) status = kCreated;
    if (e.parts) {
      parts_count += e.quantity;
      parts_lines += 1;
      parts_cost += e.quantity * e.cost;
    }
    if (e.labour) {
      labour_hours += e.hours;
      labour_bookings += 1;
    }
  }
};

class Model {
 public:
  Model(const std::vector<Event>& events, std::size_t entities) : events_(events), folds_(entities) {}
  void apply(const Event& e, std::uint32_t index) {
    folds_[e.entity].insert(events_, index);
    if (e.status == kCreated) insert_sorted(created_, e.occurred);
    if (e.status == kCompleted || e.status == kCancelled) insert_sorted(closed_, e.occurred);
  }
  void emit(std::uint32_t entity, Timestamp t, double* row) {
    const State& s = folds_[entity].current(events_);
    std::size_t c = 0;
    row[c++] = code_value(s.category);
    row[c++] = code_value(s.priority);
    row[c++] = code_value(s.system);
    row[c++] = s.created ? (s.has_failure ? 1.0 : 0.0) : kNaN;
    row[c++] = code_value(s.status);
    row[c++] = s.created ? days(t - s.created_at) : kNaN;
    row[c++] = s.created ? days(s.due - t) : kNaN;
    row[c++] = s.created ? days(s.due - s.created_at) : kNaN;
    row[c++] = s.parts_count;
    row[c++] = s.parts_lines;
    row[c++] = s.parts_cost;
    row[c++] = s.labour_hours;
    row[c++] = s.labour_bookings;
    // Orders created before this one and not closed before it (both as visible now).
    row[c++] = s.created ? static_cast<double>(std::lower_bound(created_.begin(), created_.end(), s.created_at) -
                                               created_.begin()) -
                               static_cast<double>(std::lower_bound(closed_.begin(), closed_.end(), s.created_at) -
                                                   closed_.begin())
                         : kNaN;
  }

 private:
  const std::vector<Event>& events_;
  std::vector<EntityFold<Event, State>> folds_;
  std::vector<Timestamp> created_, closed_;  // fleet-wide, occurred order
};

struct NoParams {};

class WorkOrderExtractor final : public BuiltinExtractor<NoParams> {
 public:
  std::string name() const override { return "work-order"; }
  std::string description() const override {
    return "per work order: category, priority, system, status, due, parts, labour, fleet backlog at creation";
  }

 private:
  Result<FeatureMatrix> run(EventStore& store, const RowSpec& spec, const std::optional<std::string>& tenant,
                            const NoParams& p) const override {
    EntityTable orders;
    std::vector<Event> events;
    auto st = read_visible(store, spec, tenant, {"workorder"},
                           [&](const RecordedEvent& r) { events.push_back(decode(r, orders)); });
    if (!st) return st.error();
    Model model(events, orders.size());
    return sweep(make_schema(p), orders, events, spec, model, "work order");
  }

  Result<NoParams> parse(const boost::json::object& parameters) const override {
    ParameterReader r("work-order", parameters);
    if (auto st = r.finish(); !st) return st.error();
    return NoParams{};
  }

  FeatureSchema make_schema(const NoParams&) const override {
    using T = FeatureType;
    FeatureSchema s{"work-order", 1, {}, {}};
    auto& c = s.columns;
    c.push_back(column("category", T::categorical, "category at creation", kCategories));
    c.push_back(column("priority", T::categorical, "priority at creation", kPriorities));
    c.push_back(column("system", T::categorical, "system worked on (NaN when not given)", kSystems));
    c.push_back(column("has_failure", T::boolean, "created for a reported failure"));
    c.push_back(column("status", T::categorical, "latest status", kStatuses));
    c.push_back(column("age_days", T::numeric, "days since creation"));
    c.push_back(column("days_until_due", T::numeric, "due date - T in days (negative when overdue)"));
    c.push_back(column("planned_days", T::numeric, "due date - creation in days"));
    c.push_back(column("parts_count", T::count, "units of parts consumed"));
    c.push_back(column("parts_lines", T::count, "parts consumption events"));
    c.push_back(column("parts_cost", T::numeric, "sum of quantity x unit_cost consumed"));
    c.push_back(column("labour_hours", T::numeric, "labour hours booked"));
    c.push_back(column("labour_bookings", T::count, "labour booking events"));
    c.push_back(column("backlog_at_creation", T::count,
                       "fleet-wide work orders created before this one and not completed or cancelled before it"));
    return s;
  }

  static Event decode(const RecordedEvent& r, EntityTable& orders) {
    Event e;
    e.occurred = r.occurred_at;
    e.recorded = r.recorded_at;
    e.position = r.position;
    e.entity = orders.intern(r.stream.id);
    e.observation = true;
    const std::string_view type = r.type;
    auto scan = [&](auto&& on) { scan_object(r.payload, [&](std::string_view k, const JsonValueView& v) { on(k, v); return true; }); };
    if (type == "WorkOrderCreated") {
      e.status = kCreated;
      e.due = r.occurred_at;
      scan([&](std::string_view k, const JsonValueView& v) {
        if (k == "category") e.category = category_code(v.text, kCategories);
        else if (k == "priority") e.priority = category_code(v.text, kPriorities);
        else if (k == "system") e.system = category_code(v.text, kSystems);
        else if (k == "failure_id") e.has_failure = true;
        else if (k == "due_date") e.due = parse_timestamp(v.string()).value_or(r.occurred_at);
      });
    } else if (type == "WorkOrderScheduled") {
      e.status = kScheduled;
    } else if (type == "WorkOrderAssigned") {
      e.status = kAssigned;
    } else if (type == "WorkOrderStarted") {
      e.status = kInProgress;
    } else if (type == "WorkOrderCompleted") {
      e.status = kCompleted;
    } else if (type == "WorkOrderCancelled") {
      e.status = kCancelled;
    } else if (type == "WorkOrderPartsConsumed") {
      e.parts = true;
      scan([&](std::string_view k, const JsonValueView& v) {
        if (k == "quantity") e.quantity = v.number().value_or(0);
        else if (k == "unit_cost") e.cost = v.number().value_or(0);
      });
    } else if (type == "WorkOrderLabourBooked") {
      e.labour = true;
      scan([&](std::string_view k, const JsonValueView& v) {
        if (k == "hours") e.hours = v.number().value_or(0);
      });
    }
    return e;
  }
};

}  // namespace

FeatureExtractorPtr work_order_extractor() { return std::make_shared<WorkOrderExtractor>(); }

}  // namespace roundhouse::ml::features
