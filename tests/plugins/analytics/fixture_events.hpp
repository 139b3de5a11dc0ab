#pragma once
// A small hand-made fleet history (March 2025) whose KPIs are computed by hand in
// kpi_fixture_test.cpp: two failures, a repair spanning the window's start, a vehicle retired and
// one registered mid-window, preventive orders on time / late / cancelled, a stock-out.
#include <string>
#include <vector>

#include "roundhouse/events/event.hpp"

namespace analytics_fixture {

inline roundhouse::RecordedEvent event(const std::string& stream_type, const std::string& id, const std::string& type,
                                       const std::string& occurred, const std::string& payload) {
  static roundhouse::Position position = 0;
  roundhouse::RecordedEvent e;
  e.position = ++position;
  e.stream = {stream_type, id};
  e.type = type;
  e.occurred_at = roundhouse::parse_timestamp(occurred).value();
  e.recorded_at = e.occurred_at;
  e.payload = payload;
  e.metadata = "{}";
  return e;
}

inline std::vector<roundhouse::RecordedEvent> march_2025() {
  std::vector<roundhouse::RecordedEvent> v;
  auto add = [&](auto... args) { v.push_back(event(args...)); };
  add("part", "P1", "PartDefined", "2025-01-01", R"({"part_number":"P1","description":"door motor","unit_cost":10,"reorder_point":5})");
  add("part", "P1", "StockReceived", "2025-01-01", R"({"quantity":100,"unit_cost":10})");
  add("vehicle", "V1", "VehicleRegistered", "2025-01-01", R"({"number":"V1","vehicle_type":"emu_car","depot":"North","commissioned_on":"2020-01-01"})");
  add("vehicle", "V2", "VehicleRegistered", "2025-01-01", R"({"number":"V2","vehicle_type":"coach","depot":"South","commissioned_on":"2020-01-01"})");
  add("workorder", "WO7", "WorkOrderCreated", "2025-02-01", R"({"vehicle_id":"V1","category":"corrective","priority":"low","due_date":"2025-03-01"})");
  add("workorder", "WO2", "WorkOrderCreated", "2025-02-27", R"({"vehicle_id":"V1","category":"corrective","priority":"high","due_date":"2025-03-02","system":"hvac"})");
  add("workorder", "WO2", "WorkOrderStarted", "2025-02-28T20:00:00Z", R"({})");
  add("vehicle", "V1", "MeterReadingRecorded", "2025-03-01", R"({"odometer_km":1000})");
  add("vehicle", "V2", "MeterReadingRecorded", "2025-03-01", R"({"odometer_km":500})");
  add("workorder", "WO2", "WorkOrderCompleted", "2025-03-01T02:00:00Z", R"({})");
  add("workorder", "WO3", "WorkOrderCreated", "2025-03-01", R"({"vehicle_id":"V1","category":"preventive","priority":"medium","due_date":"2025-03-15"})");
  add("workorder", "WO3", "WorkOrderScheduled", "2025-03-01", R"({"start":"2025-03-14T08:00:00Z","end":"2025-03-14T16:00:00Z"})");
  add("workorder", "WO4", "WorkOrderCreated", "2025-03-01", R"({"vehicle_id":"V2","category":"preventive","priority":"medium","due_date":"2025-03-12"})");
  add("workorder", "WO4", "WorkOrderScheduled", "2025-03-01", R"({"start":"2025-03-12T08:00:00Z","end":"2025-03-12T12:00:00Z"})");
  add("workorder", "WO5", "WorkOrderCreated", "2025-03-02", R"({"vehicle_id":"V1","category":"preventive","priority":"low","due_date":"2025-03-25"})");
  add("failure", "F1", "FailureReported", "2025-03-09T22:00:00Z", R"({"vehicle_id":"V1","system":"doors","severity":"major","service_affecting":true})");
  add("vehicle", "V1", "VehicleStatusChanged", "2025-03-10", R"({"status":"out_of_service","previous_status":"in_service"})");
  add("workorder", "WO1", "WorkOrderCreated", "2025-03-10", R"({"vehicle_id":"V1","category":"corrective","priority":"urgent","due_date":"2025-03-11","system":"doors","failure_id":"F1"})");
  add("workorder", "WO1", "WorkOrderStarted", "2025-03-10T12:00:00Z", R"({})");
  add("part", "P1", "StockIssued", "2025-03-11", R"({"quantity":20,"work_order_id":"WO1","unit_cost":10})");
  add("workorder", "WO1", "WorkOrderPartsConsumed", "2025-03-11", R"({"part_number":"P1","quantity":2,"unit_cost":50})");
  add("vehicle", "V1", "VehicleStatusChanged", "2025-03-11", R"({"status":"under_maintenance","previous_status":"out_of_service"})");
  add("workorder", "WO1", "WorkOrderLabourBooked", "2025-03-11T12:00:00Z", R"({"technician":"t1","hours":10})");
  add("workorder", "WO1", "WorkOrderCompleted", "2025-03-11T18:00:00Z", R"({})");
  add("vehicle", "V1", "VehicleStatusChanged", "2025-03-12", R"({"status":"in_service","previous_status":"under_maintenance"})");
  add("workorder", "WO4", "WorkOrderCompleted", "2025-03-13T09:00:00Z", R"({})");
  add("workorder", "WO3", "WorkOrderCompleted", "2025-03-14T15:00:00Z", R"({})");
  add("vehicle", "V2", "MeterReadingRecorded", "2025-03-15", R"({"odometer_km":1200})");
  add("vehicle", "V2", "VehicleRetired", "2025-03-16", R"({"reason":"life expired"})");
  add("failure", "F2", "FailureReported", "2025-03-20", R"({"vehicle_id":"V1","system":"hvac","severity":"minor","service_affecting":false})");
  add("workorder", "WO5", "WorkOrderCancelled", "2025-03-20", R"({"reason":"merged"})");
  add("vehicle", "V3", "VehicleRegistered", "2025-03-21", R"({"number":"V3","vehicle_type":"emu_car","depot":"North","commissioned_on":"2025-03-21","status":"standby"})");
  add("part", "P1", "StockIssued", "2025-03-21", R"({"quantity":80,"work_order_id":"WO1","unit_cost":10})");
  add("part", "P1", "StockReceived", "2025-03-26", R"({"quantity":50,"unit_cost":12})");
  add("workorder", "WO6", "WorkOrderCreated", "2025-03-28", R"({"vehicle_id":"V1","category":"preventive","priority":"low","due_date":"2025-04-10"})");
  add("vehicle", "V1", "MeterReadingRecorded", "2025-03-31", R"({"odometer_km":4000})");
  return v;
}

}  // namespace analytics_fixture
