#pragma once
// Aggregates: the write-side models of a domain, each folded from its own stream.
// A domain plugin registers one AggregateType per stream type; the SDK then knows how to load
// (snapshot + tail), time-travel, diff and describe that aggregate without knowing the domain.

#include <functional>
#include <memory>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/events/event.hpp"
#include "roundhouse/export.hpp"

namespace roundhouse {

// The state of one aggregate instance. apply() must be deterministic and accept the aggregate's
// events in version order; to_json()/from_json() round-trip exactly (snapshots rely on it).
// Not thread-safe: one owner at a time.
class ROUNDHOUSE_API AggregateState {
 public:
  virtual ~AggregateState();
  virtual Status apply(const RecordedEvent& event) = 0;
  virtual boost::json::object to_json() const = 0;
  virtual Status from_json(const boost::json::object& snapshot) = 0;
};

struct AggregateType {
  std::string name;  // the stream type, e.g. "vehicle"
  std::function<std::unique_ptr<AggregateState>()> make;
  // One line a person can read for the change history, e.g. "reported a major brakes failure".
  // Optional: the SDK falls back to the event type and changed fields.
  std::function<std::string(const RecordedEvent&)> describe;
};

// Turns a stored payload of an older schema version into the next one. Events carry their payload
// schema version in metadata "schema_version" (absent means 1); readers that use
// AggregateRepository or upcast() always see the newest shape.
struct Upcaster {
  std::string event_type;
  int from_version = 1;  // upgrades from this version to from_version + 1
  std::function<Result<boost::json::value>(const boost::json::value& payload)> upgrade;
};

}  // namespace roundhouse
