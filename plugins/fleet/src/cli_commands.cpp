#include "cli_commands.hpp"

#include <ostream>

#include <boost/json/serialize.hpp>

#include "demo/demo_command.hpp"
#include "fleet_command.hpp"
#include "roundhouse/core/json_text.hpp"
#include "import/import_command.hpp"

namespace roundhouse::fleet {
namespace json = boost::json;

Status register_cli_commands(Registry& registry, const std::string& provider, const FleetOptions& options) {
  for (auto command : {fleet_command(options), demo::demo_command(), import::import_command()}) {
    std::string name = command.name;
    if (auto st = registry.cli_commands.add(std::move(name), provider, std::move(command)); !st) return st;
  }
  return {};
}

namespace {

void pretty(std::ostream& out, const json::value& v, int depth) {
  const std::string pad(static_cast<std::size_t>(depth) * 2 + 2, ' ');
  const std::string close(static_cast<std::size_t>(depth) * 2, ' ');
  if (const auto* o = v.if_object(); o && !o->empty()) {
    out << "{\n";
    std::size_t i = 0;
    for (const auto& [key, member] : *o) {
      out << pad << json::serialize(json::value(key)) << ": ";
      pretty(out, member, depth + 1);
      out << (++i < o->size() ? ",\n" : "\n");
    }
    out << close << "}";
  } else if (const auto* a = v.if_array(); a && !a->empty()) {
    out << "[\n";
    for (std::size_t i = 0; i < a->size(); ++i) {
      out << pad;
      pretty(out, (*a)[i], depth + 1);
      out << (i + 1 < a->size() ? ",\n" : "\n");
    }
    out << close << "]";
  } else {
    out << to_json_text(v);
  }
}

}  // namespace

void write_pretty_json(std::ostream& out, const json::value& value) {
  pretty(out, value, 0);
  out << "\n";
}

}  // namespace roundhouse::fleet
