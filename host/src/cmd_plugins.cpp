// `roundhouse plugins`: what the plugin folder holds and what became of each plugin.
#include <iostream>

#include <boost/json.hpp>

#include "cli.hpp"
#include "runtime.hpp"
#include "table.hpp"
#include "roundhouse/core/json_text.hpp"

namespace roundhouse::host {
namespace po = boost::program_options;
namespace json = boost::json;

int cmd_plugins(const std::vector<std::string>& args) {
  po::options_description opts("Plugins options");
  opts.add_options()("json", "print a JSON array instead of a table");
  ConfigFlags flags;
  auto vm = parse_command("plugins", "roundhouse plugins [--json] [--plugins DIR]",
                          "Loads and starts every plugin in the plugin folder and reports each one: name, version,\n"
                          "kind, state (loaded, refused, failed) and, when not loaded, the reason.",
                          opts, args, flags);
  if (!vm) return kExitOk;
  auto config = load_command_config("plugins", flags, true);
  if (!config) return kExitFailure;

  Runtime rt;
  if (auto st = rt.load_plugins(*config); !st) {
    print_error("plugins", st.message());
    return kExitFailure;
  }
  const auto& records = rt.plugins().records();
  if (vm->count("json")) {
    json::array list;
    for (const auto& p : records) {
      json::object o{{"name", p.name}, {"version", p.version}, {"kind", p.kind},
                     {"state", to_string(p.state)}, {"reason", p.reason}, {"file", p.path.string()}};
      list.push_back(std::move(o));
    }
    std::cout << to_json_text(list) << std::endl;
    return kExitOk;
  }
  Table table({"NAME", "VERSION", "KIND", "STATE", "REASON"});
  for (const auto& p : records) table.add({p.name, p.version, p.kind, std::string(to_string(p.state)), p.reason});
  table.print(std::cout);
  if (records.empty()) std::cout << "(no plugins in " << rt.plugin_dir().string() << ")\n";
  return kExitOk;
}

}  // namespace roundhouse::host
