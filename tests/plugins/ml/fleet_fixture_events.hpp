#pragma once
// The small fleet history the hand-computed tests share (dates chosen to count days easily):
//   V1 commissioned 2020-01-01, registered 2024-01-01; meters 10000 km (Jan 1), 16000 km (Mar 1)
//   F1 reported Feb 1 (doors) -> WO1 (corrective, high, due Feb 3) created Feb 1, started Feb 2,
//      2 x part at 10.0, 3 h labour, completed Feb 5; F1 closed Feb 5
//   F2 reported Mar 10 -> WO2 created Mar 10 (open); V1 under_maintenance Mar 10
//   WO3 (preventive, low, no failure) created Mar 12 on V2 (registered Mar 1)
#include "features_fixture.hpp"

inline void append_small_fleet(FeaturesTest& t) {
  auto a = [&](const char* type, const char* id, const char* ev, json::object p, const char* when) {
    t.append(type, id, ev, std::move(p), at(when));
  };
  a("vehicle", "V1", "VehicleRegistered",
    {{"number", "V1"}, {"vehicle_type", "emu_car"}, {"depot", "North"}, {"commissioned_on", "2020-01-01"}}, "2024-01-01");
  a("vehicle", "V1", "MeterReadingRecorded", {{"odometer_km", 10000.0}, {"engine_hours", nullptr}}, "2024-01-01T12:00:00Z");
  a("failure", "F1", "FailureReported",
    {{"vehicle_id", "V1"}, {"system", "doors"}, {"severity", "major"}, {"service_affecting", true}}, "2024-02-01");
  a("workorder", "WO1", "WorkOrderCreated",
    {{"vehicle_id", "V1"}, {"category", "corrective"}, {"priority", "high"}, {"due_date", "2024-02-03"},
     {"system", "doors"}, {"failure_id", "F1"}}, "2024-02-01");
  a("failure", "F1", "FailureLinkedToWorkOrder", {{"work_order_id", "WO1"}}, "2024-02-01");
  a("workorder", "WO1", "WorkOrderStarted", {{"technician", "t1"}}, "2024-02-02");
  a("workorder", "WO1", "WorkOrderPartsConsumed", {{"part_number", "P1"}, {"quantity", 2}, {"unit_cost", 10.0}}, "2024-02-03");
  a("workorder", "WO1", "WorkOrderLabourBooked", {{"technician", "t1"}, {"hours", 3.0}}, "2024-02-04");
  a("workorder", "WO1", "WorkOrderCompleted", {{"notes", "door motor"}}, "2024-02-05");
  a("failure", "F1", "FailureClosed", {{"resolution", "fixed"}}, "2024-02-05");
  a("vehicle", "V1", "MeterReadingRecorded", {{"odometer_km", 16000.0}, {"engine_hours", nullptr}}, "2024-03-01");
  a("vehicle", "V2", "VehicleRegistered",
    {{"number", "V2"}, {"vehicle_type", "coach"}, {"depot", "North"}, {"commissioned_on", "2024-03-01"}}, "2024-03-01");
  a("failure", "F2", "FailureReported",
    {{"vehicle_id", "V1"}, {"system", "hvac"}, {"severity", "minor"}, {"service_affecting", false}}, "2024-03-10");
  a("workorder", "WO2", "WorkOrderCreated",
    {{"vehicle_id", "V1"}, {"category", "corrective"}, {"priority", "medium"}, {"due_date", "2024-03-20"},
     {"failure_id", "F2"}}, "2024-03-10");
  a("vehicle", "V1", "VehicleStatusChanged", {{"status", "under_maintenance"}, {"previous_status", "in_service"}}, "2024-03-10");
  a("workorder", "WO3", "WorkOrderCreated",
    {{"vehicle_id", "V2"}, {"category", "preventive"}, {"priority", "low"}, {"due_date", "2024-04-01"}}, "2024-03-12");
}
