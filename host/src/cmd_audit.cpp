// `roundhouse audit trail | anomalies | replay`: the audit endpoints for operators. `trail` prints
// every matching entry (paging internally; --limit caps the total) as JSON lines or one CSV with a
// single header, for exports; `anomalies` and `replay` print what the HTTP API answers. A local
// tool: no tenant filter unless --tenant is given.
#include <algorithm>
#include <iostream>
#include <limits>

#include <boost/json.hpp>

#include "cli.hpp"
#include "history_codec.hpp"
#include "projections.hpp"
#include "roundhouse/core/json_text.hpp"
#include "runtime.hpp"

namespace roundhouse::host {
namespace po = boost::program_options;

namespace {

// Prints every entry matching `query` from query.after_position on, at most `limit`.
Status print_trail(const std::shared_ptr<EventStore>& store, AuditQuery query, std::uint64_t limit, bool csv) {
  bool header = true;
  for (std::uint64_t left = limit; left > 0;) {
    query.limit = static_cast<std::size_t>(std::min<std::uint64_t>(left, kMaxAuditPageSize));
    auto page = audit_trail(store, query);
    if (!page) return page.error();
    if (csv) {
      std::cout << audit_to_csv(page->entries, header);
    } else {
      for (const auto& e : page->entries) std::cout << to_json_text(to_json(e)) << '\n';
    }
    header = false;
    left -= page->entries.size();
    if (!page->next_after) break;
    query.after_position = *page->next_after;
  }
  std::cout.flush();
  return {};
}

}  // namespace

int cmd_audit(const std::vector<std::string>& raw_args) {
  std::vector<std::string> args = raw_args;
  const auto action = take_action(args, {"trail", "anomalies", "replay"});
  po::options_description opts("Audit options (times: ISO-8601, e.g. 2026-03-02T14:05:00Z or 2026-03-02)");
  opts.add_options()
      ("from", po::value<std::string>()->value_name("TIME"), "recorded at or after TIME")
      ("to", po::value<std::string>()->value_name("TIME"), "recorded before TIME")
      ("format", po::value<std::string>()->value_name("FORMAT"), "trail, anomalies: json (default) or csv")
      ("tenant", po::value<std::string>(), "only this tenant's events")
      ("actor", po::value<std::string>()->value_name("ACTOR"), "trail: recorded by this actor")
      ("type", po::value<std::string>()->value_name("TYPE"), "trail: streams of this aggregate type")
      ("id", po::value<std::string>()->value_name("ID"), "trail: streams with this id")
      ("event-type", po::value<std::vector<std::string>>()->composing()->value_name("TYPE"),
       "trail: events of these types (repeatable)")
      ("correlation-id", po::value<std::string>()->value_name("ID"), "trail: with this correlation id")
      ("occurred-from", po::value<std::string>()->value_name("TIME"), "trail: occurred at or after TIME")
      ("occurred-to", po::value<std::string>()->value_name("TIME"), "trail: occurred before TIME")
      ("limit", po::value<std::uint64_t>()->value_name("N"), "trail: at most N entries in all (default: every one)")
      ("cursor", po::value<std::string>()->value_name("CURSOR"), "trail: start after this cursor (next_cursor of the API)")
      ("ignore-actor", po::value<std::vector<std::string>>()->composing()->value_name("ACTOR"),
       "anomalies: leave this actor out (repeatable), e.g. an import account")
      ("max-flags", po::value<std::string>()->value_name("N"), "anomalies: at most N flags (default 1000)")
      ("bulk", po::value<std::string>()->value_name("BOOL"), "anomalies: flag bulk changes (default true)")
      ("bulk-max-events", po::value<std::string>()->value_name("N"),
       "anomalies: flag an actor recording more than N events... (default 50)")
      ("bulk-window-seconds", po::value<std::string>()->value_name("S"), "anomalies: ...within S seconds (default 300)")
      ("working-hours", po::value<std::string>()->value_name("BOOL"), "anomalies: flag edits outside working hours (default true)")
      ("work-start-hour", po::value<std::string>()->value_name("H"), "anomalies: working hours start (default 6)")
      ("work-end-hour", po::value<std::string>()->value_name("H"), "anomalies: working hours end (default 20)")
      ("utc-offset-minutes", po::value<std::string>()->value_name("M"), "anomalies: local time = UTC + M (default 0)")
      ("weekends-off", po::value<std::string>()->value_name("BOOL"), "anomalies: also flag Saturdays and Sundays (default false)")
      ("backdated", po::value<std::string>()->value_name("BOOL"), "anomalies: flag back-dated events (default true)")
      ("backdated-threshold-seconds", po::value<std::string>()->value_name("S"),
       "anomalies: back-dated by more than S seconds (default 604800 = 7 days)")
      ("projection", po::value<std::string>()->value_name("NAME"), "replay: the registered projection to replay into");
  ConfigFlags flags;
  auto vm = parse_command("audit", "roundhouse audit trail|anomalies|replay [options] [--store URI]",
                          "trail: who recorded what and when; anomalies: bulk changes, off-hours edits and\n"
                          "back-dated events; replay: the events recorded in [--from, --to) into a fresh instance\n"
                          "of a projection, printing its state and the number of events applied.",
                          opts, args, flags);
  if (!vm) return kExitOk;
  if (!action) throw UsageError("needs an action: trail, anomalies or replay");

  const auto trail_options = {"actor", "type", "id", "event-type", "correlation-id", "from", "to",
                              "occurred-from", "occurred-to", "cursor", "format"};
  const auto rule_options = {"from", "to", "ignore-actor", "max-flags", "bulk", "bulk-max-events",
                             "bulk-window-seconds", "working-hours", "work-start-hour", "work-end-hour",
                             "utc-offset-minutes", "weekends-off", "backdated", "backdated-threshold-seconds", "format"};
  std::vector<const char*> every(trail_options);
  every.insert(every.end(), rule_options.begin(), rule_options.end());
  every.insert(every.end(), {"limit", "projection"});
  auto check = [&](std::initializer_list<const char*> allowed) { check_action_options(*vm, *action, every, allowed); };
  std::optional<std::string> tenant;
  if (vm->count("tenant")) tenant = (*vm)["tenant"].as<std::string>();

  // Decoded like the HTTP query parameters, so the checks and messages are the same.
  std::multimap<std::string, std::string> values;
  AuditQuery query;
  AnomalyRules rules;
  std::uint64_t limit = std::numeric_limits<std::uint64_t>::max();
  std::string projection;
  std::optional<Timestamp> from, to;
  if (*action == "trail") {
    check({"actor", "type", "id", "event-type", "correlation-id", "from", "to", "occurred-from", "occurred-to", "cursor",
           "format", "limit"});
    values = options_as_params(*vm, trail_options);
    query = usage_value(decode_audit_query(Params::cli(values)));
    query.tenant = tenant;
    if (vm->count("limit")) limit = (*vm)["limit"].as<std::uint64_t>();
    if (limit == 0) throw UsageError("--limit must be at least 1");
  } else if (*action == "anomalies") {
    check(rule_options);
    values = options_as_params(*vm, rule_options);
    rules = usage_value(decode_anomaly_rules(Params::cli(values)));
    rules.tenant = tenant;
  } else {
    check({"projection", "from", "to"});
    values = options_as_params(*vm, {"projection", "from", "to"});
    projection = usage_value(required_param(Params::cli(values), "projection"));
    from = usage_value(timestamp_param(Params::cli(values), "from"));
    to = usage_value(timestamp_param(Params::cli(values), "to"));
  }
  const bool csv = usage_value(choice_param(Params::cli(values), "format", {"json", "csv"})) == "csv";

  auto config = load_command_config("audit", flags, true);
  if (!config) return kExitFailure;
  Runtime rt;
  auto store = open_command_store("audit", rt, *config);
  if (!store) return kExitFailure;

  Status st;
  if (*action == "trail") {
    st = print_trail(store, query, limit, csv);
  } else if (*action == "anomalies") {
    auto report = audit_anomalies(store, rules);
    if (report) std::cout << (csv ? anomalies_to_csv(report->flags) : to_json_text(to_json(*report)) + "\n") << std::flush;
    st = report.status();
  } else {
    auto outcome = replay_projection(store, rt.registry(), projection, from, to, tenant);
    if (outcome) std::cout << to_json_text(to_json(projection, from, to, *outcome)) << std::endl;
    st = outcome.status();
  }
  if (!st) {
    print_error("audit", st.message());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace roundhouse::host
