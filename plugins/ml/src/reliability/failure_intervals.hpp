#pragma once
// Life data from the fleet's failure history: times between failures of one system, per vehicle.
//
// For each selected vehicle the observation runs from its VehicleRegistered (occurred_at: when it
// entered the log) to the end of the window (`until`) or its VehicleRetired, whichever is first.
// Its FailureReported events of the system inside that span, in occurred order, cut it into
// intervals: start -> 1st failure, failure i -> failure i+1 (failures), and last failure (or the
// start) -> end (right-censored: the unit was still running). Failures at the same instant as the
// previous cut give a zero interval, which is skipped and counted. Times are in days.
//
// A vehicle is selected when it matches `vehicle_type` and `depot` (its depot at the end of the
// observation, after transfers); empty filters match all. Only events with occurred_at <= until
// and of the caller's tenant are read.

#include <optional>
#include <string>

#include "numeric/weibull.hpp"
#include "roundhouse/events/event_store.hpp"

namespace roundhouse::ml::reliability {

struct FailureIntervalQuery {
  std::string system;        // FailureReported.system, required
  std::string vehicle_type;  // optional filter
  std::string depot;         // optional filter
  Timestamp until = 0;       // end of the window
  std::optional<std::string> tenant;
};

struct FailureIntervals {
  LifeData data;                   // days
  std::size_t vehicles = 0;        // selected vehicles observed for a positive time
  std::size_t zero_intervals = 0;  // failures at the instant of the previous cut (skipped)
};

Result<FailureIntervals> failure_intervals(EventStore& store, const FailureIntervalQuery& query);

}  // namespace roundhouse::ml::reliability
