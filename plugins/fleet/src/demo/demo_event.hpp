#pragma once
// One generated event and the factory that stamps it: a deterministic event id (UUIDv7 layout:
// the simulated millisecond + bits from the seed), occurred_at = simulated time, metadata actor
// (e.g. "demo:technician-12") and correlation id (the failure or work order it belongs to), and the
// payload schema version where it is above 1 (MeterReadingRecorded v2), like FleetService does.

#include <cstdint>
#include <string>

#include <boost/json/object.hpp>

#include "demo/prng.hpp"
#include "roundhouse/events/event.hpp"

namespace roundhouse::fleet::demo {

struct DemoEvent {
  StreamId stream;
  NewEvent event;
};

class EventFactory {
 public:
  explicit EventFactory(std::uint64_t seed);
  DemoEvent make(const char* aggregate, const std::string& id, const char* type, boost::json::object payload,
                 Timestamp at, std::string actor, std::string correlation);

 private:
  Uuid next_id(Timestamp at);
  Rng ids_;
};

}  // namespace roundhouse::fleet::demo
