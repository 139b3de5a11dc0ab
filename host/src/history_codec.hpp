#pragma once
// Decoding of time-travel and audit requests, shared by the HTTP handlers and the CLI commands so
// both accept the same parameters with the same defaults and messages (see query_params.hpp for
// how CLI options map onto parameter names). Errors are invalid_argument naming the parameter.
//
// The caller's tenant is never decoded here: the HTTP handlers take it from the token, the CLI from
// --tenant.

#include <string>
#include <utility>
#include <vector>

#include "query_params.hpp"
#include "roundhouse/history/audit.hpp"
#include "roundhouse/history/time_travel.hpp"

namespace roundhouse::host {

// A bitemporal point from `<prefix>occurred` and `<prefix>recorded` (either, both or none).
Result<AsOf> decode_as_of(const Params& params, const std::string& prefix = "");

// `limit` (1..10000, default 100) and `order` (newest | oldest).
Result<HistoryOptions> decode_history_options(const Params& params);

// Keeps aggregates whose top-level state field equals the wanted text for every pair: a string
// field compares as text, a number numerically, a boolean or null by its JSON spelling. A missing
// field never matches.
using FieldEquals = std::vector<std::pair<std::string, std::string>>;
FleetFilter state_filter(FieldEquals wanted);

// The audit trail query: actor, type, id, event_type (repeatable/comma list), correlation_id,
// from/to (recorded window), occurred_from/occurred_to, limit (1..10000, default 100), cursor
// (the next_cursor of the previous page).
Result<AuditQuery> decode_audit_query(const Params& params);
// The parameter names decode_audit_query() reads.
const std::vector<const char*>& audit_query_params();

// Anomaly rules over the SDK's defaults (AnomalyRules): from/to (recorded window), ignore_actor,
// max_flags, bulk, bulk_max_events, bulk_window_seconds, working_hours, work_start_hour,
// work_end_hour, utc_offset_minutes, weekends_off, backdated, backdated_threshold_seconds.
Result<AnomalyRules> decode_anomaly_rules(const Params& params);
const std::vector<const char*>& anomaly_rule_params();

// {"stream": {type, id}, "order": "newest"|"oldest", "entries": [HistoryEntry...]}
boost::json::object history_to_json(const StreamId& stream, HistoryOrder order, const std::vector<HistoryEntry>& entries);
// {"types": [{"name", "provider"}]}: the registered aggregate types.
boost::json::object aggregate_types_to_json(const Registry& registry);

// RFC 4180 CSV of anomaly flags (CRLF, header row): kind, actor, stream_type, stream_id,
// first_position, last_position, count, window_start, window_end, detail.
std::string anomalies_to_csv(const std::vector<AnomalyFlag>& flags);

}  // namespace roundhouse::host
