#include "fleet_command.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <ostream>
#include <sstream>

#include <boost/json/parse.hpp>

#include "aggregates.hpp"
#include "cli_commands.hpp"
#include "commands.hpp"
#include "fleet_service.hpp"
#include "roundhouse/cli/args.hpp"

namespace roundhouse::fleet {
namespace json = boost::json;
namespace {

constexpr const char* kUsage =
    "usage: roundhouse fleet COMMAND [ID] [--data JSON | --data @FILE | --data -]\n"
    "                        [--occurred-at TIME] [--expected-version N]\n"
    "       roundhouse fleet show vehicle|failure|work-order|part ID\n"
    "       roundhouse fleet commands\n"
    "\n"
    "Runs one fleet command, exactly as its HTTP route under /api/v1/fleet does: the body is checked\n"
    "against the command's JSON Schema, then against the domain rules; a refused command writes\n"
    "nothing and prints one line. On success prints the stored result (versions, positions, state).\n"
    "\n"
    "  COMMAND             a name from `roundhouse fleet commands` (register-vehicle, change-vehicle-status, ...)\n"
    "  ID                  the target aggregate (omit for creations, which take it from the body)\n"
    "  --data JSON         the command body; @FILE reads a file, - reads stdin (default: {})\n"
    "  --occurred-at TIME  back-date the events (RFC 3339); recorded time stays now\n"
    "  --expected-version  fail with a conflict instead of retrying when the aggregate moved on\n"
    "\n"
    "Events are written as actor --actor (default \"cli\") for tenant --tenant (see roundhouse --help).\n"
    "\n"
    "examples:\n"
    "  roundhouse fleet register-vehicle --data '{\"number\":\"EMU-101\",\"vehicle_type\":\"emu_car\",\n"
    "      \"depot\":\"North\",\"commissioned_on\":\"2019-04-01\"}'\n"
    "  roundhouse fleet change-vehicle-status EMU-101 --data '{\"status\":\"under_maintenance\"}'\n"
    "  roundhouse fleet show vehicle EMU-101\n";

// CLI spelling of the aggregate types `show` accepts.
const std::map<std::string, const char*>& show_types() {
  static const std::map<std::string, const char*> types = {
      {"vehicle", kVehicle}, {"failure", kFailure}, {"work-order", kWorkOrder}, {"part", kPart}};
  return types;
}

struct Parsed {
  std::vector<std::string> positional;
  std::string data = "{}";
  std::optional<std::string> occurred_at;
  std::optional<std::int64_t> expected_version;
  bool help = false;
};

Result<std::string> read_data(const std::string& spec) {
  if (spec == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  if (spec.rfind('@', 0) == 0) {
    std::ifstream in(spec.substr(1), std::ios::binary);
    if (!in) return Error{ErrorCode::invalid_argument, spec.substr(1) + ": cannot read"};
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  return spec;
}

Result<Parsed> parse(const std::vector<std::string>& args) {
  Parsed p;
  ArgReader arg(args);
  while (arg.next()) {
    if (arg.is_help()) {
      p.help = true;
    } else if (arg.name() == "--data" || arg.name() == "--occurred-at") {
      auto v = arg.value();
      if (!v) return v.error();
      if (arg.name() == "--occurred-at") {
        p.occurred_at = *v;
        continue;
      }
      auto text = read_data(*v);
      if (!text) return text.error();
      p.data = *text;
    } else if (arg.name() == "--expected-version") {
      auto v = arg.unsigned_value();
      if (!v) return v.error();
      p.expected_version = static_cast<std::int64_t>(*v);
    } else if (arg.is_option()) {
      return arg.unknown();
    } else {
      p.positional.push_back(arg.name());
    }
  }
  if (p.positional.empty() && !p.help) return Error{ErrorCode::invalid_argument, "name a command"};
  return p;
}

int list_commands(CliContext& ctx) {
  json::array rows;
  for (const auto& c : command_table())
    rows.push_back(json::object{{"command", c.name}, {"aggregate", c.aggregate}, {"creates", c.creates}});
  write_pretty_json(*ctx.out, rows);
  return 0;
}

int fail(CliContext& ctx, const std::string& message, int code) {
  *ctx.err << "roundhouse fleet: " << message << (code == 2 ? " (see roundhouse fleet --help)" : "") << "\n";
  return code;
}

int run(CliContext& ctx, const FleetOptions& options) {
  auto parsed = parse(ctx.args);
  if (!parsed) return fail(ctx, parsed.error().message, 2);
  if (parsed->help) {
    *ctx.out << kUsage;
    return 0;
  }
  const auto& pos = parsed->positional;
  const std::string& verb = pos.front();
  if (verb == "commands") return list_commands(ctx);

  const bool show = verb == "show";
  const CommandSpec* spec = show ? nullptr : find_command(verb);
  if (show && (pos.size() != 3 || !show_types().count(pos[1])))
    return fail(ctx, "show needs a type (vehicle, failure, work-order, part) and an id", 2);
  if (!show && !spec) return fail(ctx, "unknown command '" + verb + "'; `roundhouse fleet commands` lists them", 2);
  if (!show && pos.size() > 2) return fail(ctx, "unexpected argument '" + pos[2] + "'", 2);

  json::object body;
  if (!show) {
    boost::system::error_code ec;
    json::value v = json::parse(parsed->data, ec);
    if (ec || !v.is_object()) return fail(ctx, "--data must be a JSON object" + (ec ? ": " + ec.message() : ""), 2);
    body = std::move(v.get_object());
    if (parsed->occurred_at) body["occurred_at"] = *parsed->occurred_at;
    if (parsed->expected_version) body["expected_version"] = *parsed->expected_version;
  }

  if (!ctx.registry || !ctx.open_store) return fail(ctx, "no store is configured", 1);
  auto store = ctx.open_store();
  if (!store) return fail(ctx, "cannot open the store: " + store.error().message, 1);
  FleetService service(*store, *ctx.registry, options);

  if (show) {
    const char* aggregate = show_types().at(pos[1]);
    auto loaded = service.load(aggregate, pos[2], ctx.tenant);
    if (!loaded) return fail(ctx, loaded.error().message, 1);
    if (loaded->version == 0) return fail(ctx, pos[1] + " '" + pos[2] + "' does not exist", 1);
    write_pretty_json(*ctx.out, json::object{{"aggregate", aggregate}, {"id", pos[2]}, {"version", loaded->version},
                                             {"state", loaded->state->to_json()}});
    return 0;
  }
  Principal who{ctx.actor, ctx.tenant, {"writer"}};
  auto result = service.execute(verb, pos.size() > 1 ? pos[1] : "", std::move(body), who);
  if (!result) return fail(ctx, result.error().message, 1);
  write_pretty_json(*ctx.out, result->to_json());
  return 0;
}

}  // namespace

CliCommand fleet_command(const FleetOptions& options) {
  return CliCommand{"fleet", "run a fleet command or show an aggregate (as the /api/v1/fleet routes do)", kUsage,
                    [options](CliContext& ctx) { return run(ctx, options); }};
}

}  // namespace roundhouse::fleet
