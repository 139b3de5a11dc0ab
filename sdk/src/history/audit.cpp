#include "roundhouse/history/audit.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <limits>
#include <unordered_map>
#include <utility>

#include <boost/json/parse.hpp>

#include "roundhouse/history/time_travel.hpp"

namespace roundhouse {
namespace json = boost::json;

namespace {

constexpr Timestamp kMicrosPerMinute = 60'000'000;
constexpr Timestamp kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr Timestamp kMicrosPerDay = 24 * kMicrosPerHour;

// ---- shared helpers ----

Status check_store(const std::shared_ptr<EventStore>& store) {
  if (!store) return {ErrorCode::invalid_argument, "no event store given"};
  return {};
}

// The first position recorded at or after `from` (1 when unbounded).
Result<Position> first_position_from(EventStore& store, const std::optional<Timestamp>& from) {
  if (!from || *from == std::numeric_limits<Timestamp>::min()) return Position{1};
  auto before = position_as_of_recorded(store, *from - 1);
  if (!before) return before.error();
  return *before + 1;
}

// The metadata fields the audit needs.
struct MetaFields {
  std::string actor;
  std::string device;
  std::string correlation_id;
};

std::string string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string{};
}

Result<MetaFields> read_meta(const RecordedEvent& e) {
  boost::system::error_code ec;
  auto meta = json::parse(e.metadata, ec);
  if (ec || !(meta.is_object() || meta.is_null()))
    return Error{ErrorCode::corrupted, "event at position " + std::to_string(e.position) + " has unreadable metadata"};
  if (meta.is_null()) return MetaFields{};
  const auto& o = meta.get_object();
  return MetaFields{string_field(o, "actor"), string_field(o, "device"), string_field(o, "correlation_id")};
}

// False only when `text` (serialized JSON) cannot hold the string `s`: a cheap pre-filter that
// avoids parsing metadata of events by other actors. Strings needing JSON escapes are not pre-filtered.
bool may_contain(std::string_view text, std::string_view s) {
  for (unsigned char c : s)
    if (c == '"' || c == '\\' || c < 0x20) return true;
  return text.find(s) != std::string_view::npos;
}

std::string duration_text(Timestamp micros) {
  struct Unit { Timestamp size; const char* name; };
  static constexpr Unit units[] = {{kMicrosPerDay, " days"}, {kMicrosPerHour, " h"}, {kMicrosPerMinute, " min"},
                                   {1'000'000, " s"}, {1'000, " ms"}};
  for (const auto& u : units)
    if (micros >= u.size && micros % u.size == 0) return std::to_string(micros / u.size) + u.name;
  if (micros >= kMicrosPerDay) {  // not a whole number of days: days and hours
    return std::to_string(micros / kMicrosPerDay) + " days " + std::to_string(micros % kMicrosPerDay / kMicrosPerHour) + " h";
  }
  if (micros >= kMicrosPerMinute)
    return std::to_string(micros / kMicrosPerMinute) + " min " + std::to_string(micros % kMicrosPerMinute / 1'000'000) + " s";
  return std::to_string(micros) + " us";
}

std::string actor_label(const std::string& actor) { return actor.empty() ? "(unknown actor)" : actor; }

// ---- audit trail ----

Status validate_query(const AuditQuery& q) {
  if (q.limit == 0 || q.limit > kMaxAuditPageSize)
    return {ErrorCode::invalid_argument,
            "limit must be between 1 and " + std::to_string(kMaxAuditPageSize) + ", got " + std::to_string(q.limit)};
  if (auto st = q.recorded.validate("recorded"); !st) return st;
  return q.occurred.validate("occurred");
}

AuditEntry make_entry(const RecordedEvent& e, MetaFields meta) {
  return AuditEntry{e.position, e.stream, e.version, e.id, e.type, std::move(meta.actor), e.tenant,
                    e.occurred_at, e.recorded_at, std::move(meta.device), std::move(meta.correlation_id)};
}

// The part of the query read_all cannot filter; nullopt: the event does not match.
Result<std::optional<AuditEntry>> match(const AuditQuery& q, const RecordedEvent& e) {
  if (q.aggregate_id && e.stream.id != *q.aggregate_id) return std::optional<AuditEntry>{};
  if (!q.recorded.contains(e.recorded_at) || !q.occurred.contains(e.occurred_at)) return std::optional<AuditEntry>{};
  if (q.actor && !may_contain(e.metadata, *q.actor)) return std::optional<AuditEntry>{};
  auto meta = read_meta(e);
  if (!meta) return meta.error();
  if (q.actor && meta->actor != *q.actor) return std::optional<AuditEntry>{};
  if (q.correlation_id && meta->correlation_id != *q.correlation_id) return std::optional<AuditEntry>{};
  return std::optional<AuditEntry>{make_entry(e, std::move(meta).value())};
}

// ---- anomalies ----

Status validate_rules(const AnomalyRules& r) {
  if (auto st = r.recorded.validate("recorded"); !st) return st;
  auto bad = [](std::string m) { return Status{ErrorCode::invalid_argument, std::move(m)}; };
  if (r.max_flags == 0) return bad("max_flags must be at least 1");
  if (r.bulk.enabled && (r.bulk.max_events == 0 || r.bulk.window_micros <= 0))
    return bad("bulk rule needs max_events >= 1 and a positive window");
  const auto& h = r.working_hours;
  if (h.enabled && (h.start_hour < 0 || h.start_hour > 24 || h.end_hour < 0 || h.end_hour > 24 ||
                    h.start_hour == h.end_hour))
    return bad("working hours must be 0..24 with start != end, got " + std::to_string(h.start_hour) + "-" +
               std::to_string(h.end_hour));
  if (h.enabled && (h.utc_offset_minutes < -840 || h.utc_offset_minutes > 840))
    return bad("utc_offset_minutes must be within -840..840, got " + std::to_string(h.utc_offset_minutes));
  if (r.backdated.enabled && r.backdated.threshold_micros < 0) return bad("backdated threshold must not be negative");
  return {};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Local calendar facts of a recorded time.
struct LocalTime {
  std::int64_t day = 0;  // days since 1970-01-01 (local)
  int minute_of_day = 0;
  int weekday = 0;       // 0 = Sunday ... 6 = Saturday
};

LocalTime local_time(Timestamp t, int offset_minutes) {
  const Timestamp local = t + offset_minutes * kMicrosPerMinute;
  LocalTime out;
  out.day = floor_div(local, kMicrosPerDay);
  out.minute_of_day = static_cast<int>((local - out.day * kMicrosPerDay) / kMicrosPerMinute);
  out.weekday = static_cast<int>(((out.day + 4) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
  return out;
}

bool within_working_hours(const AnomalyRules::WorkingHours& h, const LocalTime& lt) {
  if (h.weekends_off && (lt.weekday == 0 || lt.weekday == 6)) return false;
  const int hour = lt.minute_of_day / 60;
  if (h.start_hour < h.end_hour) return hour >= h.start_hour && hour < h.end_hour;
  return hour >= h.start_hour || hour < h.end_hour;  // shift over midnight
}

std::string hhmm(int minute_of_day) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute_of_day / 60 % 100, minute_of_day % 60);
  return buf;
}

std::string utc_offset_text(int minutes) {
  if (minutes == 0) return "UTC";
  return std::string("UTC") + (minutes < 0 ? "-" : "+") + hhmm(std::abs(minutes));
}

std::string local_date_text(const LocalTime& lt) {
  static constexpr const char* names[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  return format_timestamp(lt.day * kMicrosPerDay).substr(0, 10) + " (" + names[lt.weekday] + ")";
}

// The anomaly scan: one pass in position order, one small state machine per rule.
class AnomalyScan {
 public:
  explicit AnomalyScan(const AnomalyRules& rules) : rules_(rules) {}

  // Examines one event; false when it would need a flag beyond max_flags (the event is then
  // left unexamined and the report is truncated).
  bool step(const RecordedEvent& e, const std::string& actor) {
    const LocalTime lt = local_time(e.recorded_at, rules_.working_hours.utc_offset_minutes);
    const bool off_hours = rules_.working_hours.enabled && !within_working_hours(rules_.working_hours, lt);
    const bool backdated = rules_.backdated.enabled && e.recorded_at - e.occurred_at > rules_.backdated.threshold_micros;
    const std::size_t needed = (rules_.bulk.enabled && bulk_would_start(actor, e)) +
                               (off_hours && off_hours_would_start(actor, lt)) + backdated;
    if (started_ + needed > rules_.max_flags) return false;
    if (rules_.bulk.enabled) bulk_step(actor, e);
    if (off_hours) off_hours_step(actor, e, lt);
    if (backdated) backdated_flag(actor, e);
    return true;
  }

  // Closes every open group and returns the flags ordered by first position, then kind.
  std::vector<AnomalyFlag> finish() {
    for (auto& [actor, b] : bulk_)
      if (b.open) close_bulk(*b.open);
    for (auto& [actor, g] : off_hours_) close_off_hours(g);
    bulk_.clear();
    off_hours_.clear();
    std::stable_sort(done_.begin(), done_.end(), [](const AnomalyFlag& a, const AnomalyFlag& b) {
      return std::pair(a.first_position, a.kind) < std::pair(b.first_position, b.kind);
    });
    return std::move(done_);
  }

 private:
  struct BulkState {
    std::deque<std::pair<Timestamp, Position>> window;  // the actor's events within the span
    std::optional<AnomalyFlag> open;                      // the burst being extended
  };
  struct OffHoursGroup {
    std::int64_t day = 0;
    LocalTime first, last;
    AnomalyFlag flag;
  };

  bool in_span(Timestamp older, Timestamp now) const { return now - older < rules_.bulk.window_micros; }

  // ---- bulk ----
  bool bulk_would_start(const std::string& actor, const RecordedEvent& e) const {
    auto it = bulk_.find(actor);
    if (it == bulk_.end()) return rules_.bulk.max_events < 1;
    const auto& w = it->second.window;
    std::size_t count = 1;
    Position front = e.position;
    for (auto p = w.rbegin(); p != w.rend() && in_span(p->first, e.recorded_at); ++p) ++count, front = p->second;
    if (count <= rules_.bulk.max_events) return false;
    return !it->second.open || it->second.open->last_position < front;
  }

  void bulk_step(const std::string& actor, const RecordedEvent& e) {
    BulkState& b = bulk_[actor];
    b.window.emplace_back(e.recorded_at, e.position);
    while (!in_span(b.window.front().first, e.recorded_at)) b.window.pop_front();
    if (b.window.size() <= rules_.bulk.max_events) return;
    if (!b.open || b.open->last_position < b.window.front().second) {
      if (b.open) close_bulk(*b.open);
      b.open = new_flag(AnomalyKind::bulk_change, actor);
    }
    for (const auto& [t, p] : b.window)
      if (b.open->count == 0 || p > b.open->last_position) add(*b.open, p, t);
  }

  void close_bulk(AnomalyFlag& f) {
    f.detail = actor_label(f.actor) + " recorded " + std::to_string(f.count) + " events between " +
               format_timestamp(f.window_start) + " and " + format_timestamp(f.window_end) + " (more than " +
               std::to_string(rules_.bulk.max_events) + " within " + duration_text(rules_.bulk.window_micros) + ")";
    close(std::move(f));
  }

  // ---- outside working hours ----
  bool off_hours_would_start(const std::string& actor, const LocalTime& lt) const {
    auto it = off_hours_.find(actor);
    return it == off_hours_.end() || it->second.day != lt.day;
  }

  void off_hours_step(const std::string& actor, const RecordedEvent& e, const LocalTime& lt) {
    auto it = off_hours_.find(actor);
    if (it != off_hours_.end() && it->second.day != lt.day) {
      close_off_hours(it->second);
      off_hours_.erase(it);
      it = off_hours_.end();
    }
    if (it == off_hours_.end())
      it = off_hours_.emplace(actor, OffHoursGroup{lt.day, lt, lt, new_flag(AnomalyKind::outside_working_hours, actor)}).first;
    add(it->second.flag, e.position, e.recorded_at);
    it->second.last = lt;
  }

  void close_off_hours(OffHoursGroup& g) {
    const auto& h = rules_.working_hours;
    g.flag.detail = actor_label(g.flag.actor) + " recorded " + std::to_string(g.flag.count) +
                    " event(s) outside working hours " + hhmm(h.start_hour * 60) + "-" + hhmm(h.end_hour * 60) +
                    (h.weekends_off ? " Mon-Fri" : "") + " " + utc_offset_text(h.utc_offset_minutes) + " on " +
                    local_date_text(g.first) + ", local " + hhmm(g.first.minute_of_day) + "-" +
                    hhmm(g.last.minute_of_day);
    close(std::move(g.flag));
  }

  // ---- backdated ----
  void backdated_flag(const std::string& actor, const RecordedEvent& e) {
    AnomalyFlag f = new_flag(AnomalyKind::backdated, actor);
    f.stream = e.stream;
    add(f, e.position, e.recorded_at);
    f.detail = e.type + " on " + to_string(e.stream) + " by " + actor_label(actor) + " recorded " +
               format_timestamp(e.recorded_at) + " for " + format_timestamp(e.occurred_at) + ": back-dated by " +
               duration_text(e.recorded_at - e.occurred_at) + " (threshold " +
               duration_text(rules_.backdated.threshold_micros) + ")";
    close(std::move(f));
  }

  // ---- flags ----
  AnomalyFlag new_flag(AnomalyKind kind, const std::string& actor) {
    ++started_;
    AnomalyFlag f;
    f.kind = kind;
    f.actor = actor;
    return f;
  }

  void add(AnomalyFlag& f, Position p, Timestamp t) {
    if (f.count == 0) f.first_position = p, f.window_start = t;
    f.last_position = p;
    f.window_end = t;
    if (f.positions.size() < rules_.max_positions_per_flag) f.positions.push_back(p);
    ++f.count;
  }

  void close(AnomalyFlag f) { done_.push_back(std::move(f)); }

  const AnomalyRules& rules_;
  std::size_t started_ = 0;
  std::unordered_map<std::string, BulkState> bulk_;
  std::unordered_map<std::string, OffHoursGroup> off_hours_;
  std::vector<AnomalyFlag> done_;
};

bool ignored(const AnomalyRules& rules, const std::string& actor) {
  return std::find(rules.ignore_actors.begin(), rules.ignore_actors.end(), actor) != rules.ignore_actors.end();
}

}  // namespace

// ---- public API ----

Status TimeWindow::validate(std::string_view what) const {
  if (from && to && *from > *to)
    return {ErrorCode::invalid_argument, std::string(what) + " window is reversed: from " + format_timestamp(*from) +
                                             " is after to " + format_timestamp(*to)};
  return {};
}

Result<AuditPage> audit_trail(const std::shared_ptr<EventStore>& store, const AuditQuery& query) {
  if (auto st = check_store(store); !st) return st.error();
  if (auto st = validate_query(query); !st) return st.error();
  auto start = first_position_from(*store, query.recorded.from);
  if (!start) return start.error();

  AuditPage page;
  Status failed;
  bool more = false;
  ReadAllOptions read;
  read.from_position = std::max(*start, query.after_position + 1);
  if (query.aggregate_type) read.filter.aggregate_types = {*query.aggregate_type};
  read.filter.event_types = query.event_types;
  read.filter.tenant = query.tenant;
  auto scan = store->read_all(read, [&](const RecordedEvent& e) {
    if (query.recorded.to && e.recorded_at >= *query.recorded.to) return false;
    auto entry = match(query, e);
    if (!entry) {
      failed = entry.status();
      return false;
    }
    if (!*entry) return true;
    if (page.entries.size() == query.limit) {
      more = true;  // one more match exists: the page ends before it
      return false;
    }
    page.entries.push_back(std::move(**entry));
    return true;
  });
  if (!scan) return scan.error();
  if (!failed) return failed.error();
  if (more) page.next_after = page.entries.back().position;
  return page;
}

const std::vector<std::string>& audit_csv_columns() {
  static const std::vector<std::string> columns = {"position", "stream_type", "stream_id",   "version",
                                                   "event_id", "type",        "actor",       "tenant",
                                                   "occurred_at", "recorded_at", "device",  "correlation_id"};
  return columns;
}

json::object to_json(const AuditEntry& e) {
  return {{"position", e.position},
          {"stream_type", e.stream.type},
          {"stream_id", e.stream.id},
          {"version", e.version},
          {"event_id", e.event_id.to_string()},
          {"type", e.type},
          {"actor", e.actor},
          {"tenant", e.tenant},
          {"occurred_at", format_timestamp(e.occurred_at)},
          {"recorded_at", format_timestamp(e.recorded_at)},
          {"device", e.device},
          {"correlation_id", e.correlation_id}};
}

json::array audit_to_json(const std::vector<AuditEntry>& entries) {
  json::array out;
  out.reserve(entries.size());
  for (const auto& e : entries) out.push_back(to_json(e));
  return out;
}

std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string audit_to_csv(const std::vector<AuditEntry>& entries, bool header) {
  std::string out;
  auto row = [&out](std::initializer_list<std::string> fields) {
    bool first = true;
    for (const auto& f : fields) {
      if (!first) out += ',';
      out += csv_field(f);
      first = false;
    }
    out += "\r\n";
  };
  if (header) {
    const auto& c = audit_csv_columns();
    row({c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11]});
  }
  for (const auto& e : entries)
    row({std::to_string(e.position), e.stream.type, e.stream.id, std::to_string(e.version), e.event_id.to_string(),
         e.type, e.actor, e.tenant, format_timestamp(e.occurred_at), format_timestamp(e.recorded_at), e.device,
         e.correlation_id});
  return out;
}

Result<std::size_t> replay_window(const std::shared_ptr<EventStore>& store, Timestamp from, Timestamp to,
                                  Projection& projection) {
  if (auto st = check_store(store); !st) return st.error();
  if (auto st = TimeWindow{from, to}.validate("replay"); !st) return st.error();
  auto start = first_position_from(*store, from);
  if (!start) return start.error();
  std::size_t applied = 0;
  Status failed;
  ReadAllOptions read;
  read.from_position = *start;
  read.filter = projection.filter();
  auto scan = store->read_all(read, [&](const RecordedEvent& e) {
    if (e.recorded_at >= to) return false;
    Status st;
    try {
      st = projection.apply(e);
    } catch (const std::exception& ex) {
      st = Status{ErrorCode::internal, std::string("apply threw: ") + ex.what()};
    }
    if (!st) {
      failed = Status{st.code(), "projection " + projection.name() + " refused the event at position " +
                                     std::to_string(e.position) + ": " + st.message()};
      return false;
    }
    ++applied;
    return true;
  });
  if (!scan) return scan.error();
  if (!failed) return failed.error();
  return applied;
}

std::string_view to_string(AnomalyKind kind) noexcept {
  switch (kind) {
    case AnomalyKind::bulk_change: return "bulk_change";
    case AnomalyKind::outside_working_hours: return "outside_working_hours";
    case AnomalyKind::backdated: return "backdated";
  }
  return "?";
}

json::object to_json(const AnomalyFlag& f) {
  json::array positions;
  for (auto p : f.positions) positions.push_back(p);
  return {{"kind", to_string(f.kind)},
          {"actor", f.actor},
          {"stream", f.stream ? json::value(json::object{{"type", f.stream->type}, {"id", f.stream->id}})
                              : json::value(nullptr)},
          {"first_position", f.first_position},
          {"last_position", f.last_position},
          {"count", f.count},
          {"positions", std::move(positions)},
          {"window_start", format_timestamp(f.window_start)},
          {"window_end", format_timestamp(f.window_end)},
          {"detail", f.detail}};
}

json::object to_json(const AnomalyReport& r) {
  json::array flags;
  for (const auto& f : r.flags) flags.push_back(to_json(f));
  return {{"flags", std::move(flags)},
          {"events_scanned", r.events_scanned},
          {"scanned_through", r.scanned_through},
          {"truncated", r.truncated}};
}

Result<AnomalyReport> audit_anomalies(const std::shared_ptr<EventStore>& store, const AnomalyRules& rules) {
  if (auto st = check_store(store); !st) return st.error();
  if (auto st = validate_rules(rules); !st) return st.error();
  auto start = first_position_from(*store, rules.recorded.from);
  if (!start) return start.error();

  AnomalyReport report;
  AnomalyScan scan(rules);
  Status failed;
  ReadAllOptions read;
  read.from_position = *start;
  read.filter.tenant = rules.tenant;
  auto st = store->read_all(read, [&](const RecordedEvent& e) {
    if (rules.recorded.to && e.recorded_at >= *rules.recorded.to) return false;
    auto meta = read_meta(e);
    if (!meta) {
      failed = meta.status();
      return false;
    }
    if (!ignored(rules, meta->actor) && !scan.step(e, meta->actor)) {
      report.truncated = true;  // this event would need a flag beyond max_flags
      return false;
    }
    ++report.events_scanned;
    report.scanned_through = e.position;
    return true;
  });
  if (!st) return st.error();
  if (!failed) return failed.error();
  report.flags = scan.finish();
  return report;
}

}  // namespace roundhouse
