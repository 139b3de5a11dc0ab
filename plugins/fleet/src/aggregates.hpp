#pragma once
// The fleet's write-side aggregates. Each keeps its state as a JSON object (what snapshots, time
// travel and the API show) and folds its own stream's events into it.
//
//   vehicle/<number>          VehicleRegistered, VehicleStatusChanged, VehicleTransferred,
//                             MeterReadingRecorded, VehicleRetired
//   failure/<id>              FailureReported, FailureLinkedToWorkOrder, FailureClosed
//   workorder/<id>            WorkOrderCreated, ...Scheduled, ...Assigned, ...Started,
//                             ...PartsConsumed, ...LabourBooked, ...Completed, ...Cancelled
//   part/<part number>        PartDefined, StockReceived, StockReserved, StockIssued,
//                             StockReturned, StockCounted

#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include "roundhouse/domain/aggregate.hpp"

namespace roundhouse::fleet {

inline constexpr const char* kVehicle = "vehicle";
inline constexpr const char* kFailure = "failure";
inline constexpr const char* kWorkOrder = "workorder";
inline constexpr const char* kPart = "part";

// State held as a JSON object; subclasses interpret events. Not thread-safe.
class JsonAggregate : public AggregateState {
 public:
  boost::json::object to_json() const override { return state_; }
  Status from_json(const boost::json::object& snapshot) override {
    state_ = snapshot;
    return {};
  }
  const boost::json::object& state() const { return state_; }
  bool exists() const { return !state_.empty(); }

 protected:
  boost::json::object state_;
};

class VehicleState final : public JsonAggregate {
 public:
  Status apply(const RecordedEvent& e) override;
};
class FailureState final : public JsonAggregate {
 public:
  Status apply(const RecordedEvent& e) override;
};
class WorkOrderState final : public JsonAggregate {
 public:
  Status apply(const RecordedEvent& e) override;
};
class PartState final : public JsonAggregate {
 public:
  Status apply(const RecordedEvent& e) override;
};

// The AggregateType descriptors registered by the plugin (make + describe).
AggregateType vehicle_type();
AggregateType failure_type();
AggregateType work_order_type();
AggregateType part_type();

}  // namespace roundhouse::fleet
