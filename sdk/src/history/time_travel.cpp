#include "roundhouse/history/time_travel.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "roundhouse/domain/repository.hpp"
#include "roundhouse/plugin/registry.hpp"

namespace roundhouse {
namespace json = boost::json;

namespace {

// ---- lookups and validation ----

Result<AggregateType> find_type(const Registry& registry, const std::string& name) {
  if (auto entry = registry.aggregates.find(name)) return entry->value;
  std::string known;
  for (const auto& e : registry.aggregates.list()) known += (known.empty() ? "" : ", ") + e.name;
  return Error{ErrorCode::not_found, "unknown aggregate type '" + name + "' (registered: " +
                                         (known.empty() ? "none" : known) + ")"};
}

Status check_store(const std::shared_ptr<EventStore>& store) {
  if (!store) return {ErrorCode::invalid_argument, "no event store given"};
  return {};
}

Status check_id(const std::string& id) {
  if (id.empty()) return {ErrorCode::invalid_argument, "aggregate id must not be empty"};
  return {};
}

// ---- folding ----

// Upcasts `e` in place and applies it; errors name the event.
Status apply_event(const Registry& registry, const AggregateType& type, AggregateState& state, RecordedEvent& e) {
  if (auto st = upcast(registry, e); !st) return st;
  Status st;
  try {
    st = state.apply(e);
  } catch (const std::exception& ex) {
    st = Status{ErrorCode::corrupted, ex.what()};
  }
  if (!st)
    return {ErrorCode::corrupted, type.name + "/" + e.stream.id + " version " + std::to_string(e.version) + " (" +
                                      e.type + ") cannot be applied: " + st.message()};
  return {};
}

// Same for an event the caller does not own (read_all visitors): upcasts a copy.
Status apply_event_copy(const Registry& registry, const AggregateType& type, AggregateState& state,
                        const RecordedEvent& event) {
  RecordedEvent e = event;
  return apply_event(registry, type, state, e);
}

// Sorts events into fold order for `as_of` (they arrive in version order).
void order_for_fold(std::vector<RecordedEvent>& events, const AsOf& as_of) {
  if (!as_of.folds_by_occurred_time()) return;
  const auto by_occurred = [](const RecordedEvent& a, const RecordedEvent& b) { return a.occurred_at < b.occurred_at; };
  if (std::is_sorted(events.begin(), events.end(), by_occurred)) return;  // the usual case: nothing back-dated
  std::stable_sort(events.begin(), events.end(), [](const RecordedEvent& a, const RecordedEvent& b) {
    return a.occurred_at < b.occurred_at;  // stable: equal occurred_at keep version order
  });
}

// Reads the whole stream; not_found carries a readable message.
Result<std::vector<RecordedEvent>> read_whole_stream(EventStore& store, const StreamId& stream,
                                                     const std::optional<std::string>& tenant) {
  ReadStreamOptions read;
  read.tenant = tenant;
  auto events = store.read_stream(stream, read);
  if (!events && events.error().code == ErrorCode::not_found)
    return Error{ErrorCode::not_found, "aggregate " + to_string(stream) + " does not exist"};
  return events;
}

// Folds the events of `events` visible at `as_of` (and at or below `max_position`) into a fresh state.
Result<AggregateSnapshotAt> fold(const Registry& registry, const AggregateType& type, const StreamId& stream,
                                 std::vector<RecordedEvent> events, const AsOf& as_of, Position max_position) {
  std::erase_if(events, [&](const RecordedEvent& e) { return e.position > max_position || !as_of.includes(e); });
  order_for_fold(events, as_of);
  auto state = type.make();
  AggregateSnapshotAt out{stream, {}, 0, 0, as_of};
  for (auto& e : events) {
    if (auto st = apply_event(registry, type, *state, e); !st) return st.error();
    out.version = std::max(out.version, e.version);
    ++out.event_count;
  }
  out.state = state->to_json();
  return out;
}

// The snapshot path (no occurred bound): starts from the repository's snapshot when the event at
// the snapshot's version is visible. Empty optional: no usable snapshot, fold from the start.
std::optional<Result<AggregateSnapshotAt>> fold_from_snapshot(EventStore& store, const Registry& registry,
                                                              const AggregateType& type, const StreamId& stream,
                                                              const AsOf& as_of,
                                                              const std::optional<std::string>& tenant) {
  auto states = store.state_store();
  if (!states) return std::nullopt;
  auto doc = states->load("snapshot:" + type.name, stream.id);
  if (!doc || !*doc || (*doc)->position == 0) return std::nullopt;
  const Version snapshot_version = (*doc)->position;
  ReadStreamOptions read;
  read.from_version = snapshot_version;
  read.tenant = tenant;
  auto tail = store.read_stream(stream, read);
  if (!tail || tail->empty() || tail->front().version != snapshot_version || !as_of.includes(tail->front()))
    return std::nullopt;
  boost::system::error_code ec;
  auto parsed = json::parse((*doc)->data, ec);
  auto state = type.make();
  if (ec || !parsed.is_object() || !state->from_json(parsed.get_object())) return std::nullopt;

  AggregateSnapshotAt out{stream, {}, snapshot_version, static_cast<std::size_t>(snapshot_version), as_of};
  for (auto it = tail->begin() + 1; it != tail->end() && as_of.includes(*it); ++it) {
    if (auto st = apply_event(registry, type, *state, *it); !st) return Result<AggregateSnapshotAt>(st.error());
    out.version = it->version;
    ++out.event_count;
  }
  out.state = state->to_json();
  return Result<AggregateSnapshotAt>(std::move(out));
}

// ---- diff ----

bool same_value(const json::value& a, const json::value& b);

bool same_number(const json::value& a, const json::value& b) {
  if (a.is_double() || b.is_double()) return a.to_number<double>() == b.to_number<double>();
  if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
  if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
  const auto& i = a.is_int64() ? a : b;  // one int64, one uint64
  const auto& u = a.is_int64() ? b : a;
  return i.get_int64() >= 0 && static_cast<std::uint64_t>(i.get_int64()) == u.get_uint64();
}

bool same_object(const json::object& a, const json::object& b) {
  if (a.size() != b.size()) return false;
  for (const auto& kv : a) {
    const auto* other = b.if_contains(kv.key());
    if (!other || !same_value(kv.value(), *other)) return false;
  }
  return true;
}

bool same_value(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return same_number(a, b);
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) return same_object(a.get_object(), b.get_object());
  if (a.is_array()) {
    const auto &x = a.get_array(), &y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!same_value(x[i], y[i])) return false;
    return true;
  }
  return a == b;
}

std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

void diff_objects(const json::object& before, const json::object& after, const std::string& prefix,
                  std::vector<FieldChange>& out) {
  for (const auto& kv : before) {
    const std::string path = prefix + "/" + pointer_token(kv.key());
    const auto* now = after.if_contains(kv.key());
    if (!now) {
      out.push_back({path, kv.value(), nullptr, ChangeKind::removed});
    } else if (kv.value().is_object() && now->is_object()) {
      diff_objects(kv.value().get_object(), now->get_object(), path, out);
    } else if (!same_value(kv.value(), *now)) {
      out.push_back({path, kv.value(), *now, ChangeKind::changed});
    }
  }
  for (const auto& kv : after)
    if (!before.contains(kv.key()))
      out.push_back({prefix + "/" + pointer_token(kv.key()), nullptr, kv.value(), ChangeKind::added});
}

// ---- descriptions ----

std::string value_text(const json::value& v) {
  constexpr std::size_t kMax = 60;
  std::string s = v.is_string() ? std::string(v.get_string()) : json::serialize(v);
  if (s.size() > kMax) s = s.substr(0, kMax - 3) + "...";
  return s;
}

std::string field_label(const std::string& pointer) {
  std::string out;
  for (std::size_t i = pointer.empty() || pointer[0] != '/' ? 0 : 1; i < pointer.size(); ++i) {
    if (pointer[i] == '~' && i + 1 < pointer.size()) {
      out += pointer[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += pointer[i] == '/' ? '.' : pointer[i];
    }
  }
  return out;
}

std::string minute_text(Timestamp t) {
  std::string s = format_timestamp(t);  // "YYYY-MM-DDTHH:MM:SS.ffffffZ"
  s.resize(16);
  s[10] = ' ';
  return s;
}

std::string describe_with_context(const std::string& summary, const std::string& actor, Timestamp occurred_at) {
  return summary + (actor.empty() ? "" : " by " + actor) + ", " + minute_text(occurred_at);
}

std::string actor_of(const RecordedEvent& e) {
  boost::system::error_code ec;
  auto meta = json::parse(e.metadata, ec);
  if (ec || !meta.is_object()) return {};
  const auto* actor = meta.get_object().if_contains("actor");
  return actor && actor->is_string() ? std::string(actor->get_string()) : std::string{};
}

std::string summary_of(const AggregateType& type, const RecordedEvent& e, const std::vector<FieldChange>& changes) {
  if (type.describe) {
    try {
      std::string s = type.describe(e);
      if (!s.empty()) return s;
    } catch (const std::exception&) {
      // a failing describe() falls back to the generated summary
    }
  }
  return summarize_changes(e.type, changes);
}

HistoryEntry history_entry(const AggregateType& type, const RecordedEvent& e, std::vector<FieldChange> changes) {
  HistoryEntry h;
  h.position = e.position;
  h.version = e.version;
  h.event_id = e.id;
  h.type = e.type;
  h.occurred_at = e.occurred_at;
  h.recorded_at = e.recorded_at;
  h.actor = actor_of(e);
  h.changes = std::move(changes);
  h.summary = summary_of(type, e, h.changes);
  h.description = describe_with_context(h.summary, h.actor, e.occurred_at);
  return h;
}

json::value optional_time(const std::optional<Timestamp>& t) {
  return t ? json::value(format_timestamp(*t)) : json::value(nullptr);
}

// ---- fleet ----

// Per-aggregate accumulator of the single fleet pass.
struct FleetFold {
  std::unique_ptr<AggregateState> state;
  Version version = 0;
  std::size_t event_count = 0;
  Timestamp last_occurred = 0;
  bool refold = false;  // an included event arrived out of occurred order: fold from the stream
};

// Folds one event into the fleet accumulators (or marks its aggregate for a re-fold).
Status fleet_step(const Registry& registry, const AggregateType& type, const AsOf& as_of, const RecordedEvent& e,
                  std::unordered_map<std::string, FleetFold>& folds) {
  auto [it, inserted] = folds.try_emplace(e.stream.id);
  FleetFold& f = it->second;
  if (inserted) f.state = type.make();
  if (f.refold) return {};
  if (as_of.folds_by_occurred_time() && f.event_count > 0 && e.occurred_at < f.last_occurred) {
    f.refold = true;
    return {};
  }
  if (auto st = apply_event_copy(registry, type, *f.state, e); !st) return st;
  f.version = std::max(f.version, e.version);
  f.last_occurred = std::max(f.last_occurred, e.occurred_at);
  ++f.event_count;
  return {};
}

}  // namespace

// ---- public API ----

json::object to_json(const AsOf& as_of) {
  return {{"occurred", optional_time(as_of.occurred)}, {"recorded", optional_time(as_of.recorded)}};
}

json::object to_json(const AggregateSnapshotAt& s) {
  return {{"stream", json::object{{"type", s.stream.type}, {"id", s.stream.id}}},
          {"state", s.state},
          {"version", s.version},
          {"event_count", s.event_count},
          {"existed", s.existed()},
          {"as_of", to_json(s.as_of)}};
}

std::string_view to_string(ChangeKind kind) noexcept {
  switch (kind) {
    case ChangeKind::added: return "added";
    case ChangeKind::removed: return "removed";
    case ChangeKind::changed: return "changed";
  }
  return "?";
}

json::object to_json(const FieldChange& c) {
  return {{"path", c.path}, {"kind", to_string(c.kind)}, {"before", c.before}, {"after", c.after}};
}

json::array to_json(const std::vector<FieldChange>& changes) {
  json::array out;
  out.reserve(changes.size());
  for (const auto& c : changes) out.push_back(to_json(c));
  return out;
}

std::vector<FieldChange> diff_json(const json::object& before, const json::object& after) {
  std::vector<FieldChange> out;
  diff_objects(before, after, "", out);
  return out;
}

json::object to_json(const AggregateComparison& c) {
  return {{"before", to_json(c.before)}, {"after", to_json(c.after)}, {"changes", to_json(c.changes)}};
}

json::object to_json(const HistoryEntry& h) {
  return {{"position", h.position},
          {"version", h.version},
          {"event_id", h.event_id.to_string()},
          {"type", h.type},
          {"occurred_at", format_timestamp(h.occurred_at)},
          {"recorded_at", format_timestamp(h.recorded_at)},
          {"actor", h.actor},
          {"summary", h.summary},
          {"description", h.description},
          {"changes", to_json(h.changes)}};
}

json::object to_json(const FleetAt& f) {
  json::object aggregates;
  for (const auto& [id, entry] : f.aggregates)
    aggregates[id] = json::object{{"state", entry.state}, {"version", entry.version}, {"event_count", entry.event_count}};
  return {{"aggregate_type", f.aggregate_type},
          {"as_of", to_json(f.as_of)},
          {"head", f.head},
          {"count", f.aggregates.size()},
          {"aggregates", std::move(aggregates)}};
}

std::string summarize_changes(const std::string& event_type, const std::vector<FieldChange>& changes) {
  constexpr std::size_t kMaxFields = 8;
  if (changes.empty()) return event_type + " (no field changed)";
  std::string out;
  for (std::size_t i = 0; i < changes.size() && i < kMaxFields; ++i) {
    const auto& c = changes[i];
    if (i > 0) out += "; ";
    out += field_label(c.path) + ": " + (c.kind == ChangeKind::added ? "(none)" : value_text(c.before)) + " -> " +
           (c.kind == ChangeKind::removed ? "(none)" : value_text(c.after));
  }
  if (changes.size() > kMaxFields) out += "; +" + std::to_string(changes.size() - kMaxFields) + " more";
  return out;
}

Result<Position> position_as_of_recorded(EventStore& store, Timestamp recorded) {
  auto head = store.head_position();
  if (!head) return head.error();
  Position lo = 1, hi = *head + 1;  // invariant: answer + 1 lies in [lo, hi]
  while (lo < hi) {
    const Position mid = lo + (hi - lo) / 2;
    ReadAllOptions read;
    read.from_position = mid;
    read.max_count = 1;
    std::optional<Timestamp> at;
    auto st = store.read_all(read, [&](const RecordedEvent& e) {
      at = e.recorded_at;
      return false;
    });
    if (!st) return st.error();
    if (at && *at <= recorded) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

Result<AggregateSnapshotAt> state_at(const std::shared_ptr<EventStore>& store, const Registry& registry,
                                     const std::string& aggregate_type, const std::string& id, const AsOf& as_of,
                                     const std::optional<std::string>& tenant) {
  if (auto st = check_store(store); !st) return st.error();
  auto type = find_type(registry, aggregate_type);
  if (!type) return type.error();
  if (auto st = check_id(id); !st) return st.error();
  const StreamId stream{aggregate_type, id};
  if (!as_of.folds_by_occurred_time())
    if (auto from_snapshot = fold_from_snapshot(*store, registry, *type, stream, as_of, tenant)) return *from_snapshot;
  auto events = read_whole_stream(*store, stream, tenant);
  if (!events) return events.error();
  return fold(registry, *type, stream, std::move(events).value(), as_of, std::numeric_limits<Position>::max());
}

Result<AggregateComparison> compare(const std::shared_ptr<EventStore>& store, const Registry& registry,
                                    const std::string& aggregate_type, const std::string& id, const AsOf& before,
                                    const AsOf& after, const std::optional<std::string>& tenant) {
  auto first = state_at(store, registry, aggregate_type, id, before, tenant);
  if (!first) return first.error();
  auto second = state_at(store, registry, aggregate_type, id, after, tenant);
  if (!second) return second.error();
  auto changes = diff_json(first->state, second->state);
  return AggregateComparison{std::move(first).value(), std::move(second).value(), std::move(changes)};
}

Result<std::vector<HistoryEntry>> history(const std::shared_ptr<EventStore>& store, const Registry& registry,
                                          const std::string& aggregate_type, const std::string& id,
                                          const HistoryOptions& options) {
  if (auto st = check_store(store); !st) return st.error();
  auto type = find_type(registry, aggregate_type);
  if (!type) return type.error();
  if (auto st = check_id(id); !st) return st.error();
  auto events = read_whole_stream(*store, {aggregate_type, id}, options.tenant);
  if (!events) return events.error();

  const std::size_t total = events->size();
  const std::size_t keep = options.max_entries == 0 ? total : std::min(options.max_entries, total);
  const bool newest = options.order == HistoryOrder::newest_first;
  const std::size_t first_kept = newest ? total - keep : 0;  // index range [first_kept, first_kept + keep)

  std::vector<HistoryEntry> out;
  out.reserve(keep);
  auto state = type->make();
  json::object before = state->to_json();
  for (std::size_t i = 0; i < total && i < first_kept + keep; ++i) {
    auto& e = (*events)[i];
    if (auto st = apply_event(registry, *type, *state, e); !st) return st.error();
    json::object after = state->to_json();
    if (i >= first_kept) out.push_back(history_entry(*type, e, diff_json(before, after)));
    before = std::move(after);
  }
  if (newest) std::reverse(out.begin(), out.end());
  return out;
}

Result<FleetAt> fleet_at(const std::shared_ptr<EventStore>& store, const Registry& registry,
                         const std::string& aggregate_type, const AsOf& as_of,
                         const std::optional<std::string>& tenant, const FleetFilter& filter) {
  if (auto st = check_store(store); !st) return st.error();
  auto type = find_type(registry, aggregate_type);
  if (!type) return type.error();
  auto head = as_of.recorded ? position_as_of_recorded(*store, *as_of.recorded) : store->head_position();
  if (!head) return head.error();

  FleetAt out{aggregate_type, as_of, *head, {}};
  std::unordered_map<std::string, FleetFold> folds;
  Status failed;
  ReadAllOptions read;
  read.filter.aggregate_types = {aggregate_type};
  read.filter.tenant = tenant;
  auto scan = store->read_all(read, [&](const RecordedEvent& e) {
    if (e.position > out.head) return false;
    if (!as_of.includes(e)) return true;
    failed = fleet_step(registry, *type, as_of, e, folds);
    return failed.ok();
  });
  if (!scan) return scan.error();
  if (!failed) return failed.error();

  for (auto& [id, f] : folds) {
    FleetEntry entry{{}, f.version, f.event_count};
    if (f.refold) {
      auto events = read_whole_stream(*store, {aggregate_type, id}, tenant);
      if (!events) return events.error();
      auto folded = fold(registry, *type, {aggregate_type, id}, std::move(events).value(), as_of, out.head);
      if (!folded) return folded.error();
      entry = FleetEntry{std::move(folded->state), folded->version, folded->event_count};
    } else {
      entry.state = f.state->to_json();
    }
    if (!filter || filter(id, entry.state)) out.aggregates.emplace(id, std::move(entry));
  }
  return out;
}

}  // namespace roundhouse
