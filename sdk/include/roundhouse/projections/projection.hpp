#pragma once
// A projection: a read model folded from the event log (CQRS read side).
//
// Contract for implementers: apply() is called with events in position order, each exactly once
// per instance, from one thread at a time; query() and save_state() may run concurrently with each
// other but never with apply() (the engine holds a reader/writer lock). apply() must be
// deterministic: the engine may rebuild the model from position 0 or from a saved state at any time
// and expects the same result. A non-ok Status from apply() stops the projection at that event.

#include <functional>
#include <memory>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/export.hpp"

namespace roundhouse {

class ROUNDHOUSE_API Projection {
 public:
  virtual ~Projection();
  virtual std::string name() const = 0;
  // Which events this projection needs; others are skipped cheaply by the engine.
  virtual EventFilter filter() const { return {}; }
  virtual Status apply(const RecordedEvent& event) = 0;
  // The whole read model as JSON, saved with its checkpoint; restore_state() reverses it.
  virtual boost::json::value save_state() const = 0;
  virtual Status restore_state(const boost::json::value& state) = 0;
  // The read side: answers a query against the current model. `params` come from the caller
  // (HTTP query string, Python kwargs); unknown params should be rejected with invalid_argument.
  virtual Result<boost::json::value> query(const boost::json::object& params) const = 0;
};

// Creates a fresh, empty projection instance (used at start and for rebuilds).
using ProjectionFactory = std::function<std::unique_ptr<Projection>()>;

}  // namespace roundhouse
