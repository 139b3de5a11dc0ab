#include "history.hpp"

#include "convert.hpp"
#include "errors.hpp"
#include "json_bridge.hpp"
#include "nogil.hpp"
#include "roundhouse/history/audit.hpp"
#include "roundhouse/history/time_travel.hpp"
#include "store.hpp"

namespace roundhouse::py {
namespace pyb = pybind11;
using namespace pybind11::literals;

namespace {

AsOf as_of(const pyb::object& occurred, const pyb::object& recorded, const char* o_name, const char* r_name) {
  return AsOf{to_timestamp(occurred, o_name), to_timestamp(recorded, r_name)};
}

std::optional<std::string> opt_str(const pyb::object& o) {
  if (o.is_none()) return std::nullopt;
  return o.cast<std::string>();
}

TimeWindow window(const pyb::object& from, const pyb::object& to, const char* what) {
  TimeWindow w{to_timestamp(from, what), to_timestamp(to, what)};
  check(w.validate(what));
  return w;
}

}  // namespace

void bind_history(pyb::module_&, pyb::class_<PyStore, std::shared_ptr<PyStore>>& store) {
  store.def("state_at", [](PyStore& s, const std::string& type, const std::string& id, const pyb::object& occurred,
                           const pyb::object& recorded, const pyb::object& tenant) {
         auto st = s.store();
         auto a = as_of(occurred, recorded, "occurred", "recorded");
         auto t = opt_str(tenant);
         return json_to_py(to_json(nogil([&] { return state_at(st, s.registry(), type, id, a, t); })));
       },
       "One aggregate as it stood at a point in bitemporal time: occurred= (business time, as known now),\n"
       "recorded= (what the log said then), both, or neither (now). Returns {'stream', 'state', 'version',\n"
       "'event_count', 'existed', 'as_of'}. NotFound for an unknown aggregate type or stream.",
       "aggregate_type"_a, "id"_a, pyb::kw_only(), "occurred"_a = pyb::none(), "recorded"_a = pyb::none(), "tenant"_a = pyb::none());

  store.def("compare", [](PyStore& s, const std::string& type, const std::string& id, const pyb::object& before_occurred,
                          const pyb::object& before_recorded, const pyb::object& after_occurred, const pyb::object& after_recorded,
                          const pyb::object& tenant) {
         auto st = s.store();
         auto b = as_of(before_occurred, before_recorded, "before_occurred", "before_recorded");
         auto a = as_of(after_occurred, after_recorded, "after_occurred", "after_recorded");
         auto t = opt_str(tenant);
         return json_to_py(to_json(nogil([&] { return compare(st, s.registry(), type, id, b, a, t); })));
       },
       "One aggregate at two points in time with the field-level changes between them\n"
       "({'before', 'after', 'changes': [{'path', 'before', 'after', 'kind'}]}).",
       "aggregate_type"_a, "id"_a, pyb::kw_only(), "before_occurred"_a = pyb::none(), "before_recorded"_a = pyb::none(),
       "after_occurred"_a = pyb::none(), "after_recorded"_a = pyb::none(), "tenant"_a = pyb::none());

  store.def("history", [](PyStore& s, const std::string& type, const std::string& id, const pyb::object& limit,
                          const std::string& order, const pyb::object& tenant) {
         HistoryOptions o;
         if (order != "newest_first" && order != "oldest_first")
           raise(ErrorCode::invalid_argument, "order must be \"newest_first\" or \"oldest_first\"");
         o.order = order == "newest_first" ? HistoryOrder::newest_first : HistoryOrder::oldest_first;
         o.max_entries = limit.is_none() ? 0 : to_count(limit, "limit");
         o.tenant = opt_str(tenant);
         auto st = s.store();
         auto entries = nogil([&] { return history(st, s.registry(), type, id, o); });
         boost::json::array out;
         for (const auto& e : entries) out.push_back(to_json(e));
         return json_to_py(out);
       },
       "The change history of one aggregate: a list of {'position', 'version', 'type', 'occurred_at',\n"
       "'recorded_at', 'actor', 'summary', 'description', 'changes'} (newest first by default).",
       "aggregate_type"_a, "id"_a, pyb::kw_only(), "limit"_a = pyb::none(), "order"_a = "newest_first", "tenant"_a = pyb::none());

  store.def("fleet_at", [](PyStore& s, const std::string& type, const pyb::object& occurred, const pyb::object& recorded,
                           const pyb::object& tenant) {
         auto st = s.store();
         auto a = as_of(occurred, recorded, "occurred", "recorded");
         auto t = opt_str(tenant);
         return json_to_py(to_json(nogil([&] { return fleet_at(st, s.registry(), type, a, t); })));
       },
       "Every aggregate of one type at a point in time: {'aggregate_type', 'as_of', 'head', 'aggregates': {id: ...}}.",
       "aggregate_type"_a, pyb::kw_only(), "occurred"_a = pyb::none(), "recorded"_a = pyb::none(), "tenant"_a = pyb::none());

  store.def("audit_trail", [](PyStore& s, const pyb::object& actor, const pyb::object& aggregate_type, const pyb::object& aggregate_id,
                              const pyb::object& event_types, const pyb::object& tenant, const pyb::object& correlation_id,
                              const pyb::object& recorded_from, const pyb::object& recorded_to, const pyb::object& occurred_from,
                              const pyb::object& occurred_to, std::uint64_t after_position, std::size_t limit) {
         AuditQuery q;
         q.actor = opt_str(actor);
         q.aggregate_type = opt_str(aggregate_type);
         q.aggregate_id = opt_str(aggregate_id);
         q.event_types = to_strings(event_types, "event_types");
         q.tenant = opt_str(tenant);
         q.correlation_id = opt_str(correlation_id);
         q.recorded = window(recorded_from, recorded_to, "recorded");
         q.occurred = window(occurred_from, occurred_to, "occurred");
         q.after_position = after_position;
         q.limit = limit;
         auto st = s.store();
         auto page = nogil([&] { return audit_trail(st, q); });
         return pyb::dict("entries"_a = json_to_py(audit_to_json(page.entries)),
                          "next_after"_a = page.next_after ? pyb::object(pyb::int_(*page.next_after)) : pyb::object(pyb::none()),
                          "csv"_a = audit_to_csv(page.entries));
       },
       "One page of the audit trail (who recorded what, when) in position order: {'entries': [...],\n"
       "'next_after': position to pass as after_position for the next page or None, 'csv': the page as\n"
       "RFC 4180 CSV}. Windows are half-open [from, to). limit is 1..10000.",
       pyb::kw_only(), "actor"_a = pyb::none(), "aggregate_type"_a = pyb::none(), "aggregate_id"_a = pyb::none(),
       "event_types"_a = pyb::none(), "tenant"_a = pyb::none(), "correlation_id"_a = pyb::none(), "recorded_from"_a = pyb::none(),
       "recorded_to"_a = pyb::none(), "occurred_from"_a = pyb::none(), "occurred_to"_a = pyb::none(), "after_position"_a = 0,
       "limit"_a = 100);

  store.def("audit_anomalies", [](PyStore& s, const pyb::object& recorded_from, const pyb::object& recorded_to,
                                  const pyb::object& tenant, const pyb::object& ignore_actors, std::size_t bulk_max_events,
                                  double bulk_window_seconds, int start_hour, int end_hour, int utc_offset_minutes,
                                  bool weekends_off, double backdated_days, const pyb::object& rules) {
         AnomalyRules r;
         r.recorded = window(recorded_from, recorded_to, "recorded");
         r.tenant = opt_str(tenant);
         r.ignore_actors = to_strings(ignore_actors, "ignore_actors");
         r.bulk.max_events = bulk_max_events;
         r.bulk.window_micros = static_cast<Timestamp>(bulk_window_seconds * 1e6);
         r.working_hours.start_hour = start_hour;
         r.working_hours.end_hour = end_hour;
         r.working_hours.utc_offset_minutes = utc_offset_minutes;
         r.working_hours.weekends_off = weekends_off;
         r.backdated.threshold_micros = static_cast<Timestamp>(backdated_days * 86400e6);
         for (auto name : to_strings(rules, "rules")) {
           if (name != "bulk_change" && name != "outside_working_hours" && name != "backdated")
             raise(ErrorCode::invalid_argument, "unknown anomaly rule '" + name + "' (bulk_change, outside_working_hours, backdated)");
         }
         if (!rules.is_none()) {
           auto on = to_strings(rules, "rules");
           auto has = [&](const char* n) { return std::find(on.begin(), on.end(), n) != on.end(); };
           r.bulk.enabled = has("bulk_change");
           r.working_hours.enabled = has("outside_working_hours");
           r.backdated.enabled = has("backdated");
         }
         auto st = s.store();
         return json_to_py(to_json(nogil([&] { return audit_anomalies(st, r); })));
       },
       "Flags bulk changes by one actor, edits outside working hours and back-dated events in the\n"
       "recorded window: {'flags': [...], 'events_scanned', 'scanned_through', 'truncated'}.\n"
       "rules: which of \"bulk_change\", \"outside_working_hours\", \"backdated\" to run (default all).",
       pyb::kw_only(), "recorded_from"_a = pyb::none(), "recorded_to"_a = pyb::none(), "tenant"_a = pyb::none(),
       "ignore_actors"_a = pyb::none(), "bulk_max_events"_a = 50, "bulk_window_seconds"_a = 300.0, "start_hour"_a = 6,
       "end_hour"_a = 20, "utc_offset_minutes"_a = 0, "weekends_off"_a = false, "backdated_days"_a = 7.0, "rules"_a = pyb::none());
}

}  // namespace roundhouse::py
