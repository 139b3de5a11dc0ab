#pragma once
// ProjectionSet: the registry's projections folded over the log in one read_all pass on the
// calling thread, each event handed to every projection whose filter() matches — what a rebuild
// costs without the ProjectionEngine's subscriptions and checkpoints. Not thread-safe.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "roundhouse/core/status.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/plugin/registry.hpp"
#include "roundhouse/projections/projection.hpp"

namespace roundhouse::bench {

struct ReplayCounts {
  std::uint64_t events = 0;   // events read
  std::uint64_t applied = 0;  // apply() calls (an event may feed several projections)
};

class ProjectionSet {
 public:
  // Fresh, empty instances of every projection in the registry (the fleet's four).
  static ProjectionSet fleet(const Registry& registry);

  // Every projection (only = -1) or only projection `only`.
  Result<ReplayCounts> replay(EventStore& store, int only = -1);
  std::size_t size() const { return projections_.size(); }
  std::vector<std::string> names() const;
  // Bytes of serialize(save_state()) per projection: the size of the checkpoint document the
  // ProjectionEngine writes for each model at this point.
  std::vector<std::size_t> state_bytes() const;

 private:
  std::vector<std::unique_ptr<Projection>> projections_;
  std::vector<EventFilter> filters_;
};

}  // namespace roundhouse::bench
