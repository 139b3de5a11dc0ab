#pragma once
// The registry's projections as the host runs them, shared by `serve`, the HTTP handlers and the
// `projections` / `audit replay` commands: the live engine, the wire form of a status, and a
// one-off replay of a time window into a fresh instance.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "roundhouse/core/time.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/projections/projection_engine.hpp"

namespace roundhouse {
class Registry;
}

namespace roundhouse::host {

// An engine running every projection in the registry over `store` (catching up from the saved
// checkpoints, then live); nullptr when no plugin registered one. A projection that cannot be
// added is logged and skipped.
std::unique_ptr<ProjectionEngine> start_projections(const Registry& registry, const std::shared_ptr<EventStore>& store);

// {name, state, position, head, lag, failed_at (null when none), error, rebuilding, rebuild_position}
boost::json::object to_json(const ProjectionStatus& status);

// Query-string style parameters as the object ProjectionEngine::query() takes: one value -> a
// string, a repeated name -> an array of strings.
boost::json::object query_object(const std::multimap<std::string, std::string>& params);

struct ReplayOutcome {
  std::size_t events = 0;    // events applied
  boost::json::value state;  // the fresh instance's save_state() afterwards
};

// Replays the events recorded in [from, to) (unbounded when absent) into a fresh instance of the
// registered projection `name` (replay_window). With `tenant` the projection only sees that
// tenant's events, whatever its own filter says. not_found for an unknown projection;
// invalid_argument for from > to; the projection's refusal as the SDK reports it.
Result<ReplayOutcome> replay_projection(const std::shared_ptr<EventStore>& store, const Registry& registry,
                                        const std::string& name, std::optional<Timestamp> from,
                                        std::optional<Timestamp> to, const std::optional<std::string>& tenant);

// {"projection", "from", "to" (RFC 3339 or null when unbounded), "events", "state"}
boost::json::object to_json(const std::string& name, std::optional<Timestamp> from, std::optional<Timestamp> to,
                            const ReplayOutcome& outcome);

}  // namespace roundhouse::host
