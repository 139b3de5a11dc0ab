#pragma once
// The fleet's built-in read models (CQRS projections), run by the host's ProjectionEngine:
//   vehicle-state        one row per vehicle: status, depot, meters, open failures / work orders
//   fleet-status-board   vehicles per depot and status, and the ones not in service since when
//   work-orders          work-order list and backlog (count, age, overdue, by priority)
//   inventory-levels     stock per part: on hand, reserved, available, reorder flag, value

#include <memory>
#include <vector>

#include "roundhouse/projections/projection.hpp"

namespace roundhouse::fleet {

std::vector<ProjectionFactory> projection_factories();

}  // namespace roundhouse::fleet
