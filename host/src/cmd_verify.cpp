// `roundhouse verify`: recomputes the hash chain over the whole log (tamper evidence).
#include <iostream>

#include <boost/json.hpp>

#include "cli.hpp"
#include "runtime.hpp"
#include "roundhouse/core/json_text.hpp"

namespace roundhouse::host {
namespace po = boost::program_options;
namespace json = boost::json;

int cmd_verify(const std::vector<std::string>& args) {
  po::options_description opts("Verify options");
  opts.add_options()("json", "print the report as JSON");
  ConfigFlags flags;
  auto vm = parse_command("verify", "roundhouse verify [--store URI] [--json]",
                          "Recomputes every event's chain hash from the first event on. Exit code 0 when the chain\n"
                          "verifies, 1 when it does not (the report names the first bad position).",
                          opts, args, flags);
  if (!vm) return kExitOk;
  auto config = load_command_config("verify", flags, true);
  if (!config) return kExitFailure;
  Runtime rt;
  if (auto st = rt.load_plugins(*config); !st) {
    print_error("verify", st.message());
    return kExitFailure;
  }
  auto store = rt.open_store(*config);
  if (!store) {
    print_error("verify", store.error().message);
    return kExitFailure;
  }
  auto report = (*store)->verify_chain();
  if (!report) {
    print_error("verify", report.error().message);
    return kExitFailure;
  }
  if (vm->count("json")) {
    json::object o{{"ok", report->ok},
                   {"events_checked", report->events_checked},
                   {"last_position", report->last_position}};
    if (!report->ok) {
      o["first_bad_position"] = report->first_bad_position;
      o["reason"] = report->reason;
    }
    std::cout << to_json_text(o) << std::endl;
  } else if (report->ok) {
    std::cout << "chain verifies: " << report->events_checked << " events, last position " << report->last_position
              << std::endl;
  } else {
    std::cout << "chain does NOT verify at position " << report->first_bad_position << ": " << report->reason
              << std::endl;
  }
  return report->ok ? kExitOk : kExitFailure;
}

}  // namespace roundhouse::host
