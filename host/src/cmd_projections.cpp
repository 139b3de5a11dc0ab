// `roundhouse projections [list | state NAME | rebuild NAME]`: runs the registry's projections
// in-process against --store (resuming from their saved checkpoints, as `serve` does), waits until
// they have caught up with the head, then prints. `rebuild` replays one from position 0 and saves
// its new checkpoint, so a server started afterwards resumes from it.
#include <chrono>
#include <iostream>
#include <thread>

#include <boost/json.hpp>

#include "cli.hpp"
#include "projections.hpp"
#include "roundhouse/core/json_text.hpp"
#include "runtime.hpp"
#include "table.hpp"

namespace roundhouse::host {
namespace po = boost::program_options;
namespace json = boost::json;

namespace {

void print_statuses(const std::vector<ProjectionStatus>& list, bool as_json) {
  if (as_json) {
    json::array out;
    for (const auto& s : list) out.push_back(to_json(s));
    std::cout << to_json_text(out) << std::endl;
    return;
  }
  Table table({"NAME", "STATE", "POSITION", "HEAD", "LAG", "ERROR"});
  for (const auto& s : list)
    table.add({s.name, s.state, std::to_string(s.position), std::to_string(s.head), std::to_string(s.lag), s.error});
  table.print(std::cout);
}

// Waits for the rebuild of `name` to swap in (or fail); false on timeout.
bool wait_for_rebuild(const ProjectionEngine& engine, const std::string& name, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto s = engine.status(name);
    if (!s || !s->rebuilding) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

int cmd_projections(const std::vector<std::string>& raw_args) {
  std::vector<std::string> args = raw_args;
  const auto action = take_action(args, {"list", "state", "rebuild"}).value_or("list");
  const auto name = take_word(args);
  po::options_description opts("Projections options");
  opts.add_options()
      ("json", "list, rebuild: print JSON instead of a table")
      ("param", po::value<std::vector<std::string>>()->composing()->value_name("KEY=VALUE"),
       "state: a query parameter of the read model (repeatable), e.g. --param depot=North")
      ("tenant", po::value<std::string>()->default_value("default"), "state: whose read model (each tenant has its own)")
      ("timeout", po::value<unsigned>()->default_value(60)->value_name("SECONDS"),
       "how long to wait for catching up (and for a rebuild)");
  ConfigFlags flags;
  auto vm = parse_command("projections", "roundhouse projections [list | state NAME | rebuild NAME] [--store URI]",
                          "Runs the projections in-process against the store until they have caught up, then\n"
                          "lists their status, prints one read model (as GET /api/v1/projections/NAME/state), or\n"
                          "rebuilds one from position 0 and saves its checkpoint.",
                          opts, args, flags);
  if (!vm) return kExitOk;
  if (action != "list" && !name) throw UsageError("'" + action + "' needs a projection NAME");
  if (action == "list" && name) throw UsageError("unexpected argument '" + *name + "' ('list' takes no NAME)");
  if (action != "state" && vm->count("param")) throw UsageError("--param does not apply to '" + action + "'");
  const std::string tenant = (*vm)["tenant"].as<std::string>();
  std::multimap<std::string, std::string> query;
  for (auto& [key, value] : key_value_option(*vm, "param")) query.emplace(std::move(key), std::move(value));
  const std::chrono::milliseconds timeout(std::chrono::seconds((*vm)["timeout"].as<unsigned>()));

  auto config = load_command_config("projections", flags, true);
  if (!config) return kExitFailure;
  Runtime rt;
  auto store = open_command_store("projections", rt, *config);
  if (!store) return kExitFailure;
  auto engine = start_projections(rt.registry(), store);
  if (!engine) {
    if (action == "list") {
      print_statuses({}, vm->count("json") > 0);
      return kExitOk;
    }
    print_error("projections", "no projection named '" + *name + "' (no plugin registers projections)");
    return kExitFailure;
  }
  auto head = store->head_position();
  if (!head) {
    print_error("projections", head.error().message);
    return kExitFailure;
  }
  if (!engine->wait_until(*head, timeout))
    std::cerr << "roundhouse projections: warning: not every projection caught up within the timeout" << std::endl;

  int code = kExitOk;
  if (action == "list") {
    print_statuses(engine->status(), vm->count("json") > 0);
  } else if (action == "state") {
    auto model = engine->query(*name, tenant, query_object(query));
    if (model) {
      std::cout << to_json_text(*model) << std::endl;
    } else {
      print_error("projections", model.error().message);
      code = kExitFailure;
    }
  } else if (auto st = engine->rebuild(*name); !st) {
    print_error("projections", st.message());
    code = kExitFailure;
  } else if (!wait_for_rebuild(*engine, *name, timeout)) {
    print_error("projections", "the rebuild of '" + *name + "' did not finish within the timeout");
    code = kExitFailure;
  } else {
    auto status = engine->status(*name);
    if (status) print_statuses({*status}, vm->count("json") > 0);
    if (!status || !status->error.empty()) code = kExitFailure;
  }
  engine->stop();  // saves the checkpoints before the store closes
  engine.reset();
  return code;
}

}  // namespace roundhouse::host
