#pragma once
// Time travel over the event log (bitemporal, see ARCHITECTURE.md "Event model").
//
// Every event has two times: occurred_at (business/valid time, may be back-dated by the writer) and
// recorded_at (transaction time, set by the store, non-decreasing along positions). A point in
// bitemporal time is an AsOf with an optional bound on each:
//
//   AsOf{.occurred = T}                 the world as it was at T, as we know it now
//   AsOf{.recorded = R}                 what the log said at R (replays exactly what a reader saw then)
//   AsOf{.occurred = T, .recorded = R}  the world at T as it was known at R
//   AsOf{}                              the current state
//
// Inclusion: an event counts iff (no occurred bound or occurred_at <= T) and
// (no recorded bound or recorded_at <= R).
//
// Fold order: with an occurred bound, included events are applied in (occurred_at, version) order,
// so a back-dated correction lands where it happened in business time; without one they are applied
// in version (= recording) order. Consequently a correction recorded at R2 but back-dated to T1
// changes the answer "as of occurred T >= T1" but not "as known at recorded R < R2".
// Note: the occurred order hands AggregateState::apply() events out of version order when writers
// back-date; an aggregate whose apply() refuses that yields a `corrupted` error naming the event.
//
// Every event passes through upcast() before apply(), so aggregates always see the newest payload
// shape. Functions here are stateless and thread-safe; they only read the store.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/core/time.hpp"
#include "roundhouse/domain/aggregate.hpp"
#include "roundhouse/events/event.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/export.hpp"

namespace roundhouse {

class Registry;

// A point in bitemporal time; see the file comment for the semantics.
struct AsOf {
  std::optional<Timestamp> occurred;  // business-time bound T (inclusive)
  std::optional<Timestamp> recorded;  // transaction-time bound R (inclusive)

  // True iff the event is visible at this point.
  bool includes(const RecordedEvent& e) const noexcept {
    return (!occurred || e.occurred_at <= *occurred) && (!recorded || e.recorded_at <= *recorded);
  }
  // True iff events are folded in (occurred_at, version) order rather than version order.
  bool folds_by_occurred_time() const noexcept { return occurred.has_value(); }
};

// {"occurred": "...Z" | null, "recorded": "...Z" | null}
ROUNDHOUSE_API boost::json::object to_json(const AsOf& as_of);

// One aggregate as it stood at a point in time.
struct AggregateSnapshotAt {
  StreamId stream;
  boost::json::object state;    // AggregateState::to_json() after folding the included events
  Version version = 0;          // highest included version; 0: the aggregate did not exist yet
  std::size_t event_count = 0;  // number of included events
  AsOf as_of;                   // the point asked for (echo)

  bool existed() const noexcept { return event_count > 0; }
};
ROUNDHOUSE_API boost::json::object to_json(const AggregateSnapshotAt& snapshot);

// The state of one aggregate at `as_of`.
// Errors: not_found for an aggregate type nobody registered (the message lists the registered
// types) and for a stream that has no events or belongs to another tenant than `tenant` (when
// given); invalid_argument for an empty id or a null store; corrupted when an event cannot be
// upcast or applied. An existing stream whose events all lie after `as_of` is not an error: the
// result has existed() == false and the empty aggregate's state.
// Without an occurred bound the aggregate's snapshot (see AggregateRepository) is used when it lies
// within the recorded bound; snapshots are a cache and never change the answer.
ROUNDHOUSE_API Result<AggregateSnapshotAt> state_at(const std::shared_ptr<EventStore>& store,
                                                    const Registry& registry, const std::string& aggregate_type,
                                                    const std::string& id, const AsOf& as_of,
                                                    const std::optional<std::string>& tenant = std::nullopt);

// ---- field-level diffs ----

enum class ChangeKind : std::uint8_t { added, removed, changed };
ROUNDHOUSE_API std::string_view to_string(ChangeKind kind) noexcept;  // "added", "removed", "changed"

// One differing field. `path` is a JSON Pointer (RFC 6901) into the state ("/status",
// "/location/depot"). added: `before` is null; removed: `after` is null.
struct FieldChange {
  std::string path;
  boost::json::value before;
  boost::json::value after;
  ChangeKind kind = ChangeKind::changed;
};
ROUNDHOUSE_API boost::json::object to_json(const FieldChange& change);
ROUNDHOUSE_API boost::json::array to_json(const std::vector<FieldChange>& changes);

// Differences from `before` to `after`. Nested objects are recursed; arrays and scalars are
// compared as whole values (an array that differs anywhere is one `changed` entry). Order: the
// keys of `before` in their order (removed/changed), then keys only in `after` (added).
// Integers and doubles of equal numeric value count as equal.
ROUNDHOUSE_API std::vector<FieldChange> diff_json(const boost::json::object& before, const boost::json::object& after);

// One aggregate at two points in time.
struct AggregateComparison {
  AggregateSnapshotAt before;
  AggregateSnapshotAt after;
  std::vector<FieldChange> changes;  // diff_json(before.state, after.state)
};
ROUNDHOUSE_API boost::json::object to_json(const AggregateComparison& comparison);

// Compares one aggregate between two points. Errors as state_at(); `before` need not precede
// `after` (the diff is simply from the first to the second).
ROUNDHOUSE_API Result<AggregateComparison> compare(const std::shared_ptr<EventStore>& store, const Registry& registry,
                                                   const std::string& aggregate_type, const std::string& id,
                                                   const AsOf& before, const AsOf& after,
                                                   const std::optional<std::string>& tenant = std::nullopt);

// ---- change history ----

enum class HistoryOrder : std::uint8_t { newest_first, oldest_first };

struct HistoryOptions {
  std::size_t max_entries = 0;  // 0: all; otherwise the newest (newest_first) or oldest N
  HistoryOrder order = HistoryOrder::newest_first;
  std::optional<std::string> tenant;
};

// One event of an aggregate's history with what it changed.
struct HistoryEntry {
  Position position = 0;
  Version version = 0;
  Uuid event_id;
  std::string type;
  Timestamp occurred_at = 0;
  Timestamp recorded_at = 0;
  std::string actor;                // metadata.actor ("" when the writer gave none)
  std::string summary;              // what happened: AggregateType::describe(e) when set, else
                                    // generated from `changes` ("status: a -> b; depot: X -> Y")
  std::string description;          // summary + " by <actor>, <occurred_at as YYYY-MM-DD HH:MM>"
                                    // (UTC; " by <actor>" is left out when there is no actor)
  std::vector<FieldChange> changes; // state diff before -> after this event
};
ROUNDHOUSE_API boost::json::object to_json(const HistoryEntry& entry);

// The change history of one aggregate in recording (version) order, each event diffed against the
// state just before it. Errors as state_at().
ROUNDHOUSE_API Result<std::vector<HistoryEntry>> history(const std::shared_ptr<EventStore>& store,
                                                         const Registry& registry, const std::string& aggregate_type,
                                                         const std::string& id, const HistoryOptions& options = {});

// The generated summary used when an AggregateType has no describe(): "field: old -> new" per change
// joined by "; " (the path without its leading '/', nested keys joined by '.', strings unquoted,
// "(none)" for a missing side, long values shortened, at most 8 fields then "; +N more");
// "<event type> (no field changed)" when `changes` is empty.
ROUNDHOUSE_API std::string summarize_changes(const std::string& event_type, const std::vector<FieldChange>& changes);

// ---- fleet-wide state ----

struct FleetEntry {
  boost::json::object state;
  Version version = 0;          // highest included version
  std::size_t event_count = 0;  // number of included events
};

struct FleetAt {
  std::string aggregate_type;
  AsOf as_of;
  Position head = 0;                          // the log position the answer is consistent with
  std::map<std::string, FleetEntry> aggregates;  // by aggregate id; aggregates with no included event are absent
};
ROUNDHOUSE_API boost::json::object to_json(const FleetAt& fleet);

// Keeps an aggregate in a FleetAt answer when it returns true (e.g. only depot "North").
using FleetFilter = std::function<bool(const std::string& id, const boost::json::object& state)>;

// The state of every aggregate of `aggregate_type` at `as_of` (e.g. the status board as it stood
// last Tuesday 08:00), consistent with the log head when the call started. One pass over read_all
// filtered by type (and tenant); with a recorded bound the pass stops at the last event recorded by R.
// An aggregate whose included events arrive out of occurred order (back-dated) is re-folded from its
// stream, so each entry equals state_at() for the same point. Errors: not_found for an unknown
// aggregate type; corrupted as state_at().
ROUNDHOUSE_API Result<FleetAt> fleet_at(const std::shared_ptr<EventStore>& store, const Registry& registry,
                                        const std::string& aggregate_type, const AsOf& as_of,
                                        const std::optional<std::string>& tenant = std::nullopt,
                                        const FleetFilter& filter = {});

// The last log position recorded at or before `recorded` (0 when none): the head a reader saw at
// that time. Binary search over positions (recorded_at is non-decreasing along positions), so it
// costs O(log n) single-event reads.
ROUNDHOUSE_API Result<Position> position_as_of_recorded(EventStore& store, Timestamp recorded);

}  // namespace roundhouse
