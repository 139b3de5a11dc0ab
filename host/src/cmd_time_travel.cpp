// `roundhouse time-travel state-at | compare | history | fleet-at | types`: the time-travel
// endpoints for operators, printing the same JSON as GET /api/v1/time-travel/<action>. A local
// tool: no tenant filter unless --tenant is given.
#include <iostream>

#include <boost/json.hpp>

#include "cli.hpp"
#include "history_codec.hpp"
#include "roundhouse/core/json_text.hpp"
#include "runtime.hpp"

namespace roundhouse::host {
namespace po = boost::program_options;
namespace json = boost::json;

int cmd_time_travel(const std::vector<std::string>& raw_args) {
  std::vector<std::string> args = raw_args;
  const auto action = take_action(args, {"state-at", "compare", "history", "fleet-at", "types"});
  po::options_description opts("Time-travel options (times: ISO-8601, e.g. 2026-03-02T14:05:00Z or 2026-03-02)");
  opts.add_options()
      ("type", po::value<std::string>()->value_name("TYPE"), "aggregate type (stream type), e.g. vehicle")
      ("id", po::value<std::string>()->value_name("ID"), "state-at, compare, history: aggregate id")
      ("occurred", po::value<std::string>()->value_name("TIME"), "state-at, fleet-at: as of this business time")
      ("recorded", po::value<std::string>()->value_name("TIME"), "state-at, fleet-at: as known at this recorded time")
      ("before-occurred", po::value<std::string>()->value_name("TIME"), "compare: first point, business time")
      ("before-recorded", po::value<std::string>()->value_name("TIME"), "compare: first point, recorded time")
      ("after-occurred", po::value<std::string>()->value_name("TIME"), "compare: second point, business time")
      ("after-recorded", po::value<std::string>()->value_name("TIME"), "compare: second point, recorded time")
      ("limit", po::value<std::string>()->value_name("N"), "history: at most N entries (1..10000, default 100)")
      ("order", po::value<std::string>()->value_name("ORDER"), "history: newest (default) or oldest first")
      ("where", po::value<std::vector<std::string>>()->composing()->value_name("FIELD=VALUE"),
       "fleet-at: keep aggregates whose state field equals VALUE (repeatable)")
      ("tenant", po::value<std::string>(), "only this tenant's streams");
  ConfigFlags flags;
  auto vm = parse_command("time-travel",
                          "roundhouse time-travel state-at|compare|history|fleet-at|types --type T [--id ID] "
                          "[--occurred TIME] [--recorded TIME] ...",
                          "Answers what an aggregate (or every aggregate of a type) looked like at a point in\n"
                          "business time (--occurred) and/or as the log knew it at a recorded time (--recorded).",
                          opts, args, flags);
  if (!vm) return kExitOk;
  if (!action) throw UsageError("needs an action: state-at, compare, history, fleet-at or types");

  const auto options = {"type", "id", "occurred", "recorded", "before-occurred", "before-recorded",
                        "after-occurred", "after-recorded", "limit", "order", "where", "tenant"};
  if (*action == "state-at") check_action_options(*vm, *action, options, {"type", "id", "occurred", "recorded", "tenant"});
  if (*action == "compare")
    check_action_options(*vm, *action, options, {"type", "id", "before-occurred", "before-recorded", "after-occurred",
                                                 "after-recorded", "tenant"});
  if (*action == "history") check_action_options(*vm, *action, options, {"type", "id", "limit", "order", "tenant"});
  if (*action == "fleet-at") check_action_options(*vm, *action, options, {"type", "occurred", "recorded", "where", "tenant"});
  if (*action == "types") check_action_options(*vm, *action, options, {});

  // Decoded like the HTTP query parameters, so the checks and messages are the same.
  const auto values = options_as_params(*vm, {"type", "id", "occurred", "recorded", "before-occurred", "before-recorded",
                                              "after-occurred", "after-recorded", "limit", "order"});
  const Params params = Params::cli(values);
  std::string type, id;
  if (*action != "types") type = usage_value(required_param(params, "type"));
  if (*action != "types" && *action != "fleet-at") id = usage_value(required_param(params, "id"));
  const AsOf as_of = usage_value(decode_as_of(params));
  const AsOf before = usage_value(decode_as_of(params, "before_"));
  const AsOf after = usage_value(decode_as_of(params, "after_"));
  HistoryOptions history_options = usage_value(decode_history_options(params));
  FieldEquals wanted = key_value_option(*vm, "where");
  std::optional<std::string> tenant;
  if (vm->count("tenant")) tenant = (*vm)["tenant"].as<std::string>();
  history_options.tenant = tenant;

  auto config = load_command_config("time-travel", flags, true);
  if (!config) return kExitFailure;
  Runtime rt;
  auto store = open_command_store("time-travel", rt, *config);
  if (!store) return kExitFailure;
  const Registry& registry = rt.registry();

  auto encoded = [](auto result, auto encode) -> Result<json::object> {
    if (!result) return result.error();
    return encode(*result);
  };
  auto as_json = [](const auto& value) { return to_json(value); };
  Result<json::object> out = json::object{};
  if (*action == "state-at") {
    out = encoded(state_at(store, registry, type, id, as_of, tenant), as_json);
  } else if (*action == "compare") {
    out = encoded(compare(store, registry, type, id, before, after, tenant), as_json);
  } else if (*action == "history") {
    out = encoded(history(store, registry, type, id, history_options),
                  [&](const auto& entries) { return history_to_json({type, id}, history_options.order, entries); });
  } else if (*action == "fleet-at") {
    out = encoded(fleet_at(store, registry, type, as_of, tenant, state_filter(std::move(wanted))), as_json);
  } else {
    out = aggregate_types_to_json(registry);
  }
  if (!out) {
    print_error("time-travel", out.error().message);
    return kExitFailure;
  }
  std::cout << to_json_text(*out) << std::endl;
  return kExitOk;
}

}  // namespace roundhouse::host
