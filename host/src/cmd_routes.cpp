// `roundhouse routes`: the HTTP routes `serve` would register (host and plugins), without
// opening a store. The OpenAPI test compares this list with schemas/openapi.json.
#include <iostream>

#include <boost/json.hpp>

#include "cli.hpp"
#include "handlers.hpp"
#include "runtime.hpp"
#include "table.hpp"
#include "roundhouse/core/json_text.hpp"

namespace roundhouse::host {
namespace po = boost::program_options;
namespace json = boost::json;

int cmd_routes(const std::vector<std::string>& args) {
  po::options_description opts("Routes options");
  opts.add_options()("json", "print a JSON array instead of a table");
  ConfigFlags flags;
  auto vm = parse_command("routes", "roundhouse routes [--json] [--plugins DIR]",
                          "Lists every HTTP route: method, pattern, required role, provider and summary.", opts, args,
                          flags);
  if (!vm) return kExitOk;
  auto config = load_command_config("routes", flags, true);
  if (!config) return kExitFailure;
  Runtime rt;
  if (auto st = rt.load_plugins(*config); !st) {
    print_error("routes", st.message());
    return kExitFailure;
  }
  auto ctx = std::make_shared<AppContext>();  // handlers are registered, never called
  ctx->registry = &rt.registry();
  ctx->plugins = &rt.plugins();
  Router router;
  if (auto st = add_system_routes(router, ctx); !st) throw std::logic_error(st.message());
  if (auto st = add_event_routes(router, ctx); !st) throw std::logic_error(st.message());
  if (auto st = add_projection_routes(router, ctx); !st) throw std::logic_error(st.message());
  if (auto st = add_time_travel_routes(router, ctx); !st) throw std::logic_error(st.message());
  if (auto st = add_audit_routes(router, ctx); !st) throw std::logic_error(st.message());
  add_plugin_routes(router, ctx);

  if (vm->count("json")) {
    json::array list;
    for (const auto& r : router.routes())
      list.push_back(json::object{{"method", r.method}, {"pattern", r.pattern}, {"role", r.role},
                                  {"provider", r.provider}, {"summary", r.summary}});
    std::cout << to_json_text(list) << std::endl;
    return kExitOk;
  }
  Table table({"METHOD", "PATTERN", "ROLE", "PROVIDER", "SUMMARY"});
  for (const auto& r : router.routes())
    table.add({r.method, r.pattern, r.role.empty() ? "(open)" : r.role, r.provider, r.summary});
  table.print(std::cout);
  return kExitOk;
}

}  // namespace roundhouse::host
