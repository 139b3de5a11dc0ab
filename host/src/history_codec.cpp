#include "history_codec.hpp"

#include <charconv>
#include <limits>
#include <optional>

#include "roundhouse/core/json_text.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse::host {
namespace json = boost::json;

namespace {

constexpr std::uint64_t kMaxPage = 10000;
constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::uint64_t kMaxSeconds = std::numeric_limits<Timestamp>::max() / kMicrosPerSecond;

// Keeps the first error of a series of decodes, so a decoder reads as a list of fields.
class FirstError {
 public:
  template <class T>
  T take(Result<T> r, T fallback = {}) {
    if (r) return std::move(r).value();
    if (!error_) error_ = r.error();
    return fallback;
  }
  const std::optional<Error>& error() const { return error_; }

 private:
  std::optional<Error> error_;
};

// A present, non-empty value; empty counts as absent (an "?actor=" left blank by a form).
std::optional<std::string> text_param(const Params& params, const char* name) {
  const std::string* v = params.get(name);
  if (!v || v->empty()) return std::nullopt;
  return *v;
}

bool field_equals(const json::value& field, const std::string& wanted) {
  if (field.is_string()) return field.get_string() == wanted;
  if (field.is_number()) {
    double w = 0;
    auto r = std::from_chars(wanted.data(), wanted.data() + wanted.size(), w);
    return !wanted.empty() && r.ec == std::errc{} && r.ptr == wanted.data() + wanted.size() &&
           field.to_number<double>() == w;
  }
  return to_json_text(field) == wanted;  // true, false, null (and whole objects/arrays, rarely useful)
}

}  // namespace

Result<AsOf> decode_as_of(const Params& params, const std::string& prefix) {
  FirstError e;
  AsOf as_of;
  as_of.occurred = e.take(timestamp_param(params, (prefix + "occurred").c_str()));
  as_of.recorded = e.take(timestamp_param(params, (prefix + "recorded").c_str()));
  if (e.error()) return *e.error();
  return as_of;
}

Result<HistoryOptions> decode_history_options(const Params& params) {
  FirstError e;
  HistoryOptions options;
  options.max_entries = e.take(uint_param(params, "limit", 100, 1, kMaxPage));
  const std::string order = e.take(choice_param(params, "order", {"newest", "oldest"}));
  options.order = order == "oldest" ? HistoryOrder::oldest_first : HistoryOrder::newest_first;
  if (e.error()) return *e.error();
  return options;
}

FleetFilter state_filter(FieldEquals wanted) {
  if (wanted.empty()) return {};
  return [wanted = std::move(wanted)](const std::string&, const json::object& state) {
    for (const auto& [field, text] : wanted) {
      const json::value* v = state.if_contains(field);
      if (!v || !field_equals(*v, text)) return false;
    }
    return true;
  };
}

json::object history_to_json(const StreamId& stream, HistoryOrder order, const std::vector<HistoryEntry>& entries) {
  json::array list;
  list.reserve(entries.size());
  for (const auto& e : entries) list.push_back(to_json(e));
  return {{"stream", json::object{{"type", stream.type}, {"id", stream.id}}},
          {"order", order == HistoryOrder::oldest_first ? "oldest" : "newest"},
          {"entries", std::move(list)}};
}

json::object aggregate_types_to_json(const Registry& registry) {
  json::array list;
  for (const auto& e : registry.aggregates.list()) list.push_back(json::object{{"name", e.name}, {"provider", e.provider}});
  return {{"types", std::move(list)}};
}

const std::vector<const char*>& audit_query_params() {
  static const std::vector<const char*> names = {"actor", "type",          "id",          "event_type",
                                                 "correlation_id", "from", "to", "occurred_from",
                                                 "occurred_to",    "limit", "cursor"};
  return names;
}

Result<AuditQuery> decode_audit_query(const Params& params) {
  FirstError e;
  AuditQuery q;
  q.actor = text_param(params, "actor");
  q.aggregate_type = text_param(params, "type");
  q.aggregate_id = text_param(params, "id");
  q.event_types = list_param(params, "event_type");
  q.correlation_id = text_param(params, "correlation_id");
  q.recorded = {e.take(timestamp_param(params, "from")), e.take(timestamp_param(params, "to"))};
  q.occurred = {e.take(timestamp_param(params, "occurred_from")), e.take(timestamp_param(params, "occurred_to"))};
  q.limit = e.take(uint_param(params, "limit", 100, 1, kMaxAuditPageSize));
  q.after_position = e.take(uint_param(params, "cursor", 0, 0, std::numeric_limits<Position>::max()));
  if (e.error()) return *e.error();
  return q;
}

const std::vector<const char*>& anomaly_rule_params() {
  static const std::vector<const char*> names = {
      "from",          "to",                 "ignore_actor",    "max_flags",       "bulk",
      "bulk_max_events", "bulk_window_seconds", "working_hours", "work_start_hour", "work_end_hour",
      "utc_offset_minutes", "weekends_off",     "backdated",     "backdated_threshold_seconds"};
  return names;
}

Result<AnomalyRules> decode_anomaly_rules(const Params& params) {
  FirstError e;
  AnomalyRules r;  // the SDK's defaults, overridden field by field
  r.recorded = {e.take(timestamp_param(params, "from")), e.take(timestamp_param(params, "to"))};
  r.ignore_actors = list_param(params, "ignore_actor");
  r.max_flags = e.take(uint_param(params, "max_flags", r.max_flags, 1, 1'000'000));

  r.bulk.enabled = e.take(bool_param(params, "bulk", r.bulk.enabled));
  r.bulk.max_events = e.take(uint_param(params, "bulk_max_events", r.bulk.max_events, 1, 1'000'000'000));
  r.bulk.window_micros = static_cast<Timestamp>(
      e.take(uint_param(params, "bulk_window_seconds", static_cast<std::uint64_t>(r.bulk.window_micros / kMicrosPerSecond),
                        1, kMaxSeconds))) * kMicrosPerSecond;

  auto& h = r.working_hours;
  h.enabled = e.take(bool_param(params, "working_hours", h.enabled));
  h.start_hour = static_cast<int>(e.take(int_param(params, "work_start_hour", h.start_hour, 0, 24)));
  h.end_hour = static_cast<int>(e.take(int_param(params, "work_end_hour", h.end_hour, 0, 24)));
  h.utc_offset_minutes = static_cast<int>(e.take(int_param(params, "utc_offset_minutes", h.utc_offset_minutes, -840, 840)));
  h.weekends_off = e.take(bool_param(params, "weekends_off", h.weekends_off));

  r.backdated.enabled = e.take(bool_param(params, "backdated", r.backdated.enabled));
  r.backdated.threshold_micros = static_cast<Timestamp>(e.take(uint_param(
      params, "backdated_threshold_seconds", static_cast<std::uint64_t>(r.backdated.threshold_micros / kMicrosPerSecond),
      0, kMaxSeconds))) * kMicrosPerSecond;
  if (e.error()) return *e.error();
  return r;
}

std::string anomalies_to_csv(const std::vector<AnomalyFlag>& flags) {
  std::string out = "kind,actor,stream_type,stream_id,first_position,last_position,count,window_start,window_end,detail\r\n";
  for (const auto& f : flags) {
    const std::string fields[] = {std::string(to_string(f.kind)),
                                  f.actor,
                                  f.stream ? f.stream->type : "",
                                  f.stream ? f.stream->id : "",
                                  std::to_string(f.first_position),
                                  std::to_string(f.last_position),
                                  std::to_string(f.count),
                                  format_timestamp(f.window_start),
                                  format_timestamp(f.window_end),
                                  f.detail};
    for (std::size_t i = 0; i < std::size(fields); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    out += "\r\n";
  }
  return out;
}

}  // namespace roundhouse::host
