#pragma once
// Audit over the event log: who recorded what and when (the trail, with paging and CSV/JSON
// export), replay of a recorded-time window into a fresh projection, and anomaly flags (bulk
// changes by one actor, edits outside working hours, back-dated events).
//
// Time windows are half-open [from, to) and refer to recorded_at (transaction time) unless named
// otherwise. Because recorded_at is non-decreasing along positions, a recorded window maps to a
// contiguous position range, found by binary search (see position_as_of_recorded), so a window at
// the end of a large log does not scan the whole log.
//
// Functions here are stateless and thread-safe; they only read the store. Expected failures
// (bad input, unreadable metadata, store errors) are returned as values.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "roundhouse/core/status.hpp"
#include "roundhouse/core/time.hpp"
#include "roundhouse/events/event.hpp"
#include "roundhouse/events/event_store.hpp"
#include "roundhouse/export.hpp"
#include "roundhouse/projections/projection.hpp"

namespace roundhouse {

// A half-open time window [from, to); a missing bound is unbounded.
struct TimeWindow {
  std::optional<Timestamp> from;  // inclusive
  std::optional<Timestamp> to;    // exclusive

  bool contains(Timestamp t) const noexcept { return (!from || t >= *from) && (!to || t < *to); }
  // invalid_argument when both bounds are set and from > to (from == to is an empty window).
  // `what` names the window in the message, e.g. "recorded".
  ROUNDHOUSE_API Status validate(std::string_view what) const;
};

// ---- audit trail ----

inline constexpr std::size_t kMaxAuditPageSize = 10000;

// Filters of an audit trail query; every set filter must match (AND). Empty/unset: no filter.
struct AuditQuery {
  std::optional<std::string> actor;           // metadata.actor, exact
  std::optional<std::string> aggregate_type;  // stream type
  std::optional<std::string> aggregate_id;    // stream id (of any type unless aggregate_type is set)
  std::vector<std::string> event_types;       // any of these
  std::optional<std::string> tenant;
  std::optional<std::string> correlation_id;  // metadata.correlation_id, exact
  TimeWindow recorded;                        // recorded_at in [from, to)
  TimeWindow occurred;                        // occurred_at in [from, to)
  Position after_position = 0;                // paging cursor: only positions > this
  std::size_t limit = 100;                    // page size, 1..kMaxAuditPageSize
};

// One event as the audit trail shows it (no payload: the trail says who did what, not the data).
struct AuditEntry {
  Position position = 0;
  StreamId stream;
  Version version = 0;
  Uuid event_id;
  std::string type;
  std::string actor;
  std::string tenant;
  Timestamp occurred_at = 0;
  Timestamp recorded_at = 0;
  std::string device;
  std::string correlation_id;
};

struct AuditPage {
  std::vector<AuditEntry> entries;          // in position order
  std::optional<Position> next_after;       // set iff more entries match: pass as after_position
};

// One page of the audit trail in position order. Errors: invalid_argument for a null store, a limit
// of 0 or above kMaxAuditPageSize, or a window with from > to; corrupted for unreadable metadata
// (the message names the position); store errors as they come.
ROUNDHOUSE_API Result<AuditPage> audit_trail(const std::shared_ptr<EventStore>& store, const AuditQuery& query);

// Export: a JSON array of objects with the AuditEntry fields (timestamps RFC 3339, stream as
// "stream_type"/"stream_id"), and CSV per RFC 4180 (CRLF line ends; a field containing a comma,
// quote, CR or LF is quoted with inner quotes doubled) with a header row when `header` is true, so
// pages can be concatenated by passing header = false after the first.
ROUNDHOUSE_API boost::json::object to_json(const AuditEntry& entry);
ROUNDHOUSE_API boost::json::array audit_to_json(const std::vector<AuditEntry>& entries);
ROUNDHOUSE_API std::string audit_to_csv(const std::vector<AuditEntry>& entries, bool header = true);
// The CSV column names, in order.
ROUNDHOUSE_API const std::vector<std::string>& audit_csv_columns();
// One RFC 4180 field: returned as is unless it needs quoting.
ROUNDHOUSE_API std::string csv_field(std::string_view value);

// ---- replay ----

// Applies every event recorded in [from, to) that matches projection.filter() to `projection`, in
// position order, and returns how many were applied. The caller passes a fresh instance (e.g. from
// the registry's ProjectionFactory) and queries it afterwards; the projection engine and its
// checkpoints are not involved. Events are applied as stored (no upcasting), as the engine does.
// Errors: invalid_argument for a null store or from > to; the projection's own error, prefixed
// with the position of the event it refused (nothing after it is applied).
ROUNDHOUSE_API Result<std::size_t> replay_window(const std::shared_ptr<EventStore>& store, Timestamp from, Timestamp to,
                                                 Projection& projection);

// ---- anomalies ----

enum class AnomalyKind : std::uint8_t { bulk_change, outside_working_hours, backdated };
ROUNDHOUSE_API std::string_view to_string(AnomalyKind kind) noexcept;  // "bulk_change", ...

// What counts as an anomaly. Each rule can be switched off; defaults follow common audit practice.
struct AnomalyRules {
  TimeWindow recorded;                   // only events recorded in [from, to)
  std::optional<std::string> tenant;     // only this tenant's events
  std::vector<std::string> ignore_actors;  // e.g. import or sync service accounts
  std::size_t max_flags = 1000;          // at most this many flags (then `truncated`)
  std::size_t max_positions_per_flag = 100;  // positions listed per flag; count is always exact

  struct Bulk {
    bool enabled = true;
    std::size_t max_events = 50;               // flag when one actor records MORE than this many...
    Timestamp window_micros = 5 * 60'000'000;  // ...events within this span (recorded time)
  } bulk;

  struct WorkingHours {
    bool enabled = true;
    int start_hour = 6;             // local working hours are [start_hour, end_hour), 0..24;
    int end_hour = 20;              // start_hour > end_hour means a shift over midnight
    int utc_offset_minutes = 0;     // local time = UTC + this (-840..840)
    bool weekends_off = false;      // also flag Saturday and Sunday (local) at any hour
  } working_hours;

  struct Backdated {
    bool enabled = true;
    Timestamp threshold_micros = 7LL * 24 * 3600 * 1'000'000;  // flag recorded_at - occurred_at > this
  } backdated;
};

// One flag. Grouping: bulk_change = one maximal burst of one actor (overlapping windows merged);
// outside_working_hours = one actor's off-hours events on one local calendar day; backdated = one
// event (stream set).
struct AnomalyFlag {
  AnomalyKind kind = AnomalyKind::bulk_change;
  std::string actor;
  std::optional<StreamId> stream;  // backdated only
  Position first_position = 0;
  Position last_position = 0;
  std::size_t count = 0;           // events covered
  std::vector<Position> positions; // the first max_positions_per_flag of them
  Timestamp window_start = 0;      // recorded_at of the first event
  Timestamp window_end = 0;        // recorded_at of the last event
  std::string detail;              // one readable line
};

struct AnomalyReport {
  std::vector<AnomalyFlag> flags;  // ordered by first_position, then kind
  std::size_t events_scanned = 0;
  Position scanned_through = 0;    // last position examined (0: none)
  bool truncated = false;          // max_flags was reached: later events were not examined or
                                   // flags were dropped; narrow the window to see the rest
};

ROUNDHOUSE_API boost::json::object to_json(const AnomalyFlag& flag);
ROUNDHOUSE_API boost::json::object to_json(const AnomalyReport& report);

// Scans the events recorded in rules.recorded (one pass, position order) and flags anomalies.
// Errors: invalid_argument for a null store, from > to, or rules out of range (bulk max_events 0 or
// a window <= 0, hours outside 0..24 or start == end, offset outside +-14 h, negative threshold,
// max_flags 0); corrupted for unreadable metadata.
ROUNDHOUSE_API Result<AnomalyReport> audit_anomalies(const std::shared_ptr<EventStore>& store,
                                                     const AnomalyRules& rules);

}  // namespace roundhouse
