#pragma once
// ProjectionEngine: runs projections over one EventStore — catch-up from the saved checkpoint, then
// live; checkpoint and read-model state saved together in one atomic StateStore write; lag reported;
// rebuild from zero beside the serving instance and swapped in once caught up (no downtime); a
// failing apply() stops that projection with the event position in its status (never skipped).
// Read models are kept per tenant: each tenant's events feed that tenant's own instance of the
// projection, and a query names the tenant it answers for.
//
// Thread-safety: all methods may be called from any thread. Ownership: keeps the store alive.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "roundhouse/projections/projection.hpp"

namespace roundhouse {

struct ProjectionEngineOptions {
  std::size_t checkpoint_every_events = 10000;           // save after this many applied events...
  std::chrono::milliseconds checkpoint_interval{1000};   // ...or this much time, whichever first, but
                                                         // never sooner than 9x the last save took
  std::string state_namespace = "projection";            // StateStore namespace for checkpoints
};

struct ProjectionStatus {
  std::string name;
  std::string state;        // "catching_up", "live", "failed", "stopped"
  Position position = 0;    // checkpoint of the serving instance
  Position head = 0;        // store head when the status was taken
  Position lag = 0;         // head - position
  std::optional<Position> failed_at;  // position of the event apply() refused
  std::string error;
  bool rebuilding = false;
  Position rebuild_position = 0;
};

class ROUNDHOUSE_API ProjectionEngine {
 public:
  explicit ProjectionEngine(std::shared_ptr<EventStore> store, ProjectionEngineOptions options = {});
  ~ProjectionEngine();  // stops everything, saving checkpoints
  ProjectionEngine(const ProjectionEngine&) = delete;
  ProjectionEngine& operator=(const ProjectionEngine&) = delete;

  // Registers and starts a projection: restores the saved state (if its checkpoint is readable)
  // and subscribes after that checkpoint. invalid_argument if the name is taken.
  Status add(const ProjectionFactory& factory);

  std::vector<ProjectionStatus> status() const;
  Result<ProjectionStatus> status(const std::string& name) const;
  // The tenant's read model answers `params` (an empty model for a tenant with no events yet).
  Result<boost::json::value> query(const std::string& name, const std::string& tenant,
                                   const boost::json::object& params) const;

  // Starts a rebuild from position 0 beside the serving instance; returns at once. The new
  // instance replaces the serving one when it has caught up with the head. not_found for unknown
  // names; a rebuild already running is left alone (ok).
  Status rebuild(const std::string& name);

  // Blocks until every projection has applied `position` (or failed/stopped) or the timeout passes;
  // within the timeout a projection that has applied it is also past its catch-up (reports live).
  bool wait_until(Position position, std::chrono::milliseconds timeout) const;

  void stop();  // idempotent

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace roundhouse
