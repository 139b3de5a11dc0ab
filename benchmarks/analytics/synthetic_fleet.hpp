#pragma once
// A synthetic fleet history for kpi.all, sized by its number of work orders (5M in the full run):
// vehicles with weekly meter readings, failures that take them out of service, corrective orders
// (started, parts consumed, labour, completed, vehicle back in service), scheduled preventive
// orders, parts received monthly and issued per repair. Deterministic (fixed-seed LCG). Events are
// produced in occurred_at order through `sink`, as the store would deliver them.
#include <cstdint>
#include <functional>

#include "roundhouse/events/event.hpp"

namespace roundhouse::bench {

using EventSink = std::function<void(const RecordedEvent&)>;
// Returns the number of events produced.
std::uint64_t synthetic_fleet(std::uint64_t work_orders, const EventSink& sink);

}  // namespace roundhouse::bench
