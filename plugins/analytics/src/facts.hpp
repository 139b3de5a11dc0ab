#pragma once
// The analytics plugin's fact tables: what the KPIs need from the fleet's events, kept as compact
// time-sorted vectors and updated incrementally, one event at a time (FactStore::apply).
//
// Ownership/thread-safety: plain data, no locking; the owning read model serialises apply()
// against readers. Invariants: every per-vehicle vector is sorted by time; `failures`, `issues`
// and `costs` are sorted by time (a back-dated event is inserted in place, not appended).

#include <cstdint>
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "roundhouse/core/status.hpp"
#include "roundhouse/events/event.hpp"

namespace roundhouse::analytics {

enum class VehicleStatus : std::uint8_t { in_service, standby, under_maintenance, out_of_service };
constexpr Timestamp kDayMicros = 86'400'000'000;
constexpr double kMicrosPerHour = 3'600'000'000.0;

struct StatusChange {
  Timestamp at;
  VehicleStatus status;
};
struct MeterReading {
  Timestamp at;
  double odometer_km;
};

struct VehicleFacts {
  std::string id, type, depot;  // depot: the latest known (transfers move the whole history)
  Timestamp registered = 0;
  std::optional<Timestamp> retired;
  std::vector<StatusChange> statuses;  // first entry: the status at registration
  std::vector<MeterReading> readings;
  // Odometer at t: linear between readings, flat before the first and after the last.
  double odometer_at(Timestamp t) const;
};

struct FailureFact {
  Timestamp at;
  std::uint32_t vehicle;
  std::uint8_t system;
  bool service_affecting;
};

struct WorkOrderFact {
  std::uint32_t vehicle = 0;
  std::uint8_t category = 0;  // index into kCategories
  std::int16_t system = -1;   // index into kSystems, -1 when none
  Timestamp created = 0;
  Timestamp due = 0;          // exclusive end: a date due_date means "by the end of that day"
  std::optional<Timestamp> scheduled_end, started, completed, cancelled;
};

struct IssueFact {  // one StockIssued: value leaving the stores, and whether it emptied the shelf
  Timestamp at;
  double value;
  bool emptied;
};
struct StockValuePoint {  // total value on hand (all parts) from `at` on
  Timestamp at;
  double value;
};
struct CostFact {  // maintenance cost booked against a vehicle: parts at cost, labour hours
  Timestamp at;
  std::uint32_t vehicle;
  double parts;
  double labour_hours;
};

inline constexpr const char* kSystems[] = {"brakes", "doors", "hvac", "traction", "pantograph", "bogie",
                                           "couplers", "electrical", "engine", "signalling", "body", "other"};
inline constexpr std::size_t kSystemCount = sizeof(kSystems) / sizeof(kSystems[0]);
inline constexpr const char* kCategories[] = {"corrective", "preventive", "predictive"};

class FactStore {
 public:
  // Folds one fleet event in. Events of other types are ignored; an event that names an unknown
  // vehicle or work order is ignored too (the fleet's commands never produce one).
  Status apply(const RecordedEvent& event);

  const std::vector<VehicleFacts>& vehicles() const { return vehicles_; }
  const std::vector<FailureFact>& failures() const { return failures_; }
  const std::vector<WorkOrderFact>& work_orders() const { return work_orders_; }
  const std::vector<IssueFact>& issues() const { return issues_; }
  const std::vector<StockValuePoint>& stock_value() const { return stock_value_; }
  const std::vector<CostFact>& costs() const { return costs_; }
  std::optional<std::uint32_t> vehicle_index(const std::string& id) const;

  // Calls fn(order) for every work order created before `to` that can count in [from, to): one
  // completed, scheduled, due or open in it. Orders whose dates all lie within kWorkOrderSpan of
  // their creation are found through the creation-time index; the others (open, or long-running)
  // are kept in a set of their own. Order: the long ones by index, then by creation time.
  template <class Fn>
  void for_each_work_order_touching(Timestamp from, Timestamp to, Fn&& fn) const {
    const Timestamp recent = from - kWorkOrderSpan;
    for (std::uint32_t i : wide_orders_)
      if (work_orders_[i].created < recent) fn(work_orders_[i]);
    auto it = std::lower_bound(orders_by_created_.begin(), orders_by_created_.end(), recent,
                               [&](std::uint32_t i, Timestamp t) { return work_orders_[i].created < t; });
    for (; it != orders_by_created_.end() && work_orders_[*it].created < to; ++it) fn(work_orders_[*it]);
  }
  static constexpr Timestamp kWorkOrderSpan = 45 * kDayMicros;
  std::size_t part_count() const { return parts_.size(); }
  // Newest occurred time of a vehicle, failure, work-order or part event (0: none yet).
  Timestamp latest_occurred() const { return latest_; }
  std::uint64_t events_applied() const { return applied_; }

 private:
  struct PartState {
    std::int64_t on_hand = 0;
    double unit_cost = 0;
  };
  void set_part(PartState& part, Timestamp at, std::int64_t on_hand, double unit_cost);

  std::vector<VehicleFacts> vehicles_;
  std::unordered_map<std::string, std::uint32_t> vehicle_ids_;
  std::vector<FailureFact> failures_;
  std::unordered_map<std::string, std::uint32_t> failure_vehicle_;
  std::vector<WorkOrderFact> work_orders_;
  std::unordered_map<std::string, std::uint32_t> work_order_ids_;
  std::vector<std::uint32_t> orders_by_created_;  // work-order indices sorted by creation time
  std::set<std::uint32_t> wide_orders_;           // open, or a date beyond kWorkOrderSpan after creation
  void classify(std::uint32_t order);             // keeps wide_orders_ up to date
  std::unordered_map<std::string, PartState> parts_;
  std::vector<IssueFact> issues_;
  std::vector<StockValuePoint> stock_value_;
  double stock_value_now_ = 0;
  std::vector<CostFact> costs_;
  Timestamp latest_ = 0;
  std::uint64_t applied_ = 0;
};

int system_index(std::string_view name);  // -1 when unknown

}  // namespace roundhouse::analytics
