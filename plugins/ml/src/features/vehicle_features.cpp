// "vehicle": one row per vehicle and as-of time, from the vehicle, failure and workorder streams.
#include <unordered_set>

#include "features/builtin_extractor.hpp"
#include "features/columns.hpp"
#include "features/extractors.hpp"
#include "features/payload_scan.hpp"
#include "features/sweep.hpp"

namespace roundhouse::ml::features {
namespace {

const std::vector<std::string> kVehicleTypes{"locomotive", "emu_car", "dmu_car", "coach", "wagon"};
const std::vector<std::string> kStatuses{"in_service", "standby", "under_maintenance", "out_of_service", "retired"};
constexpr std::int8_t kRetired = 4;

struct Params {
  std::vector<std::int64_t> failure_windows_days;
  double labour_rate = 50.0;
};

enum class Kind : std::uint8_t { registered, status, retired, meter, failure_reported, failure_closed, wo_created,
                                 wo_closed, parts, labour, other };

struct Event : EventBase {
  Kind kind = Kind::other;
  std::int8_t code = -1;    // vehicle type (registered), status (status change)
  std::int8_t code2 = -1;   // initial status (registered)
  std::uint32_t item = 0;   // failure or work-order index
  double a = kNaN, b = kNaN;  // odometer/engine hours; parts cost; labour hours
  Timestamp when = 0;       // commissioned_on
};

struct State {
  bool registered = false;
  Timestamp commissioned = 0;
  Timestamp first_seen = 0;
  bool any = false;
  std::int8_t type = -1, status = -1;
  std::vector<std::pair<Timestamp, double>> odometer;  // occurred order
  double engine_hours = kNaN;
  std::vector<Timestamp> failures;
  std::unordered_set<std::uint32_t> reported, closed_failures, created, closed_orders;
  std::size_t open_failures = 0, open_orders = 0;
  Timestamp last_maintenance = 0;
  bool maintained = false;
  double parts_cost = 0, labour_hours = 0;

  void reset() { *this = State{}; }
  void apply(const Event& e) {
    if (!any) first_seen = e.occurred;
    any = true;
    switch (e.kind) {
      case Kind::registered:
        registered = true;
        commissioned = e.when;
        type = e.code;
        status = e.code2 < 0 ? 0 : e.code2;
        break;
      case Kind::status: status = e.code; break;
      case Kind::retired: status = kRetired; break;
      case Kind::meter:
        if (!std::isnan(e.a)) odometer.emplace_back(e.occurred, e.a);
        if (!std::isnan(e.b)) engine_hours = e.b;
        break;
      case Kind::failure_reported:
        failures.push_back(e.occurred);
        if (reported.insert(e.item).second && !closed_failures.count(e.item)) ++open_failures;
        break;
      case Kind::failure_closed:
        if (closed_failures.insert(e.item).second && reported.count(e.item)) --open_failures;
        break;
      case Kind::wo_created:
        if (created.insert(e.item).second && !closed_orders.count(e.item)) ++open_orders;
        break;
      case Kind::wo_closed:
        if (closed_orders.insert(e.item).second && created.count(e.item)) --open_orders;
        if (e.code == 1) {  // completed, not cancelled
          last_maintenance = e.occurred;
          maintained = true;
        }
        break;
      case Kind::parts: parts_cost += e.a; break;
      case Kind::labour: labour_hours += e.a; break;
      case Kind::other: break;
    }
  }
  // The odometer reading at or before t (NaN when none).
  double odometer_at(Timestamp t) const {
    auto it = std::upper_bound(odometer.begin(), odometer.end(), t,
                               [](Timestamp x, const auto& r) { return x < r.first; });
    return it == odometer.begin() ? kNaN : std::prev(it)->second;
  }
};

class Model {
 public:
  Model(const std::vector<Event>& events, std::size_t entities, const Params& p)
      : events_(events), folds_(entities), params_(p) {}
  void apply(const Event& e, std::uint32_t index) {
    if (e.entity != kNoEntity) folds_[e.entity].insert(events_, index);
  }
  void emit(std::uint32_t entity, Timestamp t, double* row) {
    const State& s = folds_[entity].current(events_);
    std::size_t c = 0;
    row[c++] = s.registered ? days(t - s.commissioned) : kNaN;
    row[c++] = code_value(s.type);
    row[c++] = code_value(s.status);
    const double odo = s.odometer.empty() ? kNaN : s.odometer.back().second;
    row[c++] = odo;
    row[c++] = s.engine_hours;
    row[c++] = s.odometer.size() >= 2 && s.odometer.back().first > s.odometer.front().first
                   ? (odo - s.odometer.front().second) / days(s.odometer.back().first - s.odometer.front().first)
                   : kNaN;
    row[c++] = s.maintained ? days(t - s.last_maintenance) : kNaN;
    row[c++] = s.maintained ? odo - s.odometer_at(s.last_maintenance) : kNaN;
    row[c++] = static_cast<double>(s.failures.size());
    for (auto w : params_.failure_windows_days)
      row[c++] = static_cast<double>(count_in(s.failures, t - w * kMicrosPerDay, t));
    row[c++] = s.failures.empty() ? kNaN : days(t - s.failures.back());
    row[c++] = s.failures.empty() ? kNaN : days(t - s.first_seen) / static_cast<double>(s.failures.size());
    row[c++] = static_cast<double>(s.open_failures);
    row[c++] = static_cast<double>(s.open_orders);
    row[c++] = s.parts_cost;
    row[c++] = s.labour_hours;
    row[c++] = s.parts_cost + params_.labour_rate * s.labour_hours;
  }

 private:
  const std::vector<Event>& events_;
  std::vector<EntityFold<Event, State>> folds_;
  const Params& params_;
};

class VehicleExtractor final : public BuiltinExtractor<Params> {
 public:
  std::string name() const override { return "vehicle"; }
  std::string description() const override {
    return "per vehicle: age, meters, km and days since maintenance, failures, MTBF, open work, cost to date";
  }

 private:
  Result<FeatureMatrix> run(EventStore& store, const RowSpec& spec, const std::optional<std::string>& tenant,
                            const Params& p) const override {
    EntityTable vehicles;
    StringMap<Link> failure_links, order_links;
    std::vector<Event> events;
    auto st = read_visible(store, spec, tenant, {"vehicle", "failure", "workorder"},
                           [&](const RecordedEvent& r) { decode(r, vehicles, failure_links, order_links, events); });
    if (!st) return st.error();
    Model model(events, vehicles.size(), p);
    return sweep(make_schema(p), vehicles, events, spec, model, "vehicle");
  }

  Result<Params> parse(const boost::json::object& parameters) const override {
    ParameterReader r("vehicle", parameters);
    Params p;
    auto windows = r.integers("failure_windows_days", {30, 90}, 1);
    if (!windows) return windows.error();
    p.failure_windows_days = *windows;
    auto rate = r.number("labour_rate", 50.0, 0.0);
    if (!rate) return rate.error();
    p.labour_rate = *rate;
    if (auto st = r.finish(); !st) return st.error();
    return p;
  }

  FeatureSchema make_schema(const Params& p) const override {
    using T = FeatureType;
    FeatureSchema s{"vehicle", 1, {}, {}};
    boost::json::array windows;
    for (auto w : p.failure_windows_days) windows.emplace_back(w);
    s.parameters = {{"failure_windows_days", std::move(windows)}, {"labour_rate", p.labour_rate}};
    auto& c = s.columns;
    c.push_back(column("age_days", T::numeric, "days since commissioned_on"));
    c.push_back(column("vehicle_type", T::categorical, "type at registration", kVehicleTypes));
    c.push_back(column("status", T::categorical, "latest status (retired once retired)", kStatuses));
    c.push_back(column("odometer_km", T::numeric, "latest odometer reading"));
    c.push_back(column("engine_hours", T::numeric, "latest engine-hour reading"));
    c.push_back(column("avg_daily_km", T::numeric, "(last - first odometer) / days between those readings"));
    c.push_back(column("days_since_last_maintenance", T::numeric, "days since the latest completed work order"));
    c.push_back(column("km_since_last_maintenance", T::numeric,
                       "odometer now - the last reading at or before that completion"));
    c.push_back(column("failures_total", T::count, "failures reported to date"));
    for (auto w : p.failure_windows_days)
      c.push_back(column("failures_" + std::to_string(w) + "d", T::count,
                         "failures reported in the " + std::to_string(w) + " days up to T"));
    c.push_back(column("days_since_last_failure", T::numeric, "days since the latest failure report"));
    c.push_back(column("mtbf_days", T::numeric, "days since the vehicle's first event / failures to date"));
    c.push_back(column("open_failures", T::count, "failures reported and not closed"));
    c.push_back(column("open_work_orders", T::count, "work orders created and neither completed nor cancelled"));
    c.push_back(column("parts_cost_to_date", T::numeric, "sum of quantity x unit_cost consumed by its work orders"));
    c.push_back(column("labour_hours_to_date", T::numeric, "labour hours booked on its work orders"));
    c.push_back(column("cost_to_date", T::numeric, "parts cost + labour_rate x labour hours"));
    return s;
  }

  struct Link {
    std::uint32_t vehicle;
    std::uint32_t item;  // dense index among failures (or work orders)
  };
  static void decode(const RecordedEvent& r, EntityTable& vehicles, StringMap<Link>& failure_links,
                     StringMap<Link>& order_links, std::vector<Event>& events) {
    Event e;
    e.occurred = r.occurred_at;
    e.recorded = r.recorded_at;
    e.position = r.position;
    e.observation = true;
    const std::string_view type = r.type;
    auto scan = [&](auto&& on) { scan_object(r.payload, [&](std::string_view k, const JsonValueView& v) { on(k, v); return true; }); };
    if (r.stream.type == "vehicle") {
      e.entity = vehicles.intern(r.stream.id);
      if (type == "VehicleRegistered") {
        e.kind = Kind::registered;
        scan([&](std::string_view k, const JsonValueView& v) {
          if (k == "vehicle_type") e.code = category_code(v.text, kVehicleTypes);
          else if (k == "status") e.code2 = category_code(v.text, kStatuses);
          else if (k == "commissioned_on") e.when = parse_timestamp(v.string()).value_or(r.occurred_at);
        });
      } else if (type == "VehicleStatusChanged") {
        e.kind = Kind::status;
        scan([&](std::string_view k, const JsonValueView& v) {
          if (k == "status") e.code = category_code(v.text, kStatuses);
        });
      } else if (type == "VehicleRetired") {
        e.kind = Kind::retired;
      } else if (type == "MeterReadingRecorded") {
        e.kind = Kind::meter;
        // v1 payloads ({"km": N}) are read like the v2 upcaster reads them.
        scan([&](std::string_view k, const JsonValueView& v) {
          if (k == "odometer_km" || k == "km") e.a = v.number().value_or(kNaN);
          else if (k == "engine_hours") e.b = v.number().value_or(kNaN);
        });
      }
      events.push_back(e);
      return;
    }
    // Failures and work orders belong to the vehicle their first event names.
    auto& links = r.stream.type == "failure" ? failure_links : order_links;
    if (type == "FailureReported" || type == "WorkOrderCreated") {
      scan([&](std::string_view k, const JsonValueView& v) {
        if (k == "vehicle_id" && !links.count(r.stream.id))
          links.emplace(r.stream.id, Link{vehicles.intern(v.string()), static_cast<std::uint32_t>(links.size())});
      });
      e.kind = type == "FailureReported" ? Kind::failure_reported : Kind::wo_created;
    } else if (type == "FailureClosed") {
      e.kind = Kind::failure_closed;
    } else if (type == "WorkOrderCompleted" || type == "WorkOrderCancelled") {
      e.kind = Kind::wo_closed;
      e.code = type == "WorkOrderCompleted" ? 1 : 0;
    } else if (type == "WorkOrderPartsConsumed") {
      e.kind = Kind::parts;
      double qty = kNaN, cost = kNaN;
      scan([&](std::string_view k, const JsonValueView& v) {
        if (k == "quantity") qty = v.number().value_or(kNaN);
        else if (k == "unit_cost") cost = v.number().value_or(kNaN);
      });
      e.a = qty * cost;
    } else if (type == "WorkOrderLabourBooked") {
      e.kind = Kind::labour;
      scan([&](std::string_view k, const JsonValueView& v) {
        if (k == "hours") e.a = v.number().value_or(kNaN);
      });
    }
    auto it = links.find(std::string_view(r.stream.id));
    if (it == links.end()) return;  // its first event is not visible: nothing to attribute it to
    e.entity = it->second.vehicle;
    e.item = it->second.item;
    events.push_back(e);
  }
};

}  // namespace

FeatureExtractorPtr vehicle_extractor() { return std::make_shared<VehicleExtractor>(); }

}  // namespace roundhouse::ml::features
