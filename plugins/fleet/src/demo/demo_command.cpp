#include "demo/demo_command.hpp"

#include "roundhouse/cli/args.hpp"

#include <charconv>
#include <ostream>

#include "cli_commands.hpp"
#include "demo/demo_runner.hpp"

namespace roundhouse::fleet::demo {
namespace {

constexpr const char* kUsage =
    "usage: roundhouse demo [--size small|1m|10m] [--seed N] [--start YYYY-MM-DD] [--dry-run] [--validate]\n"
    "\n"
    "Writes a deterministic, realistic fleet maintenance history into the configured store:\n"
    "vehicles of several types at several depots, daily running read weekly, Weibull-distributed\n"
    "failures per system, corrective / predictive / preventive work orders with repair times, parts\n"
    "consumption and restocking, transfers and retirements. The same size, seed and start always\n"
    "give the same events (ids, payloads, occurred_at).\n"
    "\n"
    "  --size NAME     small (~150 vehicles, 2 years, ~70k events; the default), 1m (~1M events),\n"
    "                  10m (~10M events)\n"
    "  --seed N        random seed (default 1)\n"
    "  --start DATE    first simulated day (default 2024-01-01)\n"
    "  --dry-run       generate and validate every payload against its schema; write nothing\n"
    "  --validate      validate payloads while writing too (slower)\n"
    "\n"
    "Prints a JSON summary with counts per event type. The store must be empty, or hold an earlier\n"
    "run with the same size, seed and start (then only what is missing is added).\n";

struct Parsed {
  std::string size = "small", start = std::string(kDefaultStart);
  std::uint64_t seed = 1;
  bool dry_run = false, validate = false, help = false;
};

Result<Parsed> parse(const std::vector<std::string>& args) {
  Parsed p;
  ArgReader arg(args);
  while (arg.next()) {
    if (arg.is_help()) {
      p.help = true;
    } else if (arg.name() == "--dry-run") {
      p.dry_run = true;
    } else if (arg.name() == "--validate") {
      p.validate = true;
    } else if (arg.name() == "--size" || arg.name() == "--start") {
      auto v = arg.value();
      if (!v) return v.error();
      (arg.name() == "--size" ? p.size : p.start) = *v;
    } else if (arg.name() == "--seed") {
      auto v = arg.unsigned_value();
      if (!v) return v.error();
      p.seed = *v;
    } else {
      return arg.unknown();
    }
  }
  return p;
}

int run(CliContext& ctx) {
  std::ostream& err = *ctx.err;
  auto parsed = parse(ctx.args);
  if (!parsed) {
    err << "roundhouse demo: " << parsed.error().message << " (see roundhouse demo --help)\n";
    return 2;
  }
  if (parsed->help) {
    *ctx.out << kUsage;
    return 0;
  }
  auto config = make_demo_config(parsed->size, parsed->seed, parsed->start);
  if (!config) {
    err << "roundhouse demo: " << config.error().message << "\n";
    return 2;
  }
  DemoRunOptions options;
  options.config = *config;
  options.dry_run = parsed->dry_run;
  options.validate = parsed->validate;
  options.tenant = ctx.tenant;
  options.progress = ctx.err;
  options.show_progress = ctx.progress;
  std::shared_ptr<EventStore> store;
  if (!options.dry_run) {
    if (!ctx.open_store) {
      err << "roundhouse demo: no store is configured\n";
      return 1;
    }
    auto opened = ctx.open_store();
    if (!opened) {
      err << "roundhouse demo: cannot open the store: " << opened.error().message << "\n";
      return 1;
    }
    store = *opened;
  }
  auto summary = run_demo(options, store, ctx.registry);
  if (!summary) {
    err << "roundhouse demo: " << summary.error().message << "\n";
    return 1;
  }
  write_pretty_json(*ctx.out, summary->to_json());
  return 0;
}

}  // namespace

CliCommand demo_command() {
  return CliCommand{"demo", "generate a deterministic demo fleet history (--size small|1m|10m)", kUsage, &run};
}

}  // namespace roundhouse::fleet::demo
